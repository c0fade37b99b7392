"""Scores as pages and reports read them. A STABLE API: the reports app depends on these
names and shapes; add, do not rename.

Source of the figures: a published period (one with a ``ScoreSnapshot``) is read from its
latest revision (or the revision asked for); any other period from the live
``PeriodScore`` rows the scoring engine writes. Both go through the same dictionary shape
(``row_dict``), so a page cannot tell them apart except by ``Source.published``.

Every function runs a fixed number of queries whatever the number of units or branches.

Shapes (all Decimals are rounded to 0.01):

- ``ScoreRow``: one unit's (``branch_id`` None) or branch's score in a period: ``total``,
  ``base``, ``deduction``, ``bonus``, ``max_points``, ``rate`` (total ÷ max × 100),
  ``net_rate``, composites' ``quarter_mean``/``exam``/``satisfaction``, ``vetoed``,
  ``expected``/``submitted``/``on_time`` with ``reporting_rate``/``on_time_rate``, ranks
  (``rank``, ``category_rank``, ``group_rank``, ``unit_rank``), ``grade``/``grade_label``,
  ``tier``/``tier_label``, and ``standards``/``goals``/``dimensions`` as tuples of ``Part``
  (made from the stored parts when first read).
- ``period_ranking(period, *, category=None, group=None, unit_ids=None, revision=None)``
  -> list[ScoreRow] of units, by rank.
- ``unit_score(period, unit, *, revision=None)`` -> ScoreRow | None.
- ``unit_score_explanation(period, unit)`` -> Explanation (steps that add up to the total).
- ``branch_scores(period, *, unit=None, branch_ids=None)`` -> list[ScoreRow] of branches.
- ``rows_for(periods, *, branches=False, unit_ids=None, branch_ids=None, revision=None,
  category=None, group=None)`` -> {period id: (Source, [ScoreRow])}.
- ``unit_totals(periods, *, unit_ids=None)`` -> {period id: [UnitTotal]}: only each unit's
  total, maximum and category, for trends.
- ``unit_trend(plan, unit)`` -> list[TrendPoint] over the plan's periods.
- ``completeness(period, *, unit=None, unit_ids=None)`` -> CompletenessReport (live).
- ``indicator_analytics(plan)`` -> list[ItemStats] with retirement flags.
- ``red_flag_candidates(plan)`` -> list[ScoreRow-like RedFlag].
- ``cycle_result(cycle)`` -> CycleResult with rows and model-agency candidates.
- ``revisions(period)`` -> list[ScoreSnapshot] newest first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache

from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from units.models import Branch, Unit

from ..models import (
    AnnualPlan,
    Cycle,
    Goal,
    Grade,
    GradingRule,
    Indicator,
    NegativeListEntry,
    Period,
    PeriodScore,
    Rectification,
    ScoreSnapshot,
    Standard,
    Submission,
    Tier,
)
from ..rules import three_year_result

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
# Indicator analytics: an item is a retirement candidate when at least this many accepted
# answers exist and either this share of them reach full marks or their spread (standard
# deviation of the score rate) is below this many percentage points.
ANALYTICS_MIN_SAMPLE = 10
ANALYTICS_AT_MAX_SHARE = Decimal("90")
ANALYTICS_MIN_SPREAD = Decimal("5")
BUCKETS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, None)]


def _d(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _s(value) -> str | None:
    return None if value is None else str(_d(value))


def _label(choices, code):
    try:
        return str(choices(code).label)
    except ValueError:
        return code or ""


@lru_cache(maxsize=32)
def _axis(choices, language) -> tuple[dict, dict]:
    """(position, label) of each code of a choices class in one language: part labels are
    translated once per language, not once per part of every row."""
    return (
        {code: n for n, code in enumerate(choices.values)},
        {code: str(label) for code, label in choices.choices},
    )


def _parts(rows, choices) -> tuple:
    """Stored parts ([code, label, points, max points]) as Parts in the axis' order; a stored
    label wins, else the choice's label (dimensions have no choices: stored label, by code)."""
    if choices is None:
        rows = sorted(rows, key=lambda r: r[0])
        return tuple(Part(c, label, _d(p), _d(m)) for c, label, p, m in rows)
    order, names = _axis(choices, get_language())
    rows = sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[0]))
    return tuple(Part(c, label or names.get(c, c or ""), _d(p), _d(m)) for c, label, p, m in rows)


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    points: Decimal
    max_points: Decimal

    @property
    def percent(self) -> Decimal:
        if not self.max_points:
            return ZERO
        return (self.points * HUNDRED / self.max_points).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class ScoreRow:
    period_id: int
    unit_id: int
    unit_name: str
    unit_short_name: str
    category_id: int
    category_name: str
    group_id: int | None
    group_name: str
    branch_id: int | None
    branch_name: str
    member_count: int
    base: Decimal
    deduction: Decimal
    bonus: Decimal
    total: Decimal
    max_points: Decimal
    net_rate: Decimal
    quarter_mean: Decimal | None
    exam: Decimal | None
    satisfaction: Decimal | None
    satisfaction_sample: int | None
    vetoed: bool
    expected: int
    submitted: int
    on_time: int
    rank: int | None
    category_rank: int | None
    group_rank: int | None
    unit_rank: int | None
    grade: str
    tier: str
    # The stored parts, {"standards"|"goals"|"dimensions": [[code, label, points, max]]}:
    # turned into Parts only when a page reads them (a ranking of 1,500 rows shows none).
    stored_parts: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def standards(self) -> tuple:
        return _parts(self.stored_parts.get("standards", ()), Standard)

    @cached_property
    def goals(self) -> tuple:
        return _parts(self.stored_parts.get("goals", ()), Goal)

    @cached_property
    def dimensions(self) -> tuple:
        return _parts(self.stored_parts.get("dimensions", ()), None)

    @property
    def name(self):
        return self.branch_name or self.unit_name

    @property
    def rate(self) -> Decimal:
        if not self.max_points:
            return ZERO
        return (self.total * HUNDRED / self.max_points).quantize(CENT, ROUND_HALF_UP)

    @property
    def grade_label(self):
        return _axis(Grade, get_language())[1].get(self.grade, self.grade)

    @property
    def tier_label(self):
        return _axis(Tier, get_language())[1].get(self.tier, self.tier)

    @property
    def reporting_rate(self) -> Decimal | None:
        return _share(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _share(self.on_time, self.expected)

    @classmethod
    def from_dict(cls, period_id, d: dict) -> ScoreRow:
        return cls(
            period_id=period_id,
            unit_id=d["unit_id"],
            unit_name=d["unit"],
            unit_short_name=d["unit_short"],
            category_id=d["category_id"],
            category_name=d["category"],
            group_id=d.get("group_id"),
            group_name=d.get("group") or "",
            branch_id=d.get("branch_id"),
            branch_name=d.get("branch") or "",
            member_count=d.get("members") or 0,
            base=_d(d["base"]),
            deduction=_d(d["deduction"]),
            bonus=_d(d["bonus"]),
            total=_d(d["total"]),
            max_points=_d(d["max_points"]),
            net_rate=_d(d["net_rate"]),
            quarter_mean=_d(d.get("quarter_mean")),
            exam=_d(d.get("exam")),
            satisfaction=_d(d.get("satisfaction")),
            satisfaction_sample=d.get("satisfaction_sample"),
            vetoed=bool(d["vetoed"]),
            expected=d["expected"],
            submitted=d["submitted"],
            on_time=d["on_time"],
            rank=d.get("rank"),
            category_rank=d.get("category_rank"),
            group_rank=d.get("group_rank"),
            unit_rank=d.get("unit_rank"),
            grade=d.get("grade") or "",
            tier=d.get("tier") or "",
            stored_parts={
                "standards": d.get("standards", ()),
                "goals": d.get("goals", ()),
                "dimensions": d.get("dimensions", ()),
            },
        )


def _share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- the two sources: live rows and snapshots ------------------------------------------------


# What _live reads of a score: its own columns and its unit's and branch's names, as plain
# values (model instances with three joined models cost twice as much per row).
_LIVE_FIELDS = (
    "period_id",
    "unit_id",
    "unit__name",
    "unit__short_name",
    "unit__category_id",
    "unit__category__name",
    "unit__group_id",
    "unit__group__name",
    "branch_id",
    "branch__name",
    "branch__member_count",
    "base",
    "deduction",
    "bonus",
    "total",
    "max_points",
    "net_rate",
    "quarter_mean",
    "exam",
    "satisfaction",
    "satisfaction_sample",
    "vetoed",
    "expected",
    "submitted",
    "on_time",
    "rank",
    "category_rank",
    "group_rank",
    "unit_rank",
    "grade",
    "tier",
    "parts",
)


def row_dict(score: dict) -> dict:
    """The frozen shape of one score (what a snapshot stores), from its _LIVE_FIELDS values."""
    parts = score["parts"] or {}
    return {
        "unit_id": score["unit_id"],
        "unit": score["unit__name"],
        "unit_short": score["unit__short_name"],
        "category_id": score["unit__category_id"],
        "category": score["unit__category__name"],
        "group_id": score["unit__group_id"],
        "group": score["unit__group__name"] if score["unit__group_id"] else "",
        "branch_id": score["branch_id"],
        "branch": score["branch__name"] if score["branch_id"] else "",
        "members": score["branch__member_count"] if score["branch_id"] else None,
        "base": _s(score["base"]),
        "deduction": _s(score["deduction"]),
        "bonus": _s(score["bonus"]),
        "total": _s(score["total"]),
        "max_points": _s(score["max_points"]),
        "net_rate": _s(score["net_rate"]),
        "quarter_mean": _s(score["quarter_mean"]),
        "exam": _s(score["exam"]),
        "satisfaction": _s(score["satisfaction"]),
        "satisfaction_sample": score["satisfaction_sample"],
        "vetoed": score["vetoed"],
        "expected": score["expected"],
        "submitted": score["submitted"],
        "on_time": score["on_time"],
        "rank": score["rank"],
        "category_rank": score["category_rank"],
        "group_rank": score["group_rank"],
        "unit_rank": score["unit_rank"],
        "grade": score["grade"],
        "tier": score["tier"],
        "standards": parts.get("standard", []),
        "goals": parts.get("goal", []),
        "dimensions": parts.get("dimension", []),
    }


def _live(
    period_ids, *, branches: bool | None, unit_ids=None, branch_ids=None, category=None, group=None
):
    """Live rows as dictionaries: one query (rows with their units' and branches' names and
    their parts)."""
    scores = PeriodScore.objects.filter(period_id__in=list(period_ids))
    if branches is not None:
        scores = scores.filter(branch__isnull=not branches)
    if unit_ids is not None:
        scores = scores.filter(unit_id__in=list(unit_ids))
    if branch_ids is not None:
        scores = scores.filter(branch_id__in=list(branch_ids))
    if category:
        scores = scores.filter(unit__category_id=category)
    if group:
        scores = scores.filter(unit__group_id=group)
    scores = scores.order_by("rank", "unit__name", "pk").values(*_LIVE_FIELDS)
    return [(s["period_id"], row_dict(s)) for s in scores]


def live_payload(period: Period) -> dict:
    """Everything a snapshot freezes for a period."""
    rows = _live([period.pk], branches=None)
    return {
        "period_id": period.pk,
        "frozen_at": timezone.now().isoformat(),
        "units": [d for _p, d in rows if d["branch_id"] is None],
        "branches": [d for _p, d in rows if d["branch_id"] is not None],
    }


@dataclass(frozen=True)
class Source:
    published: bool
    revision: int | None
    at: object = None
    reason: str = ""


def _snapshots(period_ids, revision=None, key=None) -> dict:
    """period id -> the latest (or the asked) snapshot, one query. Only the rows under key
    ("units" or "branches") are read, as ``snap.rows``: a snapshot holds every branch with
    its parts, and a page of units has no use for them."""
    snaps = ScoreSnapshot.objects.filter(period_id__in=list(period_ids)).defer("data")
    if key is not None:
        snaps = snaps.annotate(rows=KeyTransform(key, "data"))
    if revision is not None:
        snaps = snaps.filter(revision=revision)
    else:
        latest = (
            ScoreSnapshot.objects.filter(period=OuterRef("period"))
            .order_by("-revision")
            .values("revision")[:1]
        )
        snaps = snaps.filter(revision=Subquery(latest))
    return {s.period_id: s for s in snaps}


def rows_for(
    periods,
    *,
    branches=False,
    unit_ids=None,
    branch_ids=None,
    revision=None,
    category=None,
    group=None,
) -> dict:
    """period id -> (Source, [ScoreRow]) for several periods; at most two queries.
    category and group (model or id) narrow to the units of one category or group."""
    periods = list(periods)
    category, group = _id(category), _id(group)
    key = "branches" if branches else "units"
    # source_of asks for no unit at all: no snapshot rows to read either.
    wanted_key = None if unit_ids is not None and not unit_ids else key
    snaps = _snapshots([p.pk for p in periods], revision, wanted_key) if periods else {}
    out = {}
    live_ids = [p.pk for p in periods if p.pk not in snaps]
    live = defaultdict(list)
    if live_ids:
        for period_id, d in _live(
            live_ids,
            branches=branches,
            unit_ids=unit_ids,
            branch_ids=branch_ids,
            category=category,
            group=group,
        ):
            live[period_id].append(ScoreRow.from_dict(period_id, d))
    wanted_units = None if unit_ids is None else set(unit_ids)
    wanted_branches = None if branch_ids is None else set(branch_ids)
    for period in periods:
        snap = snaps.get(period.pk)
        if snap is None:
            out[period.pk] = (Source(False, None), live[period.pk])
            continue
        rows = [
            ScoreRow.from_dict(period.pk, d)
            for d in (getattr(snap, "rows", None) or [])
            if (wanted_units is None or d["unit_id"] in wanted_units)
            and (wanted_branches is None or d.get("branch_id") in wanted_branches)
            and (not category or d["category_id"] == category)
            and (not group or d.get("group_id") == group)
        ]
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_name, r.branch_name))
        out[period.pk] = (Source(True, snap.revision, snap.created_at, snap.reason), rows)
    return out


