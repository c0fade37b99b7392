"""The scoring engine: load → compute (with ``rules``) → rank → write, one period at a time.

Everything is set-based: a period is recomputed with a fixed number of queries whatever the
number of units, branches or submissions.

1. ``catalogue_for``: the period's indicator tree with each item's effective points, two
   queries.
2. ``load``: ONE grouped aggregate over the period's submissions by (unit, branch), a
   column of accepted points per tally class (root dimension, kind, standard, goal), each
   row's points from an expression built from the catalogue (``item_points_expression``,
   the SQL form of ``rules.item_points``), and the completeness counts — or, for a few
   units, their rows grouped with ``rules.item_points``; the active units and branches,
   the plan's vetoes and (composites) the finished quarters' rows and the satisfaction
   figures.
3. ``compute``: every branch and unit row with the rules (``compute_unit``).
4. ``rank``: competition ranks, grades and tiers in memory.
5. ``write``: one DELETE and the rows written once with their final values (``units.bulk``:
   COPY on PostgreSQL), inside the caller's transaction.

After a review only the reviewed units are recomputed (``recompute(period, unit_ids)``): the
same reads narrowed to those units, then the period re-ranked against the other
units' stored rows (``load_stored``), and only the rows whose rank, grade or tier moved
are updated. A partial recompute writes exactly the rows a full one would.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce, Greatest, Least, Round
from django.utils import timezone

from feedback.selectors import satisfaction_ranges
from units.bulk import insert_rows
from units.models import Branch, Unit

from ..models import (
    AnnualPlan,
    GradingRule,
    Indicator,
    NegativeListEntry,
    Period,
    PeriodScore,
    Submission,
)
from ..selectors.plans import FREQUENCIES_BY_PERIOD, system_for
from ..services.indicators import build_tree, flatten
from . import pending, rules
from .rules import HUNDRED, NO_DIMENSION, REGULAR_KINDS, SCORED_KINDS, ZERO, Reach, q

SUBMITTED_STATES = (
    Submission.Status.SUBMITTED,
    Submission.Status.UNIT_CHECKED,
    Submission.Status.ACCEPTED,
)
POINTS = DecimalField(max_digits=14, decimal_places=4)
VETO_TRIGGER = Q(indicator__kind=Indicator.Kind.VETO) & (Q(value__gt=0) | Q(reviewer_score__gt=0))


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
            out: dict = defaultdict(lambda: ZERO)
            for m in self.expected(category_id, level):
                if m.kind not in REGULAR_KINDS or m.effective is None:
                    continue
                for axis_key in (
                    ("total", ""),
                    ("standard", m.standard),
                    ("goal", m.goal),
                    ("dimension", m.dimension_id),
                ):
                    out[axis_key] += m.effective
            self._memo[key] = out
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
                rules.weighted(part, 1, out)
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
                        rows.append((key, code, label, str(q(most))))
                layout[axis] = sorted(rows, key=lambda r: r[1])
            self._memo[memo_key] = (maxima, layout)  # holding maxima keeps its id unique
        return self._memo[memo_key][1]

    def encoded_layout(self, maxima: dict) -> dict:
        """``layout`` as {axis: [(key, JSON text before the points, JSON text after)]}:
        ``[code, label, `` and ``, max points]`` encoded once (see ``_parts``)."""
        memo_key = ("encoded", id(maxima))
        if memo_key not in self._memo:
            encoded = {
                axis: [
                    (
                        key,
                        "[" + to_json(code) + ", " + to_json(label) + ', "',
                        '", ' + to_json(most) + "]",
                    )
                    for key, code, label, most in rows
                ]
                for axis, rows in self.layout(maxima).items()
            }
            self._memo[memo_key] = (maxima, encoded)
        return self._memo[memo_key][1]


def catalogue_for(period: Period, memo: dict | None = None) -> Catalogue:
    """Two queries (the items and their categories) for the period's system. ``memo``, a
    dict kept by the caller, shares them between periods of the same system (a plan's
    recompute reads its system once, not once per period)."""
    system = system_for(period)
    if system is None:
        return Catalogue()
    frequencies = FREQUENCIES_BY_PERIOD[period.kind]
    memo = {} if memo is None else memo
    key = (system.pk, frozenset(frequencies))
    if key not in memo:
        if system.pk not in memo:
            memo[system.pk] = _items(system)
        memo[key] = _catalogue(system, *memo[system.pk], frequencies)
    return memo[key]


# What the catalogue reads of an item: loading only these makes the page or review that
# needs a catalogue a few milliseconds faster than whole items with their categories.
CATALOGUE_FIELDS = (
    "system_id",
    "parent_id",
    "code",
    "name",
    "standard",
    "goal",
    "kind",
    "level",
    "max_score",
    "weight",
    "frequency",
    "position",
    "retired_at",
)


def _items(system) -> tuple[list, dict]:
    """The system's items (retired ones too) in the tree's order, and {item id: category
    ids}: two queries."""
    items = list(
        Indicator.objects.filter(system=system)
        .only(*CATALOGUE_FIELDS)
        .order_by("position", "code", "pk")
    )
    categories = defaultdict(set)
    for item_id, category_id in Indicator.categories.through.objects.filter(
        indicator__system=system
    ).values_list("indicator_id", "unitcategory_id"):
        categories[item_id].add(category_id)
    return items, categories


def _catalogue(system, items: list, categories: dict, frequencies) -> Catalogue:
    catalogue = Catalogue()
    nodes = flatten(build_tree(system, items))
    active_children = defaultdict(int)
    for item in items:
        if item.parent_id and not item.retired_at:
            active_children[item.parent_id] += 1
    by_pk = {item.pk: item for item in items}
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
            categories=frozenset(categories.get(item.pk, ())),
        )
    return catalogue


def item_points_expression(catalogue: Catalogue, only=None):
    """``rules.item_points`` for each accepted submission as SQL: a CASE over the items'
    rules, or, for ``only`` (item ids whose rows the caller's aggregate filters to) sharing
    one rule, that rule alone.

    Items sharing a rule (kind, full marks, factor) share one WHEN: a system has ~70 items
    but a handful of rules, and the database evaluates the WHENs in turn for every row.
    tests/assessment/test_scoring_sql_equals_rules.py checks it against ``rules.item_points``
    on random data (SQLite and PostgreSQL).
    """
    items = catalogue.items.values() if only is None else [catalogue.items[i] for i in only]
    by_rule, ruleless = defaultdict(list), False
    for m in items:
        if m.kind in REGULAR_KINDS and m.max_score > 0 and m.effective is not None:
            by_rule[("regular", m.max_score, m.factor)].append(m.id)
        elif m.kind in (Indicator.Kind.BONUS, Indicator.Kind.DEDUCTION):
            by_rule[(m.kind, m.max_score, None)].append(m.id)
        else:
            ruleless = True  # vetoes and items without full marks count 0
    thens = {rule: _rule_points(*rule) for rule in by_rule}
    if only is not None and len(thens) == 1 and not ruleless:
        (then,) = thens.values()
        return ExpressionWrapper(then, output_field=POINTS)
    if not thens:
        return Value(ZERO, output_field=POINTS)
    whens = [When(indicator_id__in=ids, then=thens[rule]) for rule, ids in by_rule.items()]
    return Case(*whens, default=Value(ZERO), output_field=POINTS)


def _rule_points(kind, max_score, factor):
    """One rule of ``rules.item_points`` as SQL over the row's reviewer score."""
    # No score counts 0 (``rules.item_points``); PostgreSQL's LEAST would otherwise skip the
    # NULL of ABS(NULL) and take a deduction's full marks.
    score = Coalesce(F("reviewer_score"), Value(ZERO), output_field=POINTS)
    if kind == "regular":
        clamped = Least(Greatest(score, Value(ZERO)), Value(max_score))
        # One factor per rule (effective ÷ full marks): no division in SQL, where SQLite
        # would divide integers as integers.
        return Round(clamped * Value(factor), 2)
    points = Greatest(score, Value(ZERO)) if kind == Indicator.Kind.BONUS else Abs(score)
    return Least(points, Value(max_score)) if max_score > 0 else points


def tally_classes(catalogue: Catalogue) -> tuple[list, dict]:
    """The items grouped by what a tally adds them to — (dimension, kind, standard, goal) —
    as the list of those keys and {item id: class number}: the read sums each class in a
    column of its own, without joining the indicators."""
    classes, class_of, number = [], {}, {}
    for m in catalogue.items.values():
        key = (m.dimension_id, m.kind, m.standard, m.goal)
        if key not in number:
            number[key] = len(classes)
            classes.append(key)
        class_of[m.id] = number[key]
    return classes, class_of


# --- load ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """One branch's or unit's aggregated points in a period, before combining. Plain dicts
    (a key is there once a row added to it): ~10,000 tallies a plan, each made fast."""

    regular: dict = field(default_factory=dict)  # dim -> pts
    deductions: dict = field(default_factory=dict)  # dim -> pts
    bonus: Decimal = ZERO
    standards: dict = field(default_factory=dict)
    goals: dict = field(default_factory=dict)
    veto: bool = False


EMPTY = Tally()


@dataclass
class Inputs:
    """Everything ``compute`` needs for a period (or some units of it)."""

    period: Period
    rule: GradingRule
    catalogue: Catalogue
    units: list  # [{"id", "category_id", "group_id"}]
    branches_of: dict  # unit id -> [{"id", "unit_id", "member_count"}]
    tallies: dict  # (unit id, branch id or None) -> Tally
    counts: dict  # (unit id, branch id or None) -> (submitted, on time)
    vetoed_units: set
    vetoed_branches: set
    # Composites only:
    quarter_rows: dict = field(default_factory=dict)  # (unit, branch) -> (mean, bonus, n)
    exam_held: bool = False  # anyone's own item of the period accepted
    exam_held_by_others: bool = True  # without the units being recomputed (when held)
    satisfaction: dict = field(default_factory=dict)  # unit id -> (value or None, sample)
    negative: dict = field(default_factory=dict)  # unit id -> negative-list points


def _of_units(queryset, unit_ids):
    return queryset if unit_ids is None else queryset.filter(unit_id__in=list(unit_ids))


def _accepted(period: Period, catalogue: Catalogue):
    return Submission.objects.filter(
        period=period, status=Submission.Status.ACCEPTED, indicator_id__in=list(catalogue.items)
    )


FEW_UNITS = 20  # up to this many units, a recompute reads their rows rather than groups


def load_submissions(period: Period, catalogue: Catalogue, unit_ids=None) -> tuple[dict, dict]:
    """The accepted points by (unit, branch, dimension, kind, standard, goal) — the
    tallies — and the submitted and on-time counts by (unit, branch), of the period's
    submissions (of some units): ONE query. Many units are grouped by the database; a few
    (what a review recomputes) are read row by row, which costs less than building and
    planning the grouped statement, and grouped with the same rules here."""
    tallies: dict = defaultdict(Tally)
    counts: dict = {}
    if not catalogue.items:
        return tallies, counts
    classes, class_of = tally_classes(catalogue)
    if unit_ids is not None and len(unit_ids) <= FEW_UNITS:
        groups = _grouped_here(period, catalogue, class_of, unit_ids)
    else:
        groups = _grouped_in_database(period, catalogue, class_of, unit_ids)
    for unit_id, branch_id, points_by_class, vetoed, sent, on_time in groups:
        counts[(unit_id, branch_id)] = [sent, on_time]
        if not points_by_class:
            continue  # nothing accepted
        tally = tallies[(unit_id, branch_id)]
        tally.veto = vetoed
        for cls, points in points_by_class.items():
            dim, kind, standard, goal = classes[cls]
            if kind in REGULAR_KINDS:
                tally.regular[dim] = tally.regular.get(dim, ZERO) + points
                tally.standards[standard] = tally.standards.get(standard, ZERO) + points
                tally.goals[goal] = tally.goals.get(goal, ZERO) + points
            elif kind == Indicator.Kind.DEDUCTION:
                tally.deductions[dim] = tally.deductions.get(dim, ZERO) + points
            elif kind == Indicator.Kind.BONUS:
                tally.bonus += points
    return tallies, counts


def _grouped_in_database(period, catalogue, class_of, unit_ids):
    """(unit, branch, {class: accepted points}, vetoed, submitted, on time) per unit or
    branch, from one statement grouped by (unit, branch): a column of points per tally
    class (``item_points_expression``), NULL where the class has nothing accepted. Few
    groups with many columns: the database hashes them in memory instead of sorting the
    period's rows, and a tenth of the rows come back."""
    accepted = Q(status=Submission.Status.ACCEPTED)
    submitted = Q(status__in=SUBMITTED_STATES)
    vetoes = [m.id for m in catalogue.items.values() if m.kind == Indicator.Kind.VETO]
    veto_trigger = Q(indicator_id__in=vetoes) & (Q(value__gt=0) | Q(reviewer_score__gt=0))
    items_of = defaultdict(list)
    for item_id, n in class_of.items():
        items_of[n].append(item_id)
    sums = {
        f"c{n}": Sum(
            item_points_expression(catalogue, only=ids), filter=accepted & Q(indicator_id__in=ids)
        )
        for n, ids in items_of.items()
    }
    rows = (
        _of_units(
            Submission.objects.filter(period=period, indicator_id__in=list(catalogue.items)),
            unit_ids,
        )
        .values("unit_id", "branch_id")
        .annotate(
            vetoes=Count("pk", filter=accepted & veto_trigger) if vetoes else Value(0),
            submitted=Count("pk", filter=submitted),
            on_time=Count("pk", filter=submitted & Q(is_late=False)),
            **sums,
        )
        .values_list("unit_id", "branch_id", "vetoes", "submitted", "on_time", *sums)
        .order_by()
    )
    numbers = list(items_of)
    for unit_id, branch_id, vetoed, sent, on_time, *points in rows:
        by_class = {n: Decimal(p) for n, p in zip(numbers, points, strict=True) if p is not None}
        yield unit_id, branch_id, by_class, bool(vetoed), sent, on_time


def _grouped_here(period, catalogue, class_of, unit_ids) -> list:
    """The same groups as ``_grouped_in_database``, from the units' rows: the points by
    ``rules.item_points`` (the rule the database's CASE applies), vetoes by
    ``rules.triggers_veto``."""
    groups = {}
    rows = Submission.objects.filter(period=period, unit_id__in=list(unit_ids)).values_list(
        "unit_id", "branch_id", "indicator_id", "status", "reviewer_score", "value", "is_late"
    )
    for unit_id, branch_id, item_id, status, score, value, is_late in rows.order_by():
        item = catalogue.items.get(item_id)
        if item is None:
            continue
        group = groups.get((unit_id, branch_id))
        if group is None:
            group = groups[(unit_id, branch_id)] = [{}, False, 0, 0]
        if status == Submission.Status.ACCEPTED:
            by_class, cls = group[0], class_of[item_id]
            points = rules.item_points(item.kind, score, item.max_score, item.effective)
            by_class[cls] = by_class.get(cls, ZERO) + points
            if item.kind == Indicator.Kind.VETO and rules.triggers_veto(value, score):
                group[1] = True
        if status in SUBMITTED_STATES:
            group[2] += 1
            group[3] += not is_late
    return [(unit_id, branch_id, *group) for (unit_id, branch_id), group in groups.items()]


def plan_vetoes(plan: AnnualPlan, unit_ids=None) -> tuple[set, set]:
    """(unit ids, branch ids) vetoed in the plan's year: accepted veto items with a number or
    score above zero in any of its periods, plus negative-list vetoes. Two queries."""
    units, branches = set(), set()
    rows = Submission.objects.filter(
        VETO_TRIGGER, period__plan=plan, status=Submission.Status.ACCEPTED
    )
    negative = NegativeListEntry.objects.filter(plan=plan, effect=NegativeListEntry.Effect.VETO)
    rows = _of_units(rows, unit_ids).values_list("unit_id", "branch_id").distinct()
    for unit_id, branch_id in rows:
        units.add(unit_id)
        if branch_id:
            branches.add(branch_id)
    units.update(_of_units(negative, unit_ids).values_list("unit_id", flat=True))
    return units, branches


def satisfaction_range(period: Period) -> tuple[dt.date, dt.date]:
    """The part of the year a composite's satisfaction covers: January–June for the half
    year, the whole year for the annual exam."""
    year = period.plan.year
    end = dt.date(year, 6, 30) if period.kind == Period.Kind.H1 else dt.date(year, 12, 31)
    return dt.date(year, 1, 1), end


def load_satisfaction(period: Period, unit_ids) -> dict:
    """unit id -> (value or None, sample): the feedback app's figure, None below the
    minimum sample (``feedback.selectors.satisfaction``)."""
    return load_satisfactions([period], list(unit_ids)).get(period.pk, {})


def load_satisfactions(periods: list, unit_ids=None) -> dict:
    """period id -> {unit id -> (value or None, sample)} for composite periods: the
    feedback app's figure, None below the minimum sample, every range in one scan of the
    ratings (``feedback.selectors.satisfaction_ranges``)."""
    composites = [p for p in periods if p.is_composite]
    if not composites:
        return {}
    ranges = satisfaction_ranges([satisfaction_range(p) for p in composites], unit_ids)
    return {
        p.pk: {unit_id: (f.value, f.sample) for unit_id, f in figures.items()}
        for p, figures in zip(composites, ranges, strict=True)
    }


def load_composite(inputs: Inputs, unit_ids=None, figures=None) -> None:
    """The finished quarters' rows, whether the exam took place, satisfaction (unless
    given: unit id -> (value, sample)) and the negative list's points: what a half-year or
    annual score adds to its own items."""
    period = inputs.period
    plan = period.plan
    inputs.quarter_rows = {
        (r["unit_id"], r["branch_id"]): (r["mean"], r["bonus_sum"], r["n"])
        for r in _of_units(
            PeriodScore.objects.filter(
                period__plan=plan,
                period__kind__in=Period.COMPOSITES[period.kind],
                period__status__in=Period.FINISHED,
                max_points__gt=0,
            ),
            unit_ids,
        )
        .values("unit_id", "branch_id")
        .annotate(mean=Avg("net_rate"), bonus_sum=Sum("bonus"), n=Count("pk"))
        .order_by()
    }
    # The exam counts once anyone's own items of this period are accepted (whoever is
    # being recomputed); before that it has not taken place and its weight goes elsewhere.
    accepted = _accepted(period, inputs.catalogue)
    inputs.exam_held = bool(inputs.catalogue.items) and accepted.exists()
    if unit_ids is not None and inputs.exam_held:
        inputs.exam_held_by_others = accepted.exclude(unit_id__in=list(unit_ids)).exists()
    if figures is None:
        figures = load_satisfaction(period, [u["id"] for u in inputs.units])
    inputs.satisfaction = figures
    if period.kind == Period.Kind.ANNUAL:
        negative = NegativeListEntry.objects.filter(
            plan=plan, effect=NegativeListEntry.Effect.DEDUCTION
        )
        inputs.negative = {
            row["unit_id"]: q(row["points"])
            for row in _of_units(negative, unit_ids)
            .values("unit_id")
            .annotate(points=Sum("points"))
            .order_by()
        }


def load(period: Period, unit_ids=None, *, satisfaction_figures=None, catalogues=None) -> Inputs:
    """Everything the period's rows (or these units' rows) are computed from;
    ``satisfaction_figures``, when given, what a composite uses instead of reading them;
    ``catalogues``, the ``catalogue_for`` memo shared by the periods of one recompute."""
    catalogue = catalogue_for(period, catalogues)
    units = Unit.objects.filter(active=True)
    if unit_ids is not None:
        units = units.filter(id__in=list(unit_ids))
    units = list(units.values("id", "category_id", "group_id"))
    branches_of = defaultdict(list)
    for b in _of_units(Branch.objects.filter(active=True, unit__active=True), unit_ids).values(
        "id", "unit_id", "member_count"
    ):
        branches_of[b["unit_id"]].append(b)
    tallies, counts = load_submissions(period, catalogue, unit_ids)
    vetoed_units, vetoed_branches = plan_vetoes(period.plan, unit_ids)
    for (unit_id, branch_id), tally in tallies.items():
        if tally.veto:
            vetoed_units.add(unit_id)
            if branch_id:
                vetoed_branches.add(branch_id)
    inputs = Inputs(
        period=period,
        rule=grading_rule(period.plan),
        catalogue=catalogue,
        units=units,
        branches_of=branches_of,
        tallies=tallies,
        counts=counts,
        vetoed_units=vetoed_units,
        vetoed_branches=vetoed_branches,
    )
    if period.is_composite:
        load_composite(inputs, unit_ids, satisfaction_figures)
    return inputs


# --- compute ---------------------------------------------------------------------------------


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
    parts: str  # JSON text (``_parts``)
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


ZERO_TEXT = str(q(ZERO))
to_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per row


@functools.lru_cache(maxsize=1 << 16)
def _text(value) -> str:
    """A figure as the parts store it (``q``, as text). Memoised: a plan's recompute writes
    about 400,000 figures, a few thousand distinct values."""
    return str(q(value))


def _parts(values: dict, maxima: dict, catalogue: Catalogue) -> str:
    """A score's points and maxima per standard, goal and dimension as ``PeriodScore.parts``
    stores them, JSON text of {axis: [[code, label, points, max points], …]}, sorted by
    code. Every code of the maxima is listed, plus any the values have beyond them.

    Written as text around each layout entry's encoded code, label and maximum (what
    ``to_json`` would write, character for character): ten thousand rows a recompute, each
    with some twenty entries, are cheaper joined than built as lists and encoded."""
    layout = catalogue.encoded_layout(maxima)
    axes = []
    for axis in ("standard", "goal", "dimension"):
        got = values[axis]
        if any(key and (axis, key) not in maxima for key in got):
            axes.append(to_json(_entries_with_extras(axis, got, maxima, catalogue)))
            continue
        texts = [
            opening + (_text(got[key]) if key in got else ZERO_TEXT) + closing
            for key, opening, closing in layout[axis]
        ]
        axes.append("[" + ", ".join(texts) + "]")
    standard, goal, dimension = axes
    return f'{{"standard": {standard}, "goal": {goal}, "dimension": {dimension}}}'


def _entries_with_extras(axis, got: dict, maxima: dict, catalogue: Catalogue) -> list:
    """An axis's entries when the values hold codes beyond the maxima (an item no longer
    asked of the category still carrying points): the maxima's entries and those codes."""
    entries = [
        [code, label, _text(got[key]) if key in got else ZERO_TEXT, most]
        for key, code, label, most in catalogue.layout(maxima)[axis]
    ]
    for key in got:
        if key and (axis, key) not in maxima:
            code, label = catalogue.label(axis, key)
            if code:
                entries.append([code, label, _text(got[key]), ZERO_TEXT])
    return sorted(entries)


def _counted(inputs: Inputs, unit_id, branch_id, expected) -> tuple[int, int, int]:
    submitted, on_time = inputs.counts.get((unit_id, branch_id), (0, 0))
    submitted = min(submitted, expected)
    return expected, submitted, min(on_time, submitted)


def _row(inputs, unit_id, branch_id, result, max_points, values, maxima, counted, vetoed):
    """A Computed row from a settled result; composites replace the figures by their own."""
    net_rate = rules.rate_of(result.base - result.deduction, max_points)
    row = Computed(
        period_id=inputs.period.pk,
        unit_id=unit_id,
        branch_id=branch_id,
        base=q(result.base),
        deduction=q(result.deduction),
        bonus=q(result.bonus),
        total=q(result.total),
        max_points=q(max_points),
        net_rate=net_rate,
        vetoed=vetoed,
        expected=counted[0],
        submitted=counted[1],
        on_time=counted[2],
        parts=_parts(values, maxima, inputs.catalogue),
    )
    if inputs.period.is_composite:
        apply_composite(inputs, row, own_bonus=result.bonus)
    return row


def composite_of(inputs: Inputs, row: Computed, own_bonus) -> rules.CompositeResult:
    """The half-year or annual figures of a row whose own items are settled."""
    mean, quarters_bonus, n = inputs.quarter_rows.get((row.unit_id, row.branch_id), (0, 0, 0))
    of_unit = row.branch_id is None
    value, _sample = inputs.satisfaction.get(row.unit_id, (None, 0))
    return rules.composite(
        inputs.period.plan,
        inputs.rule,
        quarter_mean=q(mean) if n else None,
        exam=row.net_rate if row.max_points and inputs.exam_held else None,
        satisfaction=rules.composite_satisfaction(value, inputs.rule, of_unit=of_unit),
        quarters_bonus=quarters_bonus,
        own_bonus=own_bonus,
        negative=inputs.negative.get(row.unit_id, ZERO) if of_unit else ZERO,
    )


def apply_composite(inputs: Inputs, row: Computed, own_bonus) -> None:
    made = composite_of(inputs, row, own_bonus)
    row.quarter_mean, row.exam, satisfaction_term = (value for _w, value in made.terms)
    row.base, row.bonus, row.deduction, row.total = (
        made.base,
        made.bonus,
        made.deduction,
        made.total,
    )
    row.max_points = HUNDRED
    row.satisfaction = satisfaction_term
    row.satisfaction_sample = (
        inputs.satisfaction.get(row.unit_id, (None, 0))[1] if row.branch_id is None else None
    )


@dataclass
class UnitComputation:
    rows: list  # Computed: the unit's branches, then the unit
    quarter: rules.UnitResult  # how the unit's own row was made (quarter arithmetic)
    branch_results: dict  # branch id -> (weight, rules.Result)


def compute_unit(inputs: Inputs, unit: dict) -> UnitComputation:
    """A unit's branches (``rules.settle``) and the unit (``rules.unit_quarter``)."""
    catalogue, rule = inputs.catalogue, inputs.rule
    unit_id, category_id = unit["id"], unit["category_id"]
    branch_maxima = catalogue.maxima(category_id, Indicator.Level.BRANCH)
    branch_expected = len(catalogue.expected(category_id, Indicator.Level.BRANCH))
    own = inputs.branches_of.get(unit_id, [])
    weights = rules.combine_weights(own, inputs.period.plan.unit_aggregation)
    rows, branch_results = [], {}
    standards, goals = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    totals = [0, 0, 0]
    for b in own:
        tally = inputs.tallies.get((unit_id, b["id"]), EMPTY)
        result = rules.settle(tally.regular, tally.deductions, tally.bonus, rule.bonus_cap)
        counted = _counted(inputs, unit_id, b["id"], branch_expected)
        totals = [t + c for t, c in zip(totals, counted, strict=True)]
        values = {"standard": tally.standards, "goal": tally.goals, "dimension": result.dimensions}
        rows.append(
            _row(
                inputs,
                unit_id,
                b["id"],
                result,
                branch_maxima[("total", "")],
                values,
                branch_maxima,
                counted,
                b["id"] in inputs.vetoed_branches,
            )
        )
        w = weights[b["id"]]
        branch_results[b["id"]] = (w, result)
        rules.weighted({k: q(v) for k, v in tally.standards.items()}, w, standards)
        rules.weighted({k: q(v) for k, v in tally.goals.items()}, w, goals)

    tally = inputs.tallies.get((unit_id, None), EMPTY)
    quarter = rules.unit_quarter(
        list(branch_results.values()), tally.regular, tally.deductions, tally.bonus, rule.bonus_cap
    )
    for code, value in tally.standards.items():
        standards[code] += q(value)
    for code, value in tally.goals.items():
        goals[code] += q(value)
    own_counts = _counted(
        inputs, unit_id, None, len(catalogue.expected(category_id, Indicator.Level.UNIT))
    )
    maxima = catalogue.combined_maxima(category_id, bool(own))
    rows.append(
        _row(
            inputs,
            unit_id,
            None,
            quarter.result,
            maxima[("total", "")],
            {
                "standard": {k: q(v) for k, v in standards.items()},
                "goal": {k: q(v) for k, v in goals.items()},
                "dimension": quarter.result.dimensions,
            },
            maxima,
            tuple(t + c for t, c in zip(totals, own_counts, strict=True)),
            unit_id in inputs.vetoed_units,
        )
    )
    return UnitComputation(rows, quarter, branch_results)


def compute(inputs: Inputs) -> list[Computed]:
    """Every row of the loaded units: each branch, then its unit."""
    rows = []
    for unit in inputs.units:
        rows.extend(compute_unit(inputs, unit).rows)
    return rows


# --- rank ------------------------------------------------------------------------------------

RANK_FIELDS = ("rank", "category_rank", "group_rank", "unit_rank", "grade", "tier")
RANKS_OF = operator.attrgetter(*RANK_FIELDS)  # a row's ranks as a tuple


@dataclass(slots=True)
class Ranked:
    """A stored score of a unit not being recomputed: what ranking it needs and what it had."""

    pk: int
    unit_id: int
    branch_id: int | None
    total: Decimal
    max_points: Decimal
    vetoed: bool
    exam: Decimal | None
    before: tuple
    rank: int | None = None
    category_rank: int | None = None
    group_rank: int | None = None
    unit_rank: int | None = None
    grade: str = ""
    tier: str = ""

    def ranks(self) -> tuple:
        return RANKS_OF(self)


def load_stored(period: Period, unit_ids) -> tuple[list, dict]:
    """The period's stored rows of the other units (ONE query), and those units' category
    and group: what a partial recompute ranks its rows against."""
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
            "exam",
            "unit__category_id",
            "unit__group_id",
            *RANK_FIELDS,
        )
        .order_by()  # the model's ordering would join the plan and sort every row
    )
    for pk, unit_id, branch_id, total, max_points, vetoed, exam, category, group, *ranks in rows:
        others.append(Ranked(pk, unit_id, branch_id, total, max_points, vetoed, exam, tuple(ranks)))
        unit_of[unit_id] = {"id": unit_id, "category_id": category, "group_id": group}
    return others, unit_of


