"""The data a report is rendered from, as plain dataclasses.

Templates and the ``.xlsx`` writer read only these shapes, never models or querysets.
Builders in ``reports.builders`` fill them; every score, rank and grade in them comes from
the scoring engine (``assessment.selectors.scores``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessment.selectors.scores import ItemSummary as IndicatorLine
from units.numbers import TENTH, rounded


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    short_name: str
    category: str
    category_id: int


@dataclass(frozen=True)
class PeriodRef:
    id: int
    label: str  # e.g. "2026年 第一季度"
    year: int
    kind: str
    kind_label: str
    status_label: str
    phase_label: str
    deadline: dt.date


@dataclass(frozen=True)
class Part:
    """A score against its maximum: one of the six standards or the four goals."""

    code: str
    label: str
    score: Decimal
    max_score: Decimal

    @property
    def percent(self) -> Decimal:
        if not self.max_score:
            return Decimal("0")
        return rounded(self.score * 100 / self.max_score, TENTH)


@dataclass(frozen=True)
class ItemLine:
    """One item's evidence from one branch (or the unit) and how it was reviewed."""

    code: str
    name: str
    standard: str
    branch: str  # "" for unit-level items
    status: str
    self_score: Decimal | None
    reviewer_score: Decimal | None
    max_score: Decimal
    grade: str
    comment: str


@dataclass(frozen=True)
class RectificationSummary:
    """Figures of the problem ledger (assessment.selectors.rectification): problems found
    (`issued`), answered, sent back, verified, overdue, due, and measures taken."""

    issued: int = 0
    answered: int = 0
    sent_back: int = 0
    verified: int = 0
    overdue: int = 0
    due: int = 0
    measures: int = 0

    @property
    def rate(self) -> Decimal | None:
        """整改率 = verified ÷ due, as a percentage."""
        if not self.due:
            return None
        return rounded(Decimal(self.verified) * 100 / self.due, TENTH)

    @property
    def line(self) -> str:
        """The Changchun line: 整改问题 N 个，整改措施 M 条，整改率 X%."""
        return _("整改问题 %(found)s 个，整改措施 %(measures)s 条，整改率 %(rate)s") % {
            "found": self.issued,
            "measures": self.measures,
            "rate": "—" if self.rate is None else f"{self.rate}%",
        }


def _shown(figure):
    if figure.sufficient:
        return figure.score
    return _("样本不足") if figure.sample_size else None


@dataclass(frozen=True)
class Satisfaction:
    score: Decimal | None  # 0–100; None below the minimum sample
    sample_size: int
    sufficient: bool = True  # False: shown as 样本不足

    @property
    def shown(self):
        """The score, 样本不足 below the minimum sample, None without any rating."""
        return _shown(self)


@dataclass(frozen=True)
class TrendPoint:
    period_label: str
    total: Decimal | None  # points in a quarter, 0–100 in the half-year and the year
    rate: Decimal | None = None  # total ÷ max × 100: comparable across all periods


@dataclass(frozen=True)
class BranchLine:
    """One branch of the unit: the engine's figures, or none when it has no score."""

    name: str
    total: Decimal | None
    rate: Decimal | None
    rank: int | None  # within the unit
    tier: str
    vetoed: bool = False


@dataclass(frozen=True)
class UnitScorecard:
    unit: UnitRef
    period: PeriodRef
    total: Decimal
    max_total: Decimal
    rank: int | None
    category_rank: int | None
    unit_count: int
    category_count: int
    grade: str
    by_standard: list[Part]
    by_goal: list[Part]
    trend: list[TrendPoint]
    items: list[ItemLine]  # the unit's own (unit-level) evidence with its review
    rectification: RectificationSummary
    satisfaction: Satisfaction | None
    deductions: Decimal = Decimal("0")
    vetoed: bool = False
    scored: bool = True  # False: the engine has no score for the unit in this period yet
    indicators: list[IndicatorLine] = field(default_factory=list)  # in the catalogue's order
    branches: list[BranchLine] = field(default_factory=list)  # by rank within the unit
    aggregation: str = ""  # how the unit combines its branches: mean or by party members


@dataclass(frozen=True)
class BulletinRow:
    rank: int | None
    category_rank: int | None
    unit: UnitRef
    total: Decimal
    grade: str
    by_standard: list[Part]
    rectification: RectificationSummary
    vetoed: bool = False
    trend: list[TrendPoint] = field(default_factory=list)  # one per Bulletin.trend_labels


@dataclass(frozen=True)
class NegativeLine:
    unit: str
    effect: str
    points: Decimal
    reason: str


@dataclass(frozen=True)
class Bulletin:
    """考核结果通报: rankings by category, grades, negative list, rectification rates."""

    period: PeriodRef
    rows: list[BulletinRow]
    categories: list[tuple[str, list[BulletinRow]]]
    grade_counts: list[tuple[str, int]]
    negative_list: list[NegativeLine]
    rectification_total: RectificationSummary
    standards: list[str] = field(default_factory=list)
    trend_labels: list[str] = field(default_factory=list)  # the plan's finished periods


@dataclass(frozen=True)
class ReturnLine:
    item: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class FeedbackSheet:
    """支部反馈单: what a branch sent, how it was scored, what was returned and why."""

    branch: str
    unit: UnitRef
    secretary: str
    period: PeriodRef
    items: list[ItemLine]
    returns: list[ReturnLine]
    submitted: int
    accepted: int
    returned_now: int
    self_total: Decimal
    reviewer_total: Decimal


@dataclass(frozen=True)
class RectificationLine:
    unit: str
    branch: str
    problem: str
    deadline: dt.date
    status: str
    status_code: str
    overdue: bool


@dataclass(frozen=True)
class RectificationUnitRow:
    unit: UnitRef
    summary: RectificationSummary


@dataclass(frozen=True)
class RectificationGroupRow:
    label: str
    summary: RectificationSummary


@dataclass(frozen=True)
class RectificationReport:
    period: PeriodRef
    plan_label: str
    today: dt.date
    rows: list[RectificationUnitRow]
    total: RectificationSummary
    open_notices: list[RectificationLine]
    by_source: list[RectificationGroupRow] = field(default_factory=list)
    by_standard: list[RectificationGroupRow] = field(default_factory=list)


@dataclass(frozen=True)
class SatisfactionRow:
    unit: UnitRef
    score: Decimal | None  # None below the minimum sample
    sample_size: int
    sufficient: bool = True

    @property
    def shown(self):
        return _shown(self)


@dataclass(frozen=True)
class SatisfactionReport:
    period: PeriodRef
    date_from: dt.date
    date_to: dt.date
    rows: list[SatisfactionRow]


@dataclass(frozen=True)
class CycleYear:
    year: int
    phase_label: str
    total: Decimal | None  # the annual period's total; None until that year is scored
    grade: str


@dataclass(frozen=True)
class CycleRow:
    unit: UnitRef
    years: list[CycleYear]
    average: Decimal | None
    rectification: RectificationSummary
    satisfaction: Satisfaction | None
    vetoed: bool
    rank: int | None = None
    recommended: bool = False  # a model-agency candidate
    reason: str = ""  # why not a candidate (veto, a year unscored, mean below the line)


@dataclass(frozen=True)
class CycleEvaluation:
    """三年创建成效评估 and the model-agency selection list (模范机关评选名单)."""

    cycle_title: str
    period: PeriodRef
    years: list[tuple[int, str]]
    rows: list[CycleRow]
    selection: list[CycleRow]
    selection_rule: str
    result_name: str = ""  # the three-year result as the cycle's rule computes it
    result_formula: str = ""