@dataclass(frozen=True, slots=True)
class UnitTotal:
    """A unit's total in one period, for trends that need nothing else of the row."""

    unit_id: int
    category_name: str
    total: Decimal
    max_points: Decimal

    @property
    def rate(self) -> Decimal:
        if not self.max_points:
            return ZERO
        return (self.total * HUNDRED / self.max_points).quantize(CENT, ROUND_HALF_UP)


def unit_totals(periods, *, unit_ids=None) -> dict:
    """period id -> [UnitTotal] of its units (the published snapshot's figures, as rows_for
    gives them, for a published period); two queries, no parts read."""
    periods = list(periods)
    if not periods:
        return {}
    snaps = _snapshots([p.pk for p in periods], key="units")
    out = {p.pk: [] for p in periods}
    live_ids = [p.pk for p in periods if p.pk not in snaps]
    if live_ids:
        scores = PeriodScore.objects.filter(period_id__in=live_ids, branch__isnull=True)
        if unit_ids is not None:
            scores = scores.filter(unit_id__in=list(unit_ids))
        for period_id, unit_id, category, total, max_points in scores.values_list(
            "period_id", "unit_id", "unit__category__name", "total", "max_points"
        ).order_by():
            out[period_id].append(UnitTotal(unit_id, category, _d(total), _d(max_points)))
    wanted = None if unit_ids is None else set(unit_ids)
    for period_id, snap in snaps.items():
        out[period_id] = [
            UnitTotal(d["unit_id"], d["category"], _d(d["total"]), _d(d["max_points"]))
            for d in (snap.rows or [])
            if wanted is None or d["unit_id"] in wanted
        ]
    return out