def _ranks(scores: list, key=None) -> dict:
    """{id(score): rank} by ``rules.competition_ranks``, per partition of ``key``."""
    partitions = defaultdict(list)
    for score in scores:
        partitions[key(score) if key else None].append(score)
    out = {}
    for members in partitions.values():
        for score, rank in zip(
            members, rules.competition_ranks([s.total for s in members]), strict=True
        ):
            out[id(score)] = rank
    return out


def rank(scores: list, unit_of: dict, rule: GradingRule) -> None:
    """Competition ranks (overall, in category, in group; branches overall and in unit),
    grades and tiers, set on the rows. Only rows with a maximum are ranked."""
    units = [s for s in scores if s.branch_id is None and s.max_points > 0]
    branches = [s for s in scores if s.branch_id is not None and s.max_points > 0]
    overall = _ranks(units)
    in_category = _ranks(units, key=lambda s: unit_of[s.unit_id]["category_id"])
    in_group = _ranks(units, key=lambda s: unit_of[s.unit_id]["group_id"])
    for score in units:
        score.rank, score.category_rank = overall[id(score)], in_category[id(score)]
        score.group_rank = in_group[id(score)] if unit_of[score.unit_id]["group_id"] else None
        grade = rules.grade_for(rules.rate_of(score.total, score.max_points), rule)
        score.grade = rules.cap_grade(
            grade, rank=score.rank, ranked=len(units), rule=rule, vetoed=score.vetoed
        )
    overall = _ranks(branches)
    in_unit = _ranks(branches, key=lambda s: s.unit_id)
    for score in branches:
        score.rank, score.unit_rank = overall[id(score)], in_unit[id(score)]
        score.tier = rules.tier_for(
            rules.rate_of(score.total, score.max_points),
            rank=score.rank,
            ranked=len(branches),
            rule=rule,
            vetoed=score.vetoed,
        )


