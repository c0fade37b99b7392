"""The scoring engine: item, period, half-year and annual scores, ranks, grades and tiers.

Everything here is set-based. A period is recomputed with a fixed number of queries whatever
the number of units, branches or submissions:

1. the period's indicator tree (issue 3's ``build_tree`` gives each item its effective
   points) — the *catalogue*, two queries;
2. ONE grouped aggregate over accepted submissions, grouped by (unit, branch, root dimension,
   kind, standard, goal), where each item's contribution comes from a CASE expression
   built from the catalogue (``item_points_expression``);
3. ONE grouped count for completeness and timeliness;
4. the active units and branches, the plan's vetoes and (composites) the quarter rows and
   the satisfaction figures;
5. ranks, grades and tiers settled in memory, then one DELETE and the rows written once
   with their final values (``units.bulk``: COPY on PostgreSQL), all inside one transaction.

After a review only the reviewed units are recomputed (``recompute_units``): the same
statements narrowed to those units, then the period re-ranked against the other units'
stored rows, and only the rows whose rank, grade or tier moved updated.

The rules (see docs/scoring.md for a worked example):

* Regular items (quantitative, graded, yes/no) contribute
  ``reviewer_score / max_score × effective points`` (the reviewer's score clamped to
  0..max_score, rounded to 0.01 per item). ``reviewer_score`` is the item's score on its own
  scale as confirmed at review: quantitative items by their rule, graded items by the grade.
* Deduction items take ``|reviewer_score|`` points (at most max_score) off their root
  dimension; a dimension never goes below zero (the deduction floor). Deduction items
  outside any dimension come off the total, which never goes below zero either.
* Bonus items add ``reviewer_score`` points (at most max_score each); the bonus of a score is
  capped at the plan's ``GradingRule.bonus_cap``.
* Veto items (一票否决): an accepted submission whose number or score is above zero, or a
  negative-list entry with effect veto, vetoes the unit for the whole year: its grade is at
  most 一般 in every period of the plan and it is no model-agency candidate.
* A branch's quarter total = Σ dimensions max(0, regular − deductions) + min(bonus, cap).
* A unit's quarter total combines its active branches — the mean, or weighted by party
  members (``AnnualPlan.unit_aggregation``), of each branch's points per dimension after
  its deductions, and of its bonus — with its own unit-level items, then applies the unit
  deductions with the same floor and the bonus cap.
* Half-year (h1) and annual totals are composites on a 0–100 scale:
  ``a × mean(quarter rates) + b × exam + c × satisfaction + bonus − deductions`` with a, b, c
  the plan's ``weight_quarterly``, ``weight_exam``, ``weight_satisfaction``. A quarter rate
  is ``(base − deduction) / max × 100`` of a closed or published quarter; the exam is the
  same rate over the period's own (half-year or annual) items, once any is accepted;
  satisfaction is the feedback app's 0–100 score when its sample is sufficient. A missing
  term gives its weight to the others in proportion (or, for satisfaction, counts as 0
  when the plan's rule says so). Bonus = quarters' and own bonus, capped; deductions =
  the negative list's points (annual only). Never below 0.
* Ranks use competition ranking (ties share the rank: 1, 1, 3) over total, overall, within
  the unit category and within the coordination group; branches overall and within unit.
* Grades: thresholds on the score rate (total ÷ max × 100, i.e. the total on composites),
  then the optional 优秀 quota by rank, then the veto cap at 一般.
* Branch tiers: thresholds on the rate (先进 ≥ advanced_min, 后进 < lagging_below) or thirds
  by rank (top ⌊n/3⌋ 先进, bottom ⌊n/3⌋ 后进); a vetoed branch is never 先进.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Greatest, Least, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from units.bulk import insert_rows
from units.models import Branch, Unit
from units.workflow import TransitionNotAllowed, check_transition

from ..models import (
    PERIOD_TRANSITIONS,
    AnnualPlan,
    Grade,
    GradingRule,
    Indicator,
    NegativeListEntry,
    Period,
    PeriodScore,
    ScoreSnapshot,
    Submission,
    Tier,
)
from ..selectors.plans import FREQUENCIES_BY_PERIOD, system_for

log = logging.getLogger(__name__)

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
REGULAR_KINDS = (Indicator.Kind.QUANTITATIVE, Indicator.Kind.GRADED, Indicator.Kind.YES_NO)
SCORED_KINDS = (*REGULAR_KINDS, Indicator.Kind.BONUS, Indicator.Kind.DEDUCTION, Indicator.Kind.VETO)
QUARTERS = (Period.Kind.Q1, Period.Kind.Q2, Period.Kind.Q3, Period.Kind.Q4)
COMPOSITES = {
    Period.Kind.H1: (Period.Kind.Q1, Period.Kind.Q2),
    Period.Kind.ANNUAL: QUARTERS,
}
# Ordered so that composites read quarter rows already computed.
PERIOD_ORDER = {kind: n for n, kind in enumerate([*QUARTERS, Period.Kind.H1, Period.Kind.ANNUAL])}
# Quarters whose figures enter the half-year and annual composites: open or draft quarters
# are still partial.
FINISHED = (Period.Status.CLOSED, Period.Status.PUBLISHED)
SUBMITTED_STATES = (
    Submission.Status.SUBMITTED,
    Submission.Status.UNIT_CHECKED,
    Submission.Status.ACCEPTED,
)
NO_DIMENSION = 0  # pseudo dimension of deduction items that sit outside any dimension
POINTS = DecimalField(max_digits=14, decimal_places=4)


class ScoringError(Exception):
    """An action the scoring rules refuse; the message says why, in Chinese."""


def q(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def grading_rule(plan: AnnualPlan) -> GradingRule:
    rule = GradingRule.objects.filter(plan=plan).first()
    if rule is None:
        rule, _created = GradingRule.objects.get_or_create(plan=plan)
    return rule


# --- the catalogue: the period's items with their effective points ---------------------------


@dataclass(frozen=True)
class ItemMeta:
    id: int
    code: str
    name: str
    kind: str
    level: str
    standard: str
    goal: str
    max_score: Decimal
    effective: Decimal | None  # None for bonus, deduction and veto items
    dimension_id: int
    dimension_code: str
    dimension_name: str
    categories: frozenset  # empty = every category

    def applies_to(self, category_id) -> bool:
        return not self.categories or category_id in self.categories

    @property
    def factor(self) -> Decimal:
        """Points per raw point for regular items."""
        if self.effective is None or not self.max_score:
            return ZERO
        return self.effective / self.max_score


@dataclass
class Catalogue:
    """The scored leaf items a period collects, and what each category can score."""

    items: dict = field(default_factory=dict)  # id -> ItemMeta
    dimensions: dict = field(default_factory=dict)  # id -> (code, name, standard)
    _memo: dict = field(default_factory=dict, repr=False)

    def expected(self, category_id, level) -> list[ItemMeta]:
        key = ("expected", category_id, level)
        if key not in self._memo:
            self._memo[key] = [
                m for m in self.items.values() if m.level == level and m.applies_to(category_id)
            ]
        return self._memo[key]

    def maxima(self, category_id, level) -> dict:
        """{("standard"|"goal"|"dimension", code): max points} and ("total", "") for the
        regular items a category is asked at a level. Shared between calls: do not change."""
        key = ("maxima", category_id, level)
        if key not in self._memo:
            self._memo[key] = self._maxima(category_id, level)
        return self._memo[key]

    def combined_maxima(self, category_id, with_branches: bool) -> dict:
        """A unit's maxima: its branches' items (when it has branches) and its own."""
        key = ("combined", category_id, with_branches)
        if key not in self._memo:
            out: dict = defaultdict(lambda: ZERO)
            parts = [self.maxima(category_id, Indicator.Level.UNIT)]
            if with_branches:
                parts.insert(0, self.maxima(category_id, Indicator.Level.BRANCH))
            for part in parts:
                for k, v in part.items():
                    out[k] += v
            self._memo[key] = out
        return self._memo[key]

    def label(self, axis: str, key) -> tuple[str, str]:
        """(code, label) of a standard or goal code, or of a dimension id."""
        if axis != "dimension":
            return key, ""
        code, name, _standard = self.dimensions.get(key, ("", "", ""))
        return code, name[:200]

    def layout(self, maxima: dict) -> dict:
        """{axis: [(key, code, label, max points as text), …] sorted by code} for a maxima
        dict this catalogue returned (memoised with it, so the id stays its own)."""
        memo_key = ("layout", id(maxima))
        if memo_key not in self._memo:
            layout = {}
            for axis in ("standard", "goal", "dimension"):
                rows = []
                for (a, key), most in maxima.items():
                    if a != axis or not key:
                        continue
                    code, label = self.label(axis, key)
                    if code:
                        rows.append((key, code, label, _text(most)))
                layout[axis] = sorted(rows, key=lambda r: r[1])
            self._memo[memo_key] = (maxima, layout)  # holding maxima keeps its id unique
        return self._memo[memo_key][1]

    def _maxima(self, category_id, level) -> dict:
        out: dict = defaultdict(lambda: ZERO)
        for m in self.expected(category_id, level):
            if m.kind not in REGULAR_KINDS or m.effective is None:
                continue
            out[("total", "")] += m.effective
            out[("standard", m.standard)] += m.effective
            out[("goal", m.goal)] += m.effective
            out[("dimension", m.dimension_id)] += m.effective
        return out


def catalogue_for(period: Period) -> Catalogue:
    """Two queries (the items and their categories) for the period's system."""
    from .indicators import build_tree, flatten, load_items

    system = system_for(period)
    catalogue = Catalogue()
    if system is None:
        return catalogue
    items = load_items(system, include_retired=True)
    nodes = flatten(build_tree(system, items))
    active_children = defaultdict(int)
    for item in items:
        if item.parent_id and not item.retired_at:
            active_children[item.parent_id] += 1
    by_pk = {item.pk: item for item in items}
    frequencies = FREQUENCIES_BY_PERIOD[period.kind]
    for node in nodes:
        item = node.item
        root = item
        while root.parent_id:
            root = by_pk[root.parent_id]
        if item.parent_id is None and item.kind == Indicator.Kind.DIMENSION:
            catalogue.dimensions[item.pk] = (item.code, item.name, item.standard)
        if (
            item.kind not in SCORED_KINDS
            or item.retired_at
            or active_children[item.pk]
            or item.frequency not in frequencies
        ):
            continue
        dimension_id = root.pk if root.pk != item.pk else NO_DIMENSION
        catalogue.items[item.pk] = ItemMeta(
            id=item.pk,
            code=item.code,
            name=item.name,
            kind=item.kind,
            level=item.level,
            standard=item.standard,
            goal=item.goal,
            max_score=item.max_score or ZERO,
            effective=node.effective if item.kind in REGULAR_KINDS else None,
            dimension_id=dimension_id,
            dimension_code=root.code if dimension_id else "",
            dimension_name=root.name if dimension_id else "",
            categories=frozenset(c.pk for c in item.categories.all()),
        )
    return catalogue