def source_of(period: Period, revision=None) -> Source:
    return rows_for([period], unit_ids=[], revision=revision)[period.pk][0]


def _id(obj):
    return getattr(obj, "pk", obj)


# --- rankings and scores ---------------------------------------------------------------------


def period_ranking(period, *, category=None, group=None, unit_ids=None, revision=None):
    """Units of a period by rank (ties share a rank: 1, 1, 3). category and group filter
    (model or id); unit_ids narrows to what a user may see."""
    data = rows_for([period], unit_ids=unit_ids, revision=revision, category=category, group=group)
    return data[period.pk][1]


def unit_score(period, unit, *, revision=None) -> ScoreRow | None:
    rows = rows_for([period], unit_ids=[_id(unit)], revision=revision)[period.pk][1]
    return rows[0] if rows else None


def branch_scores(period, *, unit=None, branch_ids=None, revision=None) -> list[ScoreRow]:
    """Branches of a period by rank, optionally of one unit or within branch_ids."""
    unit_ids = None if unit is None else [_id(unit)]
    return rows_for(
        [period], branches=True, unit_ids=unit_ids, branch_ids=branch_ids, revision=revision
    )[period.pk][1]


def revisions(period) -> list:
    return list(
        ScoreSnapshot.objects.filter(period=period)
        .select_related("created_by")
        .order_by("-revision")
    )


@dataclass(frozen=True)
class TrendPoint:
    period_id: int
    kind: str
    label: str
    total: Decimal | None
    max_points: Decimal | None
    rate: Decimal | None
    grade_label: str
    published: bool
    status: str = ""  # the period's status: draft, open, closed, published

    @property
    def in_progress(self) -> bool:
        """Open or draft: its figures are partial and stay out of trend charts."""
        return self.status in (Period.Status.DRAFT, Period.Status.OPEN)