# --- write -----------------------------------------------------------------------------------


SCORE_FIELDS = [f for f in PeriodScore._meta.concrete_fields if not f.primary_key]
# What a row's digest covers: every column the engine computes but the ranks, grade and
# tier, which a partial recompute updates in place on other units' rows (compared as they
# are).
DIGESTED = [
    f.attname
    for f in SCORE_FIELDS
    if f.attname not in ("computed_at", "digest") and f.attname not in RANK_FIELDS
]


def _columns(row: Computed) -> list:
    """A computed row's column values in ``DIGESTED`` order (the parts are JSON text)."""
    return [getattr(row, name) for name in DIGESTED]


def digest_of(values) -> str:
    """The MD5 of a row's computed columns (``PeriodScore.digest``)."""
    return hashlib.md5("\x1f".join(map(str, values)).encode()).hexdigest()


def _changed(period: Period, scores: list, unit_ids) -> tuple[list, list]:
    """(pks of stored rows to delete, column tuples to insert): a stored row whose digest
    and ranks equal the computed row's is left as it is (ONE query of the stored digests)."""
    stored = {
        (unit_id, branch_id): (pk, (digest, *ranks))
        for pk, unit_id, branch_id, digest, *ranks in _of_units(
            PeriodScore.objects.filter(period=period), unit_ids
        )
        .values_list("pk", "unit_id", "branch_id", "digest", *RANK_FIELDS)
        .order_by()
    }
    connection = transaction.get_connection()
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # as auto_now would
    order = [f.attname for f in SCORE_FIELDS]
    stale, fresh = [], []
    for row in scores:
        values = _columns(row)
        digest = digest_of(values)
        old = stored.pop((row.unit_id, row.branch_id), None)
        if old is not None:
            if old[1] == (digest, *RANKS_OF(row)):
                continue
            stale.append(old[0])
        by_name = dict(zip(DIGESTED, values, strict=True), computed_at=now, digest=digest)
        by_name.update(zip(RANK_FIELDS, RANKS_OF(row), strict=True))
        fresh.append(tuple(by_name[name] for name in order))
    stale.extend(pk for pk, _digest in stored.values())
    return stale, fresh