def item_points_expression(catalogue: Catalogue):
    """Each accepted submission's points as one CASE over the catalogue's items.

    Regular: round(clamp(score, 0, max) × effective / max, 2); bonus: clamp(score, 0, max);
    deduction: min(|score|, max) (no cap when max is 0); veto and unknown items: 0.
    Items sharing a rule (kind, full marks, factor) share one WHEN: a system has ~70 items
    but a handful of rules, and the database evaluates the WHENs in turn for every row.
    """
    rules = defaultdict(list)
    for m in catalogue.items.values():
        if m.kind in REGULAR_KINDS and m.max_score > 0 and m.effective is not None:
            rules[("regular", m.max_score, m.factor)].append(m.id)
        elif m.kind in (Indicator.Kind.BONUS, Indicator.Kind.DEDUCTION):
            rules[(m.kind, m.max_score, None)].append(m.id)
    whens = []
    score = F("reviewer_score")
    for (kind, max_score, factor), ids in rules.items():
        if kind == "regular":
            clamped = Least(Greatest(score, Value(ZERO)), Value(max_score))
            # One factor per rule (effective ÷ full marks): no division in SQL, where
            # SQLite would divide integers as integers.
            then = Round(clamped * Value(factor), 2)
        elif kind == Indicator.Kind.BONUS:
            then = Greatest(score, Value(ZERO))
            if max_score > 0:
                then = Least(then, Value(max_score))
        else:
            then = Abs(score)
            if max_score > 0:
                then = Least(then, Value(max_score))
        whens.append(When(indicator_id__in=ids, then=then))
    if not whens:
        return Value(ZERO, output_field=POINTS)
    return Case(*whens, default=Value(ZERO), output_field=POINTS)