def unit_trend(plan, unit, *, branch=None) -> list[TrendPoint]:
    """The unit's (or one branch's) score in each period of the plan, in period order."""
    periods = sorted(Period.objects.filter(plan=plan), key=_period_key)
    data = rows_for(
        periods,
        branches=branch is not None,
        unit_ids=[_id(unit)],
        branch_ids=None if branch is None else [_id(branch)],
    )
    points = []
    for period in periods:
        source, rows = data[period.pk]
        row = rows[0] if rows else None
        points.append(
            TrendPoint(
                period.pk,
                period.kind,
                period.get_kind_display(),
                row.total if row else None,
                row.max_points if row else None,
                row.rate if row else None,
                row.grade_label if row else "",
                source.published,
                period.status,
            )
        )
    return points


KIND_ORDER = ["q1", "q2", "h1", "q3", "q4", "annual"]


def _period_key(period):
    return (period.plan_id, KIND_ORDER.index(period.kind))


# --- completeness ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompletenessRow:
    unit_id: int
    unit_name: str
    branch_id: int | None
    branch_name: str
    expected: int
    submitted: int
    on_time: int
    unit_short_name: str = ""

    @property
    def name(self):
        return self.branch_name or self.unit_name

    @property
    def label(self):
        """Short label for charts."""
        return self.branch_name or self.unit_short_name or self.unit_name

    @property
    def missing(self):
        return self.expected - self.submitted

    @property
    def late(self):
        return self.submitted - self.on_time

    @property
    def reporting_rate(self):
        return _share(self.submitted, self.expected)

    @property
    def on_time_rate(self):
        return _share(self.on_time, self.expected)


@dataclass
class CompletenessReport:
    units: list  # CompletenessRow per unit (its branches plus its unit-level items)
    branches: list  # CompletenessRow per branch
    total: CompletenessRow


def completeness(period, *, unit=None, unit_ids=None) -> CompletenessReport:
    """Expected vs submitted items and the on-time share, live, per unit and branch.

    Expected = the items the period asks of the branch (or unit) by its category (issue 3's
    items_for rules); submitted = submitted, checked or accepted (a returned item is
    outstanding again); on time = submitted and not late. Reporting rate = submitted ÷
    expected, on-time rate = on time ÷ expected. Five queries.
    """
    from ..services.scoring import SUBMITTED_STATES, catalogue_for

    catalogue = catalogue_for(period)
    units = Unit.objects.filter(active=True)
    if unit is not None:
        units = units.filter(pk=_id(unit))
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    # Plain tuples, not model instances: a province has 1,500 branches.
    units = list(
        units.order_by("category__sort_order", "name").values_list(
            "pk", "name", "short_name", "category_id", named=True
        )
    )
    ids = [u.pk for u in units]
    by_unit = defaultdict(list)  # unit id -> [(branch id, name)]
    for pk, unit_id, name in (
        Branch.objects.filter(active=True, unit_id__in=ids)
        .order_by("unit__name", "name")
        .values_list("pk", "unit_id", "name")
    ):
        by_unit[unit_id].append((pk, name))
    counts = {}
    if catalogue.items:
        submitted = Q(status__in=SUBMITTED_STATES)
        for row in (
            Submission.objects.filter(
                period=period, unit_id__in=ids, indicator_id__in=list(catalogue.items)
            )
            .values("unit_id", "branch_id")
            .annotate(
                submitted=Count("pk", filter=submitted),
                on_time=Count("pk", filter=submitted & Q(is_late=False)),
            )
            .values_list("unit_id", "branch_id", "submitted", "on_time")
            .order_by()
        ):
            counts[row[:2]] = row[2:]

    def row_for(u, branch_id, branch_name, expected):
        submitted, on_time = counts.get((u.pk, branch_id), (0, 0))
        sub = min(submitted, expected)
        return CompletenessRow(
            u.pk,
            u.name,
            branch_id,
            branch_name,
            expected,
            sub,
            min(on_time, sub),
            u.short_name,
        )

    unit_rows, branch_rows = [], []
    for u in units:
        per_branch = len(catalogue.expected(u.category_id, Indicator.Level.BRANCH))
        rows = [row_for(u, pk, name, per_branch) for pk, name in by_unit[u.pk]]
        own = row_for(u, None, "", len(catalogue.expected(u.category_id, Indicator.Level.UNIT)))
        branch_rows.extend(rows)
        unit_rows.append(
            CompletenessRow(
                u.pk,
                u.name,
                None,
                "",
                own.expected + sum(r.expected for r in rows),
                own.submitted + sum(r.submitted for r in rows),
                own.on_time + sum(r.on_time for r in rows),
                u.short_name,
            )
        )
    total = CompletenessRow(
        0,
        _("合计"),
        None,
        "",
        sum(r.expected for r in unit_rows),
        sum(r.submitted for r in unit_rows),
        sum(r.on_time for r in unit_rows),
    )
    return CompletenessReport(unit_rows, branch_rows, total)


# --- explanation -----------------------------------------------------------------------------


@dataclass
class ItemLine:
    code: str
    name: str
    kind: str
    kind_label: str
    dimension: str
    branch: str
    self_score: Decimal | None
    reviewer_score: Decimal | None
    max_score: Decimal
    effective: Decimal | None
    points: Decimal
    formula: str

    @property
    def gap(self) -> Decimal | None:
        if self.self_score is None or self.reviewer_score is None:
            return None
        return self.reviewer_score - self.self_score


@dataclass
class Step:
    label: str
    formula: str
    points: Decimal


@dataclass
class Explanation:
    row: ScoreRow | None
    composite: bool
    aggregation_label: str = ""
    branches: list = field(default_factory=list)  # (ScoreRow, weight %)
    items: list = field(default_factory=list)  # ItemLine, unit-level then branch-level
    steps: list = field(default_factory=list)  # Step; their points add up to the total
    notes: list = field(default_factory=list)
    computed_total: Decimal = ZERO
    live_total: Decimal | None = None  # the live row's total (differs after a correction)
    source: Source | None = None  # where row comes from: live, or a published revision

    @property
    def adds_up(self) -> bool:
        return self.live_total is not None and self.computed_total == self.live_total