def write(period: Period, scores: list, others: list, unit_ids=None) -> int:
    """Replace the period's rows (or these units' rows) by ``scores``: the stored rows that
    differ (by digest) or are gone are deleted with plain DELETEs and the new ones written
    with one bulk insert (``units.bulk``: COPY on PostgreSQL); rows that did not change
    stay. Of the other units' rows, those whose rank, grade or tier moved are updated.
    Returns the rows written."""
    stale, fresh = _changed(period, scores, unit_ids)
    for start in range(0, len(stale), 500):
        PeriodScore.objects.filter(pk__in=stale[start : start + 500])._raw_delete(
            PeriodScore.objects.db
        )
    insert_rows(PeriodScore, SCORE_FIELDS, fresh)
    moved = [
        PeriodScore(pk=o.pk, **dict(zip(RANK_FIELDS, o.ranks(), strict=True)))
        for o in others
        if o.ranks() != o.before
    ]
    # Small batches: bulk_update's CASE per column costs batch² comparisons.
    PeriodScore.objects.bulk_update(moved, RANK_FIELDS, batch_size=200)
    return len(fresh)


# --- recompute -------------------------------------------------------------------------------


def recompute(period: Period, unit_ids=None, satisfactions=None, catalogues=None) -> int:
    """Write a period's scores: all of them, or (``unit_ids``) those units' rows only, the
    period re-ranked either way. ``satisfactions``: ``load_satisfactions`` of every unit,
    when the caller read them for several periods at once; ``catalogues``: a
    ``catalogue_for`` memo the caller shares between periods. Returns the rows computed."""
    figures = (satisfactions or {}).get(period.pk)
    others, other_units = [], {}
    if unit_ids is not None:
        unit_ids = set(unit_ids)
        others, other_units = load_stored(period, unit_ids)
        if not others and not PeriodScore.objects.filter(period=period).exists():
            unit_ids = None  # nothing to re-rank against: compute the whole period
    inputs = load(period, unit_ids, satisfaction_figures=figures, catalogues=catalogues)
    if unit_ids is not None and period.is_composite and _exam_moved(inputs, others):
        # These units' items alone hold the exam: it may just have started (or ended) for
        # every unit of the period, so the whole period is recomputed.
        return recompute(period, satisfactions=satisfactions, catalogues=catalogues)
    if not inputs.tallies and not inputs.quarter_rows:
        if unit_ids is not None:
            # These units have nothing left: whether the period still has scores at all
            # depends on the others; the whole period decides (rare: a last item returned).
            return recompute(period, satisfactions=satisfactions, catalogues=catalogues)
        # Nothing accepted yet (and no quarters to combine): no scores, rather than a
        # ranking of zeros. Completeness is read live by the selectors.
        PeriodScore.objects.filter(period=period)._raw_delete(PeriodScore.objects.db)
        return 0
    scores = compute(inputs)
    rank(scores + others, {**other_units, **{u["id"]: u for u in inputs.units}}, inputs.rule)
    write(period, scores, others, unit_ids)
    return len(scores)