def dimension_expression(catalogue: Catalogue):
    by_dimension = defaultdict(list)
    for m in catalogue.items.values():
        by_dimension[m.dimension_id].append(m.id)
    whens = [When(indicator_id__in=ids, then=Value(dim)) for dim, ids in by_dimension.items()]
    if not whens:
        return Value(NO_DIMENSION)
    return Case(*whens, default=Value(NO_DIMENSION))


VETO_TRIGGER = Q(indicator__kind=Indicator.Kind.VETO) & (Q(value__gt=0) | Q(reviewer_score__gt=0))


# --- per-entity arithmetic -------------------------------------------------------------------


@dataclass
class Tally:
    """One branch's or unit's aggregated points in a period, before combining."""

    regular: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))  # dim -> pts
    deductions: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))  # dim -> pts
    bonus: Decimal = ZERO
    standards: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    goals: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    veto: bool = False


@dataclass
class Result:
    base: Decimal
    deduction: Decimal
    bonus: Decimal
    total: Decimal
    dimensions: dict  # dim -> net points (after deductions, floored)
    applied: dict  # dim -> applied deduction


def settle(regular: dict, deductions: dict, bonus_raw: Decimal, cap: Decimal) -> Result:
    """Apply deductions per dimension with the floor at zero, then the capped bonus."""
    nets, applied = {}, {}
    base = subtotal = deduction = ZERO
    for dim in set(regular) | set(deductions):
        if dim == NO_DIMENSION:
            continue
        reg = q(regular.get(dim, ZERO))
        taken = min(q(deductions.get(dim, ZERO)), reg)
        nets[dim], applied[dim] = reg - taken, taken
        base, subtotal, deduction = base + reg, subtotal + reg - taken, deduction + taken
    loose = min(q(deductions.get(NO_DIMENSION, ZERO)), subtotal)
    if loose:
        applied[NO_DIMENSION] = loose
        deduction += loose
    bonus = min(q(bonus_raw), q(cap))
    return Result(base, deduction, bonus, base - deduction + bonus, nets, applied)


def rate_of(total, max_points) -> Decimal:
    if not max_points:
        return ZERO
    return q(Decimal(total) * HUNDRED / Decimal(max_points))


def grade_for(rate, rule: GradingRule) -> str:
    if rate >= rule.excellent_min:
        return Grade.EXCELLENT
    if rate >= rule.good_min:
        return Grade.GOOD
    if rate >= rule.fair_min:
        return Grade.FAIR
    return Grade.POOR


def cap_grade(grade: str, *, rank, ranked: int, rule: GradingRule, vetoed: bool) -> str:
    """The 优秀 quota (top N % by rank; ties at the limit keep it), then the veto cap."""
    if grade == Grade.EXCELLENT and rule.excellent_quota is not None:
        limit = math.floor(ranked * rule.excellent_quota / HUNDRED)
        if rank is None or rank > limit:
            grade = Grade.GOOD
    if vetoed and grade in (Grade.EXCELLENT, Grade.GOOD):
        grade = Grade.FAIR
    return grade


def tier_for(rate, *, rank, ranked: int, rule: GradingRule, vetoed: bool) -> str:
    if rule.tier_method == GradingRule.TierMethod.THIRDS:
        third = ranked // 3
        if rank is not None and third and rank <= third:
            tier = Tier.ADVANCED
        elif rank is not None and third and rank > ranked - third:
            tier = Tier.LAGGING
        else:
            tier = Tier.MIDDLE
    elif rate >= rule.advanced_min:
        tier = Tier.ADVANCED
    elif rate < rule.lagging_below:
        tier = Tier.LAGGING
    else:
        tier = Tier.MIDDLE
    if vetoed and tier == Tier.ADVANCED:
        tier = Tier.MIDDLE
    return tier


def combine_weights(branches: list, aggregation: str) -> dict:
    """{branch id: weight} summing to 1: equal, or by party members (equal if none)."""
    if not branches:
        return {}
    members = sum(b["member_count"] for b in branches)
    if aggregation == AnnualPlan.Aggregation.MEMBERS and members:
        return {b["id"]: Decimal(b["member_count"]) / Decimal(members) for b in branches}
    share = Decimal(1) / Decimal(len(branches))
    return {b["id"]: share for b in branches}


def composite(weights: list, rule: GradingRule) -> Decimal:
    """Σ w·x over available terms, rescaled so missing terms' weights go to the others."""
    whole = sum((w for w, _x in weights), ZERO)
    present = [(w, x) for w, x in weights if x is not None]
    got = sum((w for w, _x in present), ZERO)
    if not got:
        return ZERO
    return q(sum((w * x for w, x in present), ZERO) * whole / got)