def _fmt(value) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value).quantize(CENT, ROUND_HALF_UP)}"
    return text


def unit_score_explanation(period, unit) -> Explanation:
    """How the unit's total was made, step by step, with every item's contribution.

    Quarter: per root dimension, branch share (mean or member-weighted of the branches'
    points after their deductions) + unit-level items − unit deductions (never below 0),
    then the capped bonus. Composite (h1/annual): the plan's formula term by term.
    The explanation is built from the live submissions; on a published period it is
    compared with the frozen total and a note says when they differ.
    """
    from ..services import scoring

    source, rows = rows_for([period], unit_ids=[_id(unit)])[_id(period)]
    row = rows[0] if rows else None
    period = Period.objects.select_related("plan").get(pk=_id(period))
    plan = period.plan
    rule = scoring.grading_rule(plan)
    catalogue = scoring.catalogue_for(period)
    is_composite = period.kind in scoring.COMPOSITES
    exp = Explanation(row=row, composite=is_composite, source=source)
    exp.aggregation_label = plan.get_unit_aggregation_display()
    unit_id = _id(unit)
    live = PeriodScore.objects.filter(period=period, unit_id=unit_id, branch__isnull=True).first()
    branch_rows = branch_scores(period, unit=unit_id)
    branches = list(
        Branch.objects.filter(unit_id=unit_id, active=True, unit__active=True).values(
            "id", "member_count"
        )
    )
    weights = scoring.combine_weights(branches, plan.unit_aggregation)
    exp.branches = [
        (b, (weights.get(b.branch_id, ZERO) * HUNDRED).quantize(Decimal("0.1"), ROUND_HALF_UP))
        for b in branch_rows
    ]
    exp.items = _item_lines(period, unit_id, catalogue)
    if is_composite:
        _composite_steps(exp, period, plan, rule, unit_id, live)
    else:
        _quarter_steps(exp, catalogue, rule, weights, unit_id, live, period)
    exp.computed_total = sum((s.points for s in exp.steps), ZERO)
    exp.live_total = scoring.q(live.total) if live is not None else None
    if row is not None and exp.live_total is not None and row.total != exp.live_total:
        exp.notes.append(
            _(
                "本节点已发布，发布时冻结的总分为 %(frozen)s；按当前数据计算为 %(live)s，"
                "如需采用请由工委填写原因生成更正版次。"
            )
            % {"frozen": row.total, "live": exp.live_total}
        )
    return exp


def _item_lines(period, unit_id, catalogue) -> list[ItemLine]:
    from ..services.scoring import REGULAR_KINDS, item_points_expression, q

    if not catalogue.items:
        return []
    rows = (
        Submission.objects.filter(
            period=period,
            unit_id=unit_id,
            status=Submission.Status.ACCEPTED,
            indicator_id__in=list(catalogue.items),
        )
        .annotate(pts=item_points_expression(catalogue))
        .values("indicator_id", "branch__name", "self_score", "reviewer_score", "pts")
        .order_by("branch__name", "indicator__position", "indicator__code")
    )
    kinds = _axis(Indicator.Kind, get_language())[1]
    lines = []
    for r in rows:
        m = catalogue.items[r["indicator_id"]]
        score = _d(r["reviewer_score"])
        points = q(r["pts"])
        if m.kind in REGULAR_KINDS:
            formula = f"{_fmt(score)} ÷ {_fmt(m.max_score)} × {_fmt(m.effective)}"
        elif m.kind == Indicator.Kind.DEDUCTION:
            formula = _("扣 %(p)s（上限 %(m)s）") % {"p": _fmt(points), "m": _fmt(m.max_score)}
            points = -points
        elif m.kind == Indicator.Kind.BONUS:
            formula = _("加 %(p)s（上限 %(m)s）") % {"p": _fmt(points), "m": _fmt(m.max_score)}
        else:
            formula = _("触发一票否决") if (score or ZERO) > 0 else _("未触发")
        lines.append(
            ItemLine(
                m.code,
                m.name,
                m.kind,
                kinds.get(m.kind, m.kind or ""),
                m.dimension_name,
                r["branch__name"] or "",
                _d(r["self_score"]),
                score,
                m.max_score,
                None if m.effective is None else _d(m.effective),
                points,
                formula,
            )
        )
    return lines


def _quarter_steps(exp, catalogue, rule, weights, unit_id, live, period):
    """Mirror of the engine's unit arithmetic (services.scoring), step by step."""
    from ..services.scoring import REGULAR_KINDS, q

    by_code = {m.code: m for m in catalogue.items.values()}
    dim_names = {code: name for code, name, _st in catalogue.dimensions.values()}
    share = defaultdict(lambda: ZERO)
    loose = ZERO
    branch_bonus = ZERO
    for b, _w in exp.branches:
        w = weights.get(b.branch_id, ZERO)
        dims_total = ZERO
        for part in b.dimensions:
            share[part.code] += part.points * w
            dims_total += part.points
        loose += (dims_total - (b.total - b.bonus)) * w
        branch_bonus += b.bonus * w
    unit_regular = defaultdict(lambda: ZERO)
    unit_deduct = defaultdict(lambda: ZERO)
    unit_bonus = ZERO
    for line in exp.items:
        if line.branch:
            continue
        dim = by_code[line.code].dimension_code or ""
        if line.kind in REGULAR_KINDS:
            unit_regular[dim] += line.points
        elif line.kind == Indicator.Kind.DEDUCTION:
            unit_deduct[dim] += -line.points
        elif line.kind == Indicator.Kind.BONUS:
            unit_bonus += line.points
    subtotal = ZERO
    for code, _name, _standard in catalogue.dimensions.values():
        b_part = q(share.get(code, ZERO))
        u_part = q(unit_regular.get(code, ZERO))
        taken = min(q(unit_deduct.get(code, ZERO)), b_part + u_part)
        net = b_part + u_part - taken
        if not (b_part or u_part or taken):
            continue
        subtotal += net
        exp.steps.append(
            Step(
                dim_names.get(code, code),
                _("支部部分 %(b)s + 单位级指标 %(u)s − 单位扣分 %(d)s（维度不低于 0）")
                % {"b": _fmt(b_part), "u": _fmt(u_part), "d": _fmt(taken)},
                net,
            )
        )
    loose_total = (q(loose) if exp.branches else ZERO) + q(unit_deduct.get("", ZERO))
    if loose_total:
        taken = min(loose_total, subtotal)
        exp.steps.append(Step(_("不属于任何维度的扣分"), _("总分不低于 0"), -taken))
    raw = q(branch_bonus) + q(unit_bonus)
    if raw:
        exp.steps.append(
            Step(
                _("加分"),
                _("支部加分 %(b)s + 单位加分 %(u)s，封顶 %(cap)s")
                % {"b": _fmt(branch_bonus), "u": _fmt(unit_bonus), "cap": _fmt(rule.bonus_cap)},
                min(raw, q(rule.bonus_cap)),
            )
        )
    if exp.branches:
        exp.notes.append(
            _("支部部分按“%(how)s”汇总：各支部在该维度扣分后的得分 × 权重。")
            % {"how": exp.aggregation_label}
        )