def _exam_moved(inputs: Inputs, others: list) -> bool:
    """Whether the exam's taking place depends on the units being recomputed: held by
    their items alone, or no longer held while the other rows still count it."""
    if inputs.exam_held:
        return not inputs.exam_held_by_others
    return any(o.exam is not None for o in others)


def _with_plan(period: Period) -> Period:
    return Period.objects.select_related("plan", "system").get(pk=period.pk)


def _composites_of(period: Period) -> list:
    composites = Period.objects.filter(plan_id=period.plan_id, kind__in=list(Period.COMPOSITES))
    return sorted(
        composites.select_related("plan", "system"), key=lambda p: Period.COMPUTING.index(p.kind)
    )


@transaction.atomic
def recompute_period(period: Period, *, cascade: bool = True) -> int:
    """Recompute one period's scores; with cascade, the plan's composites after a quarter.
    Returns the number of score rows written."""
    period = _with_plan(period)
    catalogues: dict = {}
    written = recompute(period, catalogues=catalogues)
    if cascade and period.is_quarter:
        composites = _composites_of(period)
        figures = load_satisfactions(composites)
        written += sum(
            recompute(other, satisfactions=figures, catalogues=catalogues) for other in composites
        )
    return written


@transaction.atomic
def recompute_units(period: Period, unit_ids, *, cascade: bool = False) -> int:
    """Recompute some units' rows (the unit's and its branches') in one period, and with
    cascade their rows in the plan's composites; every period touched is re-ranked."""
    period = _with_plan(period)
    catalogues: dict = {}
    written = recompute(period, unit_ids, catalogues=catalogues)
    if cascade and period.is_quarter:
        composites = _composites_of(period)
        figures = load_satisfactions(composites)
        written += sum(recompute(other, unit_ids, figures, catalogues) for other in composites)
    return written


