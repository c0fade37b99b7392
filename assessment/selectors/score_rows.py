"""Stored scores as pages and reports read them: rows, rankings, revisions and trends.

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
- ``branch_scores(period, *, unit=None, branch_ids=None)`` -> list[ScoreRow] of branches.
- ``rows_for(periods, *, branches=False, unit_ids=None, branch_ids=None, revision=None,
  category=None, group=None)`` -> {period id: (Source, [ScoreRow])}.
- ``unit_totals(periods, *, unit_ids=None)`` -> {period id: [UnitTotal]}: only each unit's
  total, maximum and category, for trends.
- ``unit_trend(plan, unit)`` -> list[TrendPoint] over the plan's periods.
- ``revisions(period)`` -> list[ScoreSnapshot] newest first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from units.numbers import TENTH, rounded

from ..models import Goal, Grade, Period, PeriodScore, ScoreSnapshot, Standard, Tier

ZERO = Decimal("0")
HUNDRED = Decimal("100")
BUCKETS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, None)]


def _s(value) -> str | None:
    return None if value is None else str(rounded(value))


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
        return tuple(Part(c, label, rounded(p), rounded(m)) for c, label, p, m in rows)
    order, names = _axis(choices, get_language())
    rows = sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[0]))
    return tuple(
        Part(c, label or names.get(c, c or ""), rounded(p), rounded(m)) for c, label, p, m in rows
    )


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
        return rounded(self.points * HUNDRED / self.max_points)


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
        return rounded(self.total * HUNDRED / self.max_points)

    @property
    def grade_label(self):
        return _axis(Grade, get_language())[1].get(self.grade, self.grade)

    @property
    def tier_label(self):
        return _axis(Tier, get_language())[1].get(self.tier, self.tier)

    @property
    def satisfaction_shown(self):
        """A composite's satisfaction as pages show it: the figure, 样本不足 below the minimum
        sample (it then counts as missing), None without any rating."""
        if self.satisfaction is not None or not self.satisfaction_sample:
            return self.satisfaction
        return _("样本不足")

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
            base=rounded(d["base"]),
            deduction=rounded(d["deduction"]),
            bonus=rounded(d["bonus"]),
            total=rounded(d["total"]),
            max_points=rounded(d["max_points"]),
            net_rate=rounded(d["net_rate"]),
            quarter_mean=rounded(d.get("quarter_mean")),
            exam=rounded(d.get("exam")),
            satisfaction=rounded(d.get("satisfaction")),
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
    return rounded(Decimal(part) * HUNDRED / Decimal(whole), TENTH)


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
        return rounded(self.total * HUNDRED / self.max_points)


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
            out[period_id].append(UnitTotal(unit_id, category, rounded(total), rounded(max_points)))
    wanted = None if unit_ids is None else set(unit_ids)
    for period_id, snap in snaps.items():
        out[period_id] = [
            UnitTotal(d["unit_id"], d["category"], rounded(d["total"]), rounded(d["max_points"]))
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
    def status_label(self) -> str:
        """The period's status as every page words it (未开放, 报送中, 已截止, 已发布)."""
        return str(Period.Status(self.status).label) if self.status else ""

    @property
    def in_progress(self) -> bool:
        """Not finished (open or draft): its figures are partial and stay out of trends."""
        return self.status not in Period.FINISHED


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


def _period_key(period):
    return (period.plan_id, Period.CALENDAR.index(period.kind))


def trend_periods(plan, *, quarters_only=False) -> list:
    """The periods every trend plots — web, PDF and .xlsx alike: the plan's finished
    (closed or published) periods in calendar order. An open or draft period's figures are
    partial: plotted, a quarter still being reported collapses the line."""
    periods = Period.objects.filter(plan=plan).finished()
    if quarters_only:
        periods = periods.quarters()
    return sorted(periods, key=_period_key)


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
    final = scored_periods().filter(status__in=Period.FINISHED)
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