def _composite_steps(exp, period, plan, rule, unit_id, live):
    from ..services.scoring import COMPOSITES, q

    if live is None:
        return
    quarters = list(
        PeriodScore.objects.filter(
            period__plan=plan,
            period__kind__in=COMPOSITES[period.kind],
            unit_id=unit_id,
            branch__isnull=True,
            max_points__gt=0,
        )
        .select_related("period")
        .order_by("period__opens_on")
    )
    terms = [
        (
            _("季度平均得分率"),
            plan.weight_quarterly,
            live.quarter_mean,
            "、".join(f"{s.period.get_kind_display()} {_fmt(s.net_rate)}" for s in quarters),
        ),
        (_("考核得分率"), plan.weight_exam, live.exam, _("本节点自身指标")),
        (
            _("群众满意度"),
            plan.weight_satisfaction,
            live.satisfaction,
            _("样本 %(n)s 份") % {"n": live.satisfaction_sample or 0},
        ),
    ]
    whole = sum((w for _l, w, _x, _h in terms), ZERO)
    got = sum((w for _l, w, x, _h in terms if x is not None), ZERO)
    scale = whole / got if got else ZERO
    for label, _weight, value, _hint in terms:
        if value is None:
            exp.notes.append(_("%(label)s缺失，其权重按比例分给其他项。") % {"label": label})
    formula = " + ".join(f"{_fmt(x)} × {w}" for _l, w, x, _h in terms if x is not None) or "0"
    if scale != 1 and got:
        formula = f"({formula}) × {whole} ÷ {got}"
    exp.steps.append(Step(_("加权得分"), formula, q(live.base)))
    for label, weight, value, hint in terms:
        if value is not None:
            exp.notes.append(f"{label}：{_fmt(value)} × {weight}（{hint}）")
    if live.bonus:
        exp.steps.append(
            Step(
                _("加分"),
                _("各季度与本节点加分合计，封顶 %(cap)s") % {"cap": _fmt(rule.bonus_cap)},
                q(live.bonus),
            )
        )
    if live.deduction:
        entries = NegativeListEntry.objects.filter(
            plan=plan, unit_id=unit_id, effect=NegativeListEntry.Effect.DEDUCTION
        ).values_list("reason", "points")
        exp.steps.append(
            Step(
                _("负面清单扣分"),
                "；".join(f"{reason[:30]} −{_fmt(points)}" for reason, points in entries),
                -q(live.deduction),
            )
        )


# --- indicator analytics (淘汰机制) -----------------------------------------------------------


@dataclass
class ItemStats:
    code: str
    name: str
    kind_label: str
    standard_label: str
    count: int
    mean_rate: Decimal | None
    spread: Decimal | None
    at_max_share: Decimal | None
    min_rate: Decimal | None
    max_rate: Decimal | None
    buckets: list
    retired: bool
    reasons: list

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def indicator_analytics(plan) -> list[ItemStats]:
    """Per item code of the plan: distribution of accepted score rates (reviewer score ÷ full
    marks × 100) over every period and branch, share at full marks, spread (population
    standard deviation) and a retirement flag (see ANALYTICS_*). Two queries."""
    from .plans import current_system

    system = current_system(plan)
    # Floats on purpose: statistics only, and no integer division on SQLite.
    rate = ExpressionWrapper(
        Cast("reviewer_score", FloatField()) * 100.0 / Cast("indicator__max_score", FloatField()),
        output_field=FloatField(),
    )
    bucket_counts = {}
    for n, (low, high) in enumerate(BUCKETS):
        cond = Q(rate__gte=low) if high is None else Q(rate__gte=low, rate__lt=high)
        bucket_counts[f"b{n}"] = Count("pk", filter=cond)
    rows = {
        r["indicator__code"]: r
        for r in Submission.objects.filter(
            period__plan=plan,
            status=Submission.Status.ACCEPTED,
            reviewer_score__isnull=False,
            indicator__kind__in=[
                Indicator.Kind.QUANTITATIVE,
                Indicator.Kind.GRADED,
                Indicator.Kind.YES_NO,
            ],
            indicator__max_score__gt=0,
        )
        .annotate(rate=rate)
        .values("indicator__code")
        .annotate(
            n=Count("pk"),
            mean=Avg("rate"),
            mean_sq=Avg(F("rate") * F("rate")),
            at_max=Count("pk", filter=Q(reviewer_score__gte=F("indicator__max_score"))),
            lo=Min("rate"),
            hi=Max("rate"),
            **bucket_counts,
        )
        .order_by()
    }
    items = []
    if system is not None:
        items = list(
            Indicator.objects.filter(
                system=system,
                kind__in=[
                    Indicator.Kind.QUANTITATIVE,
                    Indicator.Kind.GRADED,
                    Indicator.Kind.YES_NO,
                ],
            ).order_by("position", "code")
        )
    out = []
    seen = set()
    for item in items:
        seen.add(item.code)
        out.append(
            _stats(
                item.code,
                item.name,
                item.kind,
                item.standard,
                rows.get(item.code),
                retired=item.retired_at is not None,
            )
        )
    for code, r in rows.items():
        if code not in seen:
            out.append(_stats(code, code, "", "", r, retired=True))
    return out