# --- the plan's vetoes -----------------------------------------------------------------------


def plan_vetoes(plan: AnnualPlan, unit_ids=None) -> tuple[set, set]:
    """(unit ids, branch ids) vetoed in the plan's year: accepted veto items with a number or
    score above zero in any of its periods, plus negative-list vetoes. Two queries; only
    the given units' when ``unit_ids`` is given."""
    units, branches = set(), set()
    rows = Submission.objects.filter(
        VETO_TRIGGER, period__plan=plan, status=Submission.Status.ACCEPTED
    )
    negative = NegativeListEntry.objects.filter(plan=plan, effect=NegativeListEntry.Effect.VETO)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
        negative = negative.filter(unit_id__in=list(unit_ids))
    rows = rows.values_list("unit_id", "branch_id").distinct()
    for unit_id, branch_id in rows:
        units.add(unit_id)
        if branch_id:
            branches.add(branch_id)
    units.update(negative.values_list("unit_id", flat=True))
    return units, branches


def satisfaction_for(period: Period, unit_ids) -> dict:
    """unit id -> (score 0–100 or None, sample) from the feedback app, for the period's part
    of the year (h1: January–June; annual: the whole year). Missing app → empty."""
    import datetime as dt

    try:
        from feedback.selectors import satisfaction_by_unit
    except ImportError:  # pragma: no cover - the feedback app is part of the project
        return {}
    year = period.plan.year
    end = dt.date(year, 6, 30) if period.kind == Period.Kind.H1 else dt.date(year, 12, 31)
    try:
        figures = satisfaction_by_unit(dt.date(year, 1, 1), end, list(unit_ids))
    except Exception:  # noqa: BLE001 - a satisfaction failure must not stop scoring
        log.exception("satisfaction figures unavailable for %s", period)
        return {}
    result = {}
    for unit_id, figure in figures.items():
        score = getattr(figure, "score", None)
        sufficient = getattr(figure, "sufficient", score is not None)
        result[unit_id] = (
            q(score) if score is not None and sufficient else None,
            getattr(figure, "sample", 0) or 0,
        )
    return result


# --- recompute -------------------------------------------------------------------------------


def _of_units(queryset, unit_ids):
    return queryset if unit_ids is None else queryset.filter(unit_id__in=list(unit_ids))


def _aggregate(period: Period, catalogue: Catalogue, unit_ids=None):
    """ONE grouped query over accepted submissions of the period (of some units)."""
    return (
        _of_units(
            Submission.objects.filter(
                period=period,
                status=Submission.Status.ACCEPTED,
                indicator_id__in=list(catalogue.items),
            ),
            unit_ids,
        )
        .annotate(dim=dimension_expression(catalogue), pts=item_points_expression(catalogue))
        .values(
            "unit_id",
            "branch_id",
            "dim",
            "indicator__kind",
            "indicator__standard",
            "indicator__goal",
        )
        .annotate(points=Sum("pts"), vetoes=Count("pk", filter=VETO_TRIGGER))
        .order_by()
    )


def _counts(period: Period, catalogue: Catalogue, unit_ids=None):
    """ONE grouped query: submitted and on-time items per (unit, branch)."""
    submitted = Q(status__in=SUBMITTED_STATES)
    return (
        _of_units(
            Submission.objects.filter(period=period, indicator_id__in=list(catalogue.items)),
            unit_ids,
        )
        .values("unit_id", "branch_id")
        .annotate(
            submitted=Count("pk", filter=submitted),
            on_time=Count("pk", filter=submitted & Q(is_late=False)),
        )
        .order_by()
    )


def _tallies(period, catalogue, unit_ids=None):
    tallies: dict = defaultdict(Tally)  # (unit id, branch id or None) -> Tally
    rows = _aggregate(period, catalogue, unit_ids).values_list(
        "unit_id",
        "branch_id",
        "dim",
        "indicator__kind",
        "indicator__standard",
        "indicator__goal",
        "points",
        "vetoes",
    )
    for unit_id, branch_id, dim, kind, standard, goal, points, vetoes in rows:
        tally = tallies[(unit_id, branch_id)]
        points = Decimal(points or 0)
        if vetoes:
            tally.veto = True
        if kind in REGULAR_KINDS:
            tally.regular[dim] += points
            tally.standards[standard] += points
            tally.goals[goal] += points
        elif kind == Indicator.Kind.DEDUCTION:
            tally.deductions[dim] += points
        elif kind == Indicator.Kind.BONUS:
            tally.bonus += points
    return tallies