def _plan_periods(plan_id: int) -> list:
    periods = Period.objects.filter(plan_id=plan_id).select_related("plan", "system")
    return sorted(periods, key=lambda p: Period.COMPUTING.index(p.kind))


@transaction.atomic
def recompute_plan(plan: AnnualPlan, unit_ids=None) -> int:
    """Recompute every period of a plan (of some units): quarters first, then the
    half-year and the year (their satisfaction figures read in one scan)."""
    periods = _plan_periods(plan.pk)
    figures = load_satisfactions(periods)
    catalogues: dict = {}  # the plan's periods mostly share one system
    return sum(recompute(period, unit_ids, figures, catalogues) for period in periods)


def recompute_reviewed(period_id: int, unit_ids, reach: str) -> int:
    """Recompute what reviews of some units' items in a period touched (``rules.Reach``):
    those units' rows only, every touched period re-ranked. Returns the rows written."""
    unit_ids = sorted(set(unit_ids))
    # Released before computing: a review committed from now on schedules a fresh recompute.
    pending.release(period_id, unit_ids, reach)
    period = Period.objects.select_related("plan").filter(pk=period_id).first()
    if period is None or not unit_ids:
        return 0
    if reach == Reach.PLAN:
        return recompute_plan(period.plan, unit_ids)
    return recompute_units(period, unit_ids, cascade=reach == Reach.COMPOSITES)


def recompute_for_submission(submission_id: int) -> int:
    """What reviewing one submission touched (its unit, see ``rules.reach_of``)."""
    row = (
        Submission.objects.filter(pk=submission_id)
        .values("period_id", "unit_id", "indicator__kind", "period__status")
        .first()
    )
    if row is None:
        return 0
    reach = rules.reach_of(row["period__status"], row["indicator__kind"])
    return recompute_reviewed(row["period_id"], [row["unit_id"]], reach)