def _stats(code, name, kind, standard, r, *, retired) -> ItemStats:
    if not r or not r["n"]:
        return ItemStats(
            code,
            name,
            _label(Indicator.Kind, kind),
            _label(Standard, standard),
            0,
            None,
            None,
            None,
            None,
            None,
            [0] * len(BUCKETS),
            retired,
            [],
        )
    n = r["n"]
    mean = Decimal(str(r["mean"] or 0))
    variance = max(Decimal(str(r["mean_sq"] or 0)) - mean * mean, ZERO)
    spread = variance.sqrt() if variance else ZERO
    at_max = _share(r["at_max"], n)
    reasons = []
    if n >= ANALYTICS_MIN_SAMPLE and not retired:
        if at_max >= ANALYTICS_AT_MAX_SHARE:
            reasons.append(_("%(s)s%% 的答案满分，已区分不出支部") % {"s": at_max})
        if spread < ANALYTICS_MIN_SPREAD:
            reasons.append(_("得分离散度仅 %(s)s 个百分点") % {"s": _d(spread)})
    return ItemStats(
        code,
        name,
        _label(Indicator.Kind, kind),
        _label(Standard, standard),
        n,
        _d(mean),
        _d(spread),
        at_max,
        _d(r["lo"]),
        _d(r["hi"]),
        [r[f"b{i}"] for i in range(len(BUCKETS))],
        retired,
        reasons,
    )


# --- 红旗党支部 candidates and the three-year result ------------------------------------------


@dataclass
class RedFlag:
    row: ScoreRow  # the branch's latest quarter row
    quarters: int


def red_flag_candidates(plan) -> list[RedFlag]:
    """红旗党支部 candidates of a year: branches rated 先进 in every closed or published
    quarter of the plan that has scores, never vetoed, with no item returned and waiting
    and no rectification notice of the year still open. At most six queries."""
    periods = sorted(
        Period.objects.filter(
            plan=plan,
            kind__in=["q1", "q2", "q3", "q4"],
            status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED],
        ),
        key=_period_key,
    )
    data = rows_for(periods, branches=True)
    scored = [p for p in periods if data[p.pk][1]]
    if not scored:
        return []
    advanced = defaultdict(int)
    latest = {}
    vetoed = set()
    for period in scored:
        for row in data[period.pk][1]:
            if row.tier == Tier.ADVANCED:
                advanced[row.branch_id] += 1
            if row.vetoed:
                vetoed.add(row.branch_id)
            latest[row.branch_id] = row
    returned = set(
        Submission.objects.filter(
            period__plan=plan, status=Submission.Status.RETURNED, branch__isnull=False
        ).values_list("branch_id", flat=True)
    )
    open_notices = set(
        Rectification.objects.filter(plan=plan, branch__isnull=False)
        .exclude(status=Rectification.Status.VERIFIED)
        .values_list("branch_id", flat=True)
    )
    out = [
        RedFlag(latest[b], n)
        for b, n in advanced.items()
        if n == len(scored) and b not in vetoed and b not in returned and b not in open_notices
    ]
    out.sort(key=lambda f: (-f.row.total, f.row.unit_name, f.row.branch_name))
    return out


@dataclass
class CycleRow:
    unit_id: int
    unit_name: str
    category_name: str
    years: list  # [(year, total or None, grade label)]
    mean: Decimal | None
    vetoed: bool
    rank: int | None = None
    candidate: bool = False
    reason: str = ""


@dataclass
class CycleResult:
    cycle: Cycle
    years: list
    rows: list
    candidates: list
    threshold: Decimal


def cycle_result(cycle) -> CycleResult:
    """The three-year result: each unit's annual totals (closed or published annual periods
    only), their mean and rank (ties share),
    and the model-agency candidates — every year scored, never vetoed, mean at least the
    良好 line of the cycle's last plan. At most six queries."""
    plans = list(AnnualPlan.objects.filter(cycle=cycle).order_by("year"))
    annual = {
        p.plan_id: p
        for p in Period.objects.filter(
            plan__in=plans,
            kind="annual",
            status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED],
        )
    }
    data = rows_for(annual.values())
    rule = (GradingRule.objects.filter(plan=plans[-1]).first() if plans else None) or GradingRule(
        good_min=Decimal("80")
    )
    units = {}
    for plan in plans:
        period = annual.get(plan.pk)
        rows = data[period.pk][1] if period else []
        for row in rows:
            entry = units.setdefault(
                row.unit_id,
                CycleRow(row.unit_id, row.unit_name, row.category_name, {}, None, False),
            )
            entry.years[plan.year] = (row.total, row.grade_label)
            entry.vetoed = entry.vetoed or row.vetoed
    result_rows = []
    for entry in units.values():
        years = [(p.year, *entry.years.get(p.year, (None, ""))) for p in plans]
        totals = [t for _y, t, _g in years if t is not None]
        entry.years = years
        entry.mean = three_year_result([t for _y, t, _g in years], cycle.improvement_weight)
        if entry.vetoed:
            entry.reason = _("存在一票否决事项")
        elif len(totals) < len(plans) or len(plans) < 3:
            entry.reason = _("三个年度尚未全部完成考核")
        elif entry.mean < rule.good_min:
            entry.reason = _("三年平均分低于 %(line)s") % {"line": _d(rule.good_min)}
        else:
            entry.candidate = True
        result_rows.append(entry)
    result_rows.sort(key=lambda r: (r.mean is None, -(r.mean or ZERO), r.unit_name))
    position, previous, rank = 0, None, None
    for r in result_rows:
        position += 1
        if r.mean is None:
            continue
        if r.mean != previous:
            rank, previous = position, r.mean
        r.rank = rank
    return CycleResult(
        cycle,
        [p.year for p in plans],
        result_rows,
        [r for r in result_rows if r.candidate],
        _d(rule.good_min),
    )