def _text(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


ZERO_TEXT = _text(ZERO)


def _parts(values: dict, maxima: dict, catalogue: Catalogue) -> dict:
    """A score's points and maxima per standard, goal and dimension, in the JSON shape of
    ``PeriodScore.parts``: {axis: [[code, label, points, max points], …]}, sorted by code.
    Every code of the maxima is listed, plus any the values have beyond them."""
    layout = catalogue.layout(maxima)
    parts = {}
    for axis in ("standard", "goal", "dimension"):
        got = values[axis]
        entries = [
            [code, label, _text(got[key]) if key in got else ZERO_TEXT, most]
            for key, code, label, most in layout[axis]
        ]
        extra = [key for key in got if key and (axis, key) not in maxima]
        if extra:
            for key in extra:
                code, label = catalogue.label(axis, key)
                if code:
                    entries.append([code, label, _text(got[key]), ZERO_TEXT])
            entries.sort()
        parts[axis] = entries
    return parts


@dataclass(slots=True)
class Computed:
    """One score row as computed, before it is written (PeriodScore's columns)."""

    period_id: int
    unit_id: int
    branch_id: int | None
    base: Decimal
    deduction: Decimal
    bonus: Decimal
    total: Decimal
    max_points: Decimal
    net_rate: Decimal
    vetoed: bool
    expected: int
    submitted: int
    on_time: int
    parts: dict
    quarter_mean: Decimal | None = None
    exam: Decimal | None = None
    satisfaction: Decimal | None = None
    satisfaction_sample: int | None = None
    rank: int | None = None
    category_rank: int | None = None
    group_rank: int | None = None
    unit_rank: int | None = None
    grade: str = ""
    tier: str = ""


def _insert_scores(rows: list) -> None:
    """Write computed scores without a model instance per row (``units.bulk``): the values
    are already what the columns store (0.01-quantised decimals, the parts as JSON text)."""
    connection = transaction.get_connection()
    # computed_at is set here, as auto_now would.
    fields = [f for f in PeriodScore._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    def values(row):
        for name in names:
            if name == "computed_at":
                yield now
            elif name == "parts":
                yield json.dumps(row.parts, ensure_ascii=False)
            else:
                yield getattr(row, name)

    insert_rows(PeriodScore, fields, (tuple(values(row)) for row in rows))


def _add(target: dict, source: dict, weight=Decimal(1)):
    for key, value in source.items():
        target[key] += value * weight


@transaction.atomic
def recompute_period(period: Period, *, cascade: bool = True) -> int:
    """Recompute one period's scores; with cascade, the plan's composites after a quarter.
    Returns the number of score rows written."""
    period = Period.objects.select_related("plan").get(pk=period.pk)
    written = _recompute_one(period)
    if cascade and period.kind in QUARTERS:
        for other in _composites_of(period):
            written += _recompute_one(other)
    return written


@transaction.atomic
def recompute_units(period: Period, unit_ids, *, cascade: bool = False) -> int:
    """Recompute some units' rows (the unit's and its branches') in one period, and with
    cascade their rows in the plan's composites; every period touched is re-ranked, so the
    other rows' ranks, grades and tiers follow. The rows are those ``recompute_period``
    would write. A handful of statements, whatever the size of the period: what one review
    needs (a whole quarter of a province is ~1,650 rows and ~50,000 submissions)."""
    period = Period.objects.select_related("plan").get(pk=period.pk)
    unit_ids = set(unit_ids)
    written = _recompute_one(period, unit_ids=unit_ids)
    if cascade and period.kind in QUARTERS:
        for other in _composites_of(period):
            written += _recompute_one(other, unit_ids=unit_ids)
    return written


def _composites_of(period: Period):
    return Period.objects.filter(plan_id=period.plan_id, kind__in=list(COMPOSITES)).select_related(
        "plan"
    )


RANK_FIELDS = ("rank", "category_rank", "group_rank", "unit_rank", "grade", "tier")


@dataclass(slots=True)
class Ranked:
    """A stored score of a unit not being recomputed: what ranking it needs and what it had."""

    pk: int
    unit_id: int
    branch_id: int | None
    total: Decimal
    max_points: Decimal
    vetoed: bool
    before: tuple
    rank: int | None = None
    category_rank: int | None = None
    group_rank: int | None = None
    unit_rank: int | None = None
    grade: str = ""
    tier: str = ""

    def ranks(self) -> tuple:
        return tuple(getattr(self, name) for name in RANK_FIELDS)


def _stored(period: Period, unit_ids) -> tuple[list, dict]:
    """The period's stored rows of the other units (ONE query), and those units' category
    and group."""
    others, unit_of = [], {}
    rows = (
        PeriodScore.objects.filter(period=period)
        .exclude(unit_id__in=list(unit_ids))
        .values_list(
            "pk",
            "unit_id",
            "branch_id",
            "total",
            "max_points",
            "vetoed",
            "unit__category_id",
            "unit__group_id",
            *RANK_FIELDS,
        )
    )
    for pk, unit_id, branch_id, total, max_points, vetoed, category, group, *ranks in rows:
        others.append(Ranked(pk, unit_id, branch_id, total, max_points, vetoed, tuple(ranks)))
        unit_of[unit_id] = {"id": unit_id, "category_id": category, "group_id": group}
    return others, unit_of


def _recompute_one(period: Period, unit_ids: set | None = None) -> int:
    """Write a period's scores: all of them, or (``unit_ids``) those units' rows only, then
    re-rank the period. Falls back to the whole period when it has no rows yet."""
    plan = period.plan
    rule = grading_rule(plan)
    catalogue = catalogue_for(period)
    others, other_units = [], {}
    if unit_ids is not None:
        others, other_units = _stored(period, unit_ids)
        if not others and not PeriodScore.objects.filter(period=period).exists():
            unit_ids = None  # nothing to re-rank against: compute the whole period
    units = Unit.objects.filter(active=True)
    if unit_ids is not None:
        units = units.filter(id__in=list(unit_ids))
    units = list(units.values("id", "category_id", "group_id"))
    branches = list(
        _of_units(Branch.objects.filter(active=True, unit__active=True), unit_ids).values(
            "id", "unit_id", "member_count"
        )
    )
    branches_of = defaultdict(list)
    for b in branches:
        branches_of[b["unit_id"]].append(b)
    category_of = {u["id"]: u["category_id"] for u in units}

    tallies = _tallies(period, catalogue, unit_ids) if catalogue.items else {}
    counts = (
        {(r["unit_id"], r["branch_id"]): r for r in _counts(period, catalogue, unit_ids)}
        if (catalogue.items)
        else {}
    )
    vetoed_units, vetoed_branches = plan_vetoes(plan, unit_ids)
    for (unit_id, branch_id), tally in tallies.items():
        if tally.veto:
            vetoed_units.add(unit_id)
            if branch_id:
                vetoed_branches.add(branch_id)

    is_composite = period.kind in COMPOSITES
    quarter_rows = {}
    if is_composite:
        quarter_rows = {
            (r["unit_id"], r["branch_id"]): r
            for r in _of_units(
                PeriodScore.objects.filter(
                    period__plan=plan,
                    period__kind__in=COMPOSITES[period.kind],
                    period__status__in=FINISHED,
                    max_points__gt=0,
                ),
                unit_ids,
            )
            .values("unit_id", "branch_id")
            .annotate(mean=Avg("net_rate"), bonus_sum=Sum("bonus"), n=Count("pk"))
            .order_by()
        }
        satisfaction = satisfaction_for(period, category_of)
        negative = defaultdict(lambda: ZERO)
        if period.kind == Period.Kind.ANNUAL:
            for row in (
                NegativeListEntry.objects.filter(
                    plan=plan, effect=NegativeListEntry.Effect.DEDUCTION
                )
                .values("unit_id")
                .annotate(points=Sum("points"))
                .order_by()
            ):
                negative[row["unit_id"]] = q(row["points"])

    if not tallies and not quarter_rows:
        if unit_ids is not None:
            # These units have nothing left: whether the period still has scores at all
            # depends on the others; the whole period decides (rare: a last item returned).
            return _recompute_one(period)
        # Nothing accepted yet (and no quarters to combine): no scores, rather than a
        # ranking of zeros. Completeness is read live by the selectors.
        PeriodScore.objects.filter(period=period)._raw_delete(PeriodScore.objects.db)
        return 0

    scores = []
    empty = Tally()

    def counts_for(unit_id, branch_id, expected):
        row = counts.get((unit_id, branch_id), {})
        submitted = min(row.get("submitted", 0), expected)
        return expected, submitted, min(row.get("on_time", 0), submitted)

    def make(
        unit_id, branch_id, result, max_points, values, maxima, expected_counts, vetoed, extra=None
    ):
        own_net_rate = rate_of(result.base - result.deduction, max_points)
        fields = {
            "base": q(result.base),
            "deduction": q(result.deduction),
            "bonus": q(result.bonus),
            "total": q(result.total),
            "max_points": q(max_points),
            "net_rate": own_net_rate,
        }
        if is_composite:
            fields.update(
                _composite_fields(unit_id, branch_id, result, max_points, own_net_rate, extra)
            )
        score = Computed(
            period_id=period.pk,
            unit_id=unit_id,
            branch_id=branch_id,
            vetoed=vetoed,
            expected=expected_counts[0],
            submitted=expected_counts[1],
            on_time=expected_counts[2],
            parts=_parts(values, maxima, catalogue),
            **fields,
        )
        scores.append(score)

    def _composite_fields(unit_id, branch_id, result, max_points, exam_rate, extra):
        rows = quarter_rows.get((unit_id, branch_id))
        quarter_mean = q(rows["mean"]) if rows and rows["n"] else None
        # The exam counts once anyone's own items of this period are accepted; before that
        # it has not taken place and its weight goes to the other terms.
        exam = exam_rate if max_points and tallies else None
        sat, sample = (None, None)
        if branch_id is None:
            sat, sample = satisfaction.get(unit_id, (None, 0))
            if sat is None and rule.missing_satisfaction == GradingRule.MissingSatisfaction.ZERO:
                sat = ZERO
        weighted = composite(
            [
                (plan.weight_quarterly, quarter_mean),
                (plan.weight_exam, exam),
                (plan.weight_satisfaction, sat if branch_id is None else None),
            ],
            rule,
        )
        bonus = min(
            q((rows["bonus_sum"] if rows else ZERO) or ZERO) + result.bonus, q(rule.bonus_cap)
        )
        deduction = negative.get(unit_id, ZERO) if branch_id is None else ZERO
        total = max(weighted + bonus - deduction, ZERO)
        return {
            "base": weighted,
            "bonus": q(bonus),
            "deduction": q(min(deduction, weighted + bonus)),
            "total": q(total),
            "max_points": HUNDRED,
            "net_rate": exam_rate,
            "quarter_mean": quarter_mean,
            "exam": exam,
            "satisfaction": sat,
            "satisfaction_sample": sample,
        }

    for unit in units:
        unit_id, category_id = unit["id"], unit["category_id"]
        branch_maxima = catalogue.maxima(category_id, Indicator.Level.BRANCH)
        branch_expected = len(catalogue.expected(category_id, Indicator.Level.BRANCH))
        own = branches_of.get(unit_id, [])
        weights = combine_weights(own, plan.unit_aggregation)
        # The branch part of each dimension: the branches' points after their own
        # deductions (never below 0), combined by mean or member weight.
        net = defaultdict(lambda: ZERO)
        loose = ZERO
        branch_deduction = ZERO
        branch_bonus = ZERO
        standards = defaultdict(lambda: ZERO)
        goals = defaultdict(lambda: ZERO)
        unit_counts = [0, 0, 0]
        for b in own:
            tally = tallies.get((unit_id, b["id"]), empty)
            result = settle(tally.regular, tally.deductions, tally.bonus, rule.bonus_cap)
            counted = counts_for(unit_id, b["id"], branch_expected)
            for i in range(3):
                unit_counts[i] += counted[i]
            values = {
                "standard": tally.standards,
                "goal": tally.goals,
                "dimension": result.dimensions,
            }
            make(
                unit_id,
                b["id"],
                result,
                branch_maxima[("total", "")],
                values,
                branch_maxima,
                counted,
                b["id"] in vetoed_branches,
            )
            w = weights[b["id"]]
            _add(net, result.dimensions, w)
            loose += result.applied.get(NO_DIMENSION, ZERO) * w
            branch_deduction += result.deduction * w
            branch_bonus += result.bonus * w
            _add(standards, {k: q(v) for k, v in tally.standards.items()}, w)
            _add(goals, {k: q(v) for k, v in tally.goals.items()}, w)

        unit_tally = tallies.get((unit_id, None), empty)
        maxima = catalogue.combined_maxima(category_id, bool(own))
        regular = defaultdict(lambda: ZERO)
        for dim, value in net.items():
            regular[dim] += q(value)
        for dim, value in unit_tally.regular.items():
            regular[dim] += q(value)
        deductions = defaultdict(lambda: ZERO)
        for dim, value in unit_tally.deductions.items():
            deductions[dim] += q(value)
        # Branches' loose deductions were taken from their totals already.
        deductions[NO_DIMENSION] += q(loose) if own else ZERO
        branch_deduction -= loose
        settled = settle(regular, deductions, q(branch_bonus) + q(unit_tally.bonus), rule.bonus_cap)
        # total = Σ dimensions + bonus; deduction counts the branches' (weighted) deductions
        # too, and base is what makes total = base - deduction + bonus hold exactly.
        deduction = q(branch_deduction) + settled.deduction
        result = Result(
            base=settled.total - settled.bonus + deduction,
            deduction=deduction,
            bonus=settled.bonus,
            total=settled.total,
            dimensions=settled.dimensions,
            applied=settled.applied,
        )
        for code, value in unit_tally.standards.items():
            standards[code] += q(value)
        for code, value in unit_tally.goals.items():
            goals[code] += q(value)
        own_counts = counts_for(
            unit_id, None, len(catalogue.expected(category_id, Indicator.Level.UNIT))
        )
        make(
            unit_id,
            None,
            result,
            maxima[("total", "")],
            {
                "standard": {k: q(v) for k, v in standards.items()},
                "goal": {k: q(v) for k, v in goals.items()},
                "dimension": result.dimensions,
            },
            maxima,
            tuple(unit_counts[i] + own_counts[i] for i in range(3)),
            unit_id in vetoed_units,
        )

    # Ranks, grades and tiers are settled in memory, so each row is inserted once with its
    # final values (no UPDATE pass), after one plain DELETE (no per-row cascade collection).
    # Recomputing some units, the others' stored rows are ranked with them and only those
    # whose rank, grade or tier moved are updated.
    _rank(scores + others, {**other_units, **{u["id"]: u for u in units}}, rule)
    stale = PeriodScore.objects.filter(period=period)
    _of_units(stale, unit_ids)._raw_delete(PeriodScore.objects.db)
    _insert_scores(scores)
    moved = [
        PeriodScore(pk=o.pk, **dict(zip(RANK_FIELDS, o.ranks(), strict=True)))
        for o in others
        if o.ranks() != o.before
    ]
    # Small batches: bulk_update's CASE per column costs batch² comparisons.
    PeriodScore.objects.bulk_update(moved, RANK_FIELDS, batch_size=200)
    return len(scores)


def _competition_ranks(scores: list, key=None) -> dict:
    """{id(score): rank} by total, highest first; ties share the rank (1, 1, 3). Per
    partition when ``key`` is given (each partition ranked on its own)."""
    partitions = defaultdict(list)
    for score in scores:
        partitions[key(score) if key else None].append(score)
    ranks = {}
    for members in partitions.values():
        members.sort(key=lambda s: s.total, reverse=True)
        previous, rank = None, 0
        for n, score in enumerate(members, start=1):
            if score.total != previous:
                previous, rank = score.total, n
            ranks[id(score)] = rank
    return ranks


def _rank(scores: list, unit_of: dict, rule: GradingRule) -> None:
    """Competition ranks (overall, in category, in group; branches overall and in unit),
    grades and tiers, set on the unsaved rows. Only rows with a maximum are ranked."""
    units = [s for s in scores if s.branch_id is None and s.max_points > 0]
    branches = [s for s in scores if s.branch_id is not None and s.max_points > 0]
    overall = _competition_ranks(units)
    in_category = _competition_ranks(units, key=lambda s: unit_of[s.unit_id]["category_id"])
    in_group = _competition_ranks(units, key=lambda s: unit_of[s.unit_id]["group_id"])
    for score in units:
        score.rank, score.category_rank = overall[id(score)], in_category[id(score)]
        score.group_rank = in_group[id(score)] if unit_of[score.unit_id]["group_id"] else None
        grade = grade_for(rate_of(score.total, score.max_points), rule)
        score.grade = cap_grade(
            grade, rank=score.rank, ranked=len(units), rule=rule, vetoed=score.vetoed
        )
    overall = _competition_ranks(branches)
    in_unit = _competition_ranks(branches, key=lambda s: s.unit_id)
    for score in branches:
        score.rank, score.unit_rank = overall[id(score)], in_unit[id(score)]
        score.tier = tier_for(
            rate_of(score.total, score.max_points),
            rank=score.rank,
            ranked=len(branches),
            rule=rule,
            vetoed=score.vetoed,
        )


def recompute_plan(plan: AnnualPlan) -> int:
    """Recompute every period of a plan: quarters first, then the half-year and the year."""
    periods = sorted(
        Period.objects.filter(plan=plan).select_related("plan"), key=lambda p: PERIOD_ORDER[p.kind]
    )
    written = 0
    with transaction.atomic():
        for period in periods:
            written += _recompute_one(period)
    return written


class Reach:
    """How far one review's effect goes: its period; the plan's composites too (a closed or
    published quarter, which the composites read); or every period of the plan (a veto item:
    a veto caps the unit's grade all year)."""

    PERIOD = "period"
    COMPOSITES = "composites"
    PLAN = "plan"


def reach_of(period: Period, indicator_kind: str) -> str:
    if indicator_kind == Indicator.Kind.VETO:
        return Reach.PLAN
    if period.status in FINISHED:
        return Reach.COMPOSITES
    return Reach.PERIOD


def recompute_reviewed(period_id: int, unit_ids, reach: str) -> int:
    """Recompute what reviews of some units' items in a period touched (see ``Reach``): those
    units' rows only, every touched period re-ranked. Returns the rows written."""
    unit_ids = sorted(set(unit_ids))
    # Claimed before computing: a review committed from now on schedules a fresh recompute.
    release_recompute(period_id, unit_ids, reach)
    period = Period.objects.select_related("plan").filter(pk=period_id).first()
    if period is None or not unit_ids:
        return 0
    if reach != Reach.PLAN:
        return recompute_units(period, unit_ids, cascade=reach == Reach.COMPOSITES)
    periods = sorted(
        Period.objects.filter(plan_id=period.plan_id).select_related("plan"),
        key=lambda p: PERIOD_ORDER[p.kind],
    )
    with transaction.atomic():
        return sum(_recompute_one(each, unit_ids=set(unit_ids)) for each in periods)


def recompute_for_submission(submission_id: int) -> int:
    """What reviewing one submission touched (its unit, see ``reach_of``)."""
    row = (
        Submission.objects.filter(pk=submission_id)
        .values("period_id", "unit_id", "indicator__kind", "period__status")
        .first()
    )
    if row is None:
        return 0
    reach = reach_of(Period(status=row["period__status"]), row["indicator__kind"])
    return recompute_reviewed(row["period_id"], [row["unit_id"]], reach)


PENDING_TTL = 600  # seconds a pending recompute blocks others for the same unit, at most


def _pending_key(period_id: int, unit_id: int, reach: str) -> str:
    return f"scoring:recompute-pending:{period_id}:{unit_id}:{reach}"


def release_recompute(period_id: int, unit_ids, reach: str) -> None:
    from django.core.cache import cache

    cache.delete_many([_pending_key(period_id, u, reach) for u in unit_ids])


def schedule_recompute(submission) -> None:
    """Hook for the review service: once the transaction commits, recompute the reviewed
    submission's unit in its period (Celery task, inline in tests and ``make run``).

    Coalesced: the items reviewed in one transaction (a bulk accept) enqueue one task per
    period and reach, for all their units; across transactions at most one recompute per
    (period, unit, reach) waits in the queue (a cache key claimed with ``cache.add``,
    released by the task when it starts, so a review committed while it runs schedules the
    next one)."""
    from django.core.cache import cache

    from ..tasks import recompute_reviewed_scores

    reach = reach_of(submission.period, submission.indicator.kind)
    key = (submission.period_id, reach)
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        pending = entry[1]
        if getattr(pending, "score_key", None) == key:
            pending.unit_ids.add(submission.unit_id)
            return

    def enqueue():
        period_id, reach = enqueue.score_key
        units = [
            u
            for u in sorted(enqueue.unit_ids)
            if cache.add(_pending_key(period_id, u, reach), 1, PENDING_TTL)
        ]
        if not units:
            return  # each unit has a recompute waiting that will read this review
        try:
            recompute_reviewed_scores.delay(period_id, units, reach)
        except Exception:
            release_recompute(period_id, units, reach)  # an outage must not block later ones
            raise

    enqueue.score_key = key
    enqueue.unit_ids = {submission.unit_id}
    # robust: a broker outage is logged, never turns the committed review into an error page
    transaction.on_commit(enqueue, robust=True)


# --- publishing ------------------------------------------------------------------------------


def _frozen(period: Period) -> dict:
    from ..selectors.scores import live_payload

    return live_payload(period)


@transaction.atomic
def publish_scores(period: Period, *, by) -> ScoreSnapshot:
    """Publish a closed period: recompute, freeze revision 1 and mark it published, in one
    transaction. Later recomputes change the live rows only; pages read the snapshot."""
    from .periods import publish_period

    if ScoreSnapshot.objects.filter(period=period).exists():
        raise ScoringError(_("该节点的得分已发布；如需更正请填写原因生成新版次。"))
    # The period workflow decides whether it may be published, with its own message.
    try:
        check_transition(PERIOD_TRANSITIONS, period.status, Period.Status.PUBLISHED, Period.Status)
    except TransitionNotAllowed as exc:
        raise ScoringError(str(exc)) from exc
    recompute_period(period, cascade=False)
    publish_period(period, by=by)
    return ScoreSnapshot.objects.create(
        period=period, revision=1, data=_frozen(period), created_by=by
    )


@transaction.atomic
def correct_published(period: Period, *, by, reason: str) -> ScoreSnapshot:
    """Freeze the current scores as the next revision, with the reason. Earlier revisions
    stay as they were and readable."""
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(_("更正已发布的得分必须写明原因。"))
    latest = (
        ScoreSnapshot.objects.select_for_update()
        .filter(period=period)
        .order_by("-revision")
        .first()
    )
    if latest is None:
        raise ScoringError(_("该节点的得分尚未发布，无需更正。"))
    recompute_period(period, cascade=False)
    return ScoreSnapshot.objects.create(
        period=period,
        revision=latest.revision + 1,
        data=_frozen(period),
        reason=reason[:2000],
        created_by=by,
    )


def freeze_published(*, by) -> list[ScoreSnapshot]:
    """Freeze revision 1 for every published period that has scores but no snapshot (a
    period published through the plain period workflow). Safe to run twice."""
    from ..selectors.scores import live_payload

    made = []
    with transaction.atomic():
        for period in Period.objects.filter(
            status=Period.Status.PUBLISHED, snapshots__isnull=True, scores__isnull=False
        ).distinct():
            made.append(
                ScoreSnapshot.objects.create(
                    period=period, revision=1, data=live_payload(period), created_by=by
                )
            )
    return made