# --- periods to show -------------------------------------------------------------------------


def scored_periods():
    """Periods that have scores (live or published), newest first, one query."""
    # EXISTS, not a join: a join reads every score row of every period, then DISTINCT.
    scored = Exists(PeriodScore.objects.filter(period=OuterRef("pk"))) | Exists(
        ScoreSnapshot.objects.filter(period=OuterRef("pk"))
    )
    return Period.objects.filter(scored).select_related("plan").order_by("-plan__year", "-opens_on")


def default_period():
    """The newest closed or published period with scores: an open period's scores are
    partial and would rank everyone low. Else the open period, else any scored one."""
    final = scored_periods().filter(status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED])
    return (
        final.first()
        or Period.objects.filter(status=Period.Status.OPEN)
        .select_related("plan")
        .order_by("-plan__year", "-opens_on")
        .first()
        or scored_periods().first()
    )


def grade_counts(rows) -> list[tuple[str, str, int]]:
    counts = defaultdict(int)
    for row in rows:
        counts[row.grade] += 1
    return [(g.value, str(g.label), counts.get(g.value, 0)) for g in Grade]


def distribution(rows) -> list[tuple[str, int]]:
    out = []
    for low, high in BUCKETS:
        label = f"≥{low}" if high is None else f"{low}–{high}"
        out.append(
            (label, sum(1 for r in rows if r.rate >= low and (high is None or r.rate < high)))
        )
    return out


def quota_limit(ranked: int, quota) -> int | None:
    if quota is None:
        return None
    return math.floor(ranked * Decimal(quota) / HUNDRED)


# --- per item over a unit's branches (the unit scorecard) ------------------------------------


@dataclass(frozen=True)
class ItemSummary:
    """One item a unit is asked for: the unit's figure and, for branch items, how its
    branches did (the unit scorecard's per-indicator table)."""

    code: str
    name: str
    dimension: str
    kind: str  # Indicator.Kind
    unit_level: bool
    max_points: Decimal | None  # effective points (regular items), the cap (bonus items)
    points: Decimal  # the unit's figure (deductions negative)
    low: Decimal | None  # the lowest and the highest branch; None on unit-level items
    high: Decimal | None
    asked: int  # branches asked (1 on unit-level items: the unit itself)
    submitted: int
    full: int  # at full marks
    vetoes: int  # veto items: how many triggered it

    @property
    def percent(self) -> Decimal | None:
        if not self.max_points:
            return None
        return (self.points * 100 / self.max_points).quantize(Decimal("0.1"))


def item_summaries(
    period: Period, units, branches_of: dict, aggregation: str
) -> dict[int, list[ItemSummary]]:
    """unit id -> each item its category is asked in ``period``, in the catalogue's order.

    A branch item's unit figure combines the branches' points with the weights the engine
    combines the unit's score with (``combine_weights``: mean or by party members); a
    branch without an accepted answer counts 0, as in the engine. A unit-level item's figure
    is the unit's own points. The catalogue, then ONE grouped query over the units'
    submissions (by unit, branch and item) whatever the number of branches."""
    from ..services import scoring

    catalogue = scoring.catalogue_for(period)
    if not catalogue.items:
        return {}
    units = list(units)
    accepted = Q(status=Submission.Status.ACCEPTED)
    found = {
        (r["unit_id"], r["branch_id"], r["indicator_id"]): r
        for r in Submission.objects.filter(
            period=period,
            unit_id__in=[u.pk for u in units],
            indicator_id__in=list(catalogue.items),
        )
        .annotate(pts=scoring.item_points_expression(catalogue))
        .values("unit_id", "branch_id", "indicator_id")
        .annotate(
            points=Sum("pts", filter=accepted),
            submitted=Count("pk", filter=Q(status__in=scoring.SUBMITTED_STATES)),
            full=Count("pk", filter=accepted & Q(reviewer_score__gte=F("indicator__max_score"))),
            vetoes=Count("pk", filter=accepted & scoring.VETO_TRIGGER),
        )
        .order_by()
    }
    out = {}
    for unit in units:
        weights = scoring.combine_weights(branches_of.get(unit.pk, []), aggregation)
        lines = []
        for m in catalogue.items.values():
            if not m.applies_to(unit.category_id):
                continue
            unit_level = m.level == Indicator.Level.UNIT
            targets = [(None, Decimal(1))] if unit_level else list(weights.items())
            rows = [found.get((unit.pk, b, m.id)) or {} for b, _w in targets]
            points = [Decimal(r.get("points") or 0) for r in rows]
            weighted = sum((p * w for p, (_b, w) in zip(points, targets, strict=True)), ZERO)
            # Deductions read negative; negated after rounding, so none reads -0.00.
            shown = (
                (lambda v: ZERO - scoring.q(v)) if m.kind == Indicator.Kind.DEDUCTION else scoring.q
            )
            spread = sorted(shown(p) for p in points)
            if m.kind in scoring.REGULAR_KINDS:
                max_points = scoring.q(m.effective)
            elif m.kind == Indicator.Kind.BONUS and m.max_score > 0:
                max_points = scoring.q(m.max_score)
            else:
                max_points = None
            lines.append(
                ItemSummary(
                    code=m.code,
                    name=m.name,
                    dimension=m.dimension_name or _("其他"),
                    kind=m.kind,
                    unit_level=unit_level,
                    max_points=max_points,
                    points=shown(weighted),
                    low=None if unit_level or not spread else spread[0],
                    high=None if unit_level or not spread else spread[-1],
                    asked=len(rows),
                    submitted=sum(r.get("submitted", 0) for r in rows),
                    full=sum(r.get("full", 0) for r in rows),
                    vetoes=sum(r.get("vetoes", 0) for r in rows),
                )
            )
        out[unit.pk] = lines
    return out
