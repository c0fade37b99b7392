"""The scoring rules as plain functions: no ORM, no queries, each rule written once.

The engine (``engine.py``) computes every stored score with these functions and the
explanation (``explain.py``) shows them with the same functions, so the two cannot disagree.
docs/scoring.md walks through a worked example and names the function of each rule.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from units.numbers import CENT, rounded

from ..models import AnnualPlan, Grade, GradingRule, Indicator, Period, Tier

ZERO = Decimal("0")
ZERO_CENTS = Decimal("0.00")
HUNDRED = Decimal("100")
REGULAR_KINDS = (Indicator.Kind.QUANTITATIVE, Indicator.Kind.GRADED, Indicator.Kind.YES_NO)
SCORED_KINDS = (*REGULAR_KINDS, Indicator.Kind.BONUS, Indicator.Kind.DEDUCTION, Indicator.Kind.VETO)
NO_DIMENSION = 0  # pseudo dimension of deduction items that sit outside any dimension


def q(value) -> Decimal:
    """A figure as the scores store it: rounded half up to 0.01, None counting 0."""
    # A recompute rounds ~10⁶ figures, most of them Decimals or nothing: those first.
    if not value:
        return ZERO_CENTS
    if type(value) is Decimal:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded(value)


# --- items -----------------------------------------------------------------------------------


def item_points(kind: str, score, max_score, effective) -> Decimal:
    """One accepted item's contribution (the rule the engine's SQL CASE applies per row).

    Regular: round(clamp(score, 0, max) × effective ÷ max, 2); bonus: clamp(score, 0, max);
    deduction: min(|score|, max), both without a cap when max is 0; veto: 0."""
    score = Decimal(score or 0)
    max_score = Decimal(max_score or 0)
    if kind in REGULAR_KINDS:
        if max_score <= 0 or effective is None:
            return ZERO
        return q(min(max(score, ZERO), max_score) * (Decimal(effective) / max_score))
    if kind == Indicator.Kind.BONUS:
        points = max(score, ZERO)
    elif kind == Indicator.Kind.DEDUCTION:
        points = abs(score)
    else:
        return ZERO
    return min(points, max_score) if max_score > 0 else points


def triggers_veto(value, score) -> bool:
    """A veto item (一票否决) fires when its number or its score is above zero."""
    return (value or 0) > 0 or (score or 0) > 0


# --- one branch or unit in one period ---------------------------------------------------------


@dataclass
class Result:
    """A settled score: total = base − deduction + bonus, per dimension after deductions."""

    base: Decimal
    deduction: Decimal
    bonus: Decimal
    total: Decimal
    dimensions: dict  # dim -> net points (after deductions, floored)
    applied: dict  # dim -> applied deduction (NO_DIMENSION: taken from the total)


def capped_bonus(raw, cap) -> Decimal:
    """Bonus points count up to the plan's cap (``GradingRule.bonus_cap``)."""
    return min(q(raw), q(cap))


def floored_deductions(regular: dict, deductions: dict) -> tuple[dict, dict]:
    """The deduction floor: a dimension's deductions take at most its regular points, and
    deductions outside any dimension at most what the dimensions leave.
    Returns ({dim: net points}, {dim: deduction applied})."""
    nets, applied = {}, {}
    subtotal = ZERO
    for dim in set(regular) | set(deductions):
        if dim == NO_DIMENSION:
            continue
        reg = q(regular.get(dim, ZERO))
        taken = min(q(deductions.get(dim, ZERO)), reg)
        nets[dim], applied[dim] = reg - taken, taken
        subtotal += reg - taken
    loose = min(q(deductions.get(NO_DIMENSION, ZERO)), subtotal)
    if loose:
        applied[NO_DIMENSION] = loose
    return nets, applied


def settle(regular: dict, deductions: dict, bonus_raw, cap) -> Result:
    """A branch's (or unit's own) quarter: Σ dimensions max(0, regular − deductions),
    minus the loose deductions (never below 0), plus the capped bonus."""
    nets, applied = floored_deductions(regular, deductions)
    base = sum((q(regular.get(dim, ZERO)) for dim in nets), ZERO)
    deduction = sum(applied.values(), ZERO)
    bonus = capped_bonus(bonus_raw, cap)
    return Result(base, deduction, bonus, base - deduction + bonus, nets, applied)


def combine_weights(branches: list, aggregation: str) -> dict:
    """{branch id: weight} summing to 1 over a unit's active branches: equal (各支部平均), or
    by party members (按党员人数加权; equal when no branch has members)."""
    if not branches:
        return {}
    members = sum(b["member_count"] for b in branches)
    if aggregation == AnnualPlan.Aggregation.MEMBERS and members:
        return {b["id"]: Decimal(b["member_count"]) / Decimal(members) for b in branches}
    share = Decimal(1) / Decimal(len(branches))
    return {b["id"]: share for b in branches}


def weighted(values: dict, weight, into: dict | None = None) -> dict:
    """``into`` (a fresh dict by default) plus values × weight, key by key."""
    into = defaultdict(lambda: ZERO) if into is None else into
    for key, value in values.items():
        into[key] += value * weight
    return into


@dataclass
class UnitResult:
    """A unit's quarter and the terms it is made of (what the explanation shows)."""

    result: Result
    branch_share: dict = field(default_factory=dict)  # dim -> branches' combined net points
    unit_regular: dict = field(default_factory=dict)  # dim -> the unit's own items
    unit_deductions: dict = field(default_factory=dict)  # dim -> the unit's own deductions
    branch_bonus: Decimal = ZERO  # the branches' capped bonus, combined
    unit_bonus: Decimal = ZERO


def unit_quarter(
    branches: list, unit_regular: dict, unit_deductions: dict, unit_bonus, cap
) -> UnitResult:
    """A unit's quarter from its branches' settled results and its own items.

    ``branches`` is [(weight, Result)] (``combine_weights``). Per dimension: the branches'
    net points combined + the unit's own regular points − the unit's deductions (the floor
    at 0 per dimension); the branches' loose deductions, combined, come off the total; the
    bonus is the branches' combined bonus + the unit's own, capped once more. The deduction
    column counts the branches' combined deductions too, and base makes
    total = base − deduction + bonus hold exactly."""
    share = defaultdict(lambda: ZERO)
    loose = branch_deduction = branch_bonus = ZERO
    for weight, result in branches:
        weighted(result.dimensions, weight, share)
        loose += result.applied.get(NO_DIMENSION, ZERO) * weight
        branch_deduction += result.deduction * weight
        branch_bonus += result.bonus * weight
    regular = defaultdict(lambda: ZERO)
    for dim, value in share.items():
        regular[dim] += q(value)
    for dim, value in unit_regular.items():
        regular[dim] += q(value)
    deductions = defaultdict(lambda: ZERO)
    for dim, value in unit_deductions.items():
        deductions[dim] += q(value)
    # The branches' loose deductions were taken from their totals already.
    if branches:
        deductions[NO_DIMENSION] += q(loose)
    branch_deduction -= loose
    settled = settle(regular, deductions, q(branch_bonus) + q(unit_bonus), cap)
    deduction = q(branch_deduction) + settled.deduction
    return UnitResult(
        result=Result(
            base=settled.total - settled.bonus + deduction,
            deduction=deduction,
            bonus=settled.bonus,
            total=settled.total,
            dimensions=settled.dimensions,
            applied=settled.applied,
        ),
        branch_share={dim: q(v) for dim, v in share.items()},
        unit_regular={dim: q(v) for dim, v in unit_regular.items()},
        unit_deductions=dict(deductions),
        branch_bonus=q(branch_bonus),
        unit_bonus=q(unit_bonus),
    )


def rate_of(total, max_points) -> Decimal:
    """Score rate: total ÷ maximum × 100 (0 without a maximum)."""
    if not max_points:
        return ZERO
    return q(Decimal(total) * HUNDRED / Decimal(max_points))


# --- half-year and annual composites ----------------------------------------------------------


def redistributed(terms: list) -> Decimal:
    """Σ weight × value over the terms present ([(weight, value or None)]), rescaled by
    Σ all weights ÷ Σ present weights: a missing term's weight goes to the others in
    proportion. 0 when no term is present."""
    whole = sum((w for w, _x in terms), ZERO)
    present = [(w, x) for w, x in terms if x is not None]
    got = sum((w for w, _x in present), ZERO)
    if not got:
        return ZERO
    return q(sum((w * x for w, x in present), ZERO) * whole / got)


@dataclass
class CompositeResult:
    base: Decimal  # the weighted 0–100 figure
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    terms: list  # [(weight, value or None)]: quarter mean, exam, satisfaction


def composite_satisfaction(value, rule: GradingRule, *, of_unit: bool) -> Decimal | None:
    """The satisfaction term: a unit's sufficient figure; a missing one counts 0 when the
    plan's rule says so, else it is missing (branches have none)."""
    if not of_unit:
        return None
    if value is None and rule.missing_satisfaction == GradingRule.MissingSatisfaction.ZERO:
        return ZERO
    return value


def composite(
    plan: AnnualPlan,
    rule: GradingRule,
    *,
    quarter_mean,
    exam,
    satisfaction,
    quarters_bonus,
    own_bonus,
    negative,
) -> CompositeResult:
    """Half-year and annual total on a 0–100 scale: a × quarter mean + b × exam +
    c × satisfaction (``redistributed``), + the quarters' and the period's own bonus capped
    once, − the negative list's points; never below 0."""
    terms = [
        (plan.weight_quarterly, quarter_mean),
        (plan.weight_exam, exam),
        (plan.weight_satisfaction, satisfaction),
    ]
    base = redistributed(terms)
    bonus = capped_bonus(q(quarters_bonus) + own_bonus, rule.bonus_cap)
    negative = q(negative)
    return CompositeResult(
        base=base,
        bonus=bonus,
        deduction=q(min(negative, base + bonus)),
        total=q(max(base + bonus - negative, ZERO)),
        terms=terms,
    )


# --- ranks, grades and tiers ------------------------------------------------------------------


def competition_ranks(totals: list) -> list[int]:
    """Rank of each total, highest first; ties share the rank and the next rank skips
    (1, 1, 3), in the order given."""
    order = sorted(range(len(totals)), key=lambda i: totals[i], reverse=True)
    ranks = [0] * len(totals)
    previous, rank = None, 0
    for n, i in enumerate(order, start=1):
        if totals[i] != previous:
            previous, rank = totals[i], n
        ranks[i] = rank
    return ranks


def grade_for(rate, rule: GradingRule) -> str:
    """Grade by the score rate against the plan's lines (优秀/良好/一般/较差)."""
    if rate >= rule.excellent_min:
        return Grade.EXCELLENT
    if rate >= rule.good_min:
        return Grade.GOOD
    if rate >= rule.fair_min:
        return Grade.FAIR
    return Grade.POOR


def excellent_quota(ranked: int, quota) -> int | None:
    """How many ranks may be 优秀 under the quota (top ⌊n × quota %⌋); None: no quota."""
    if quota is None:
        return None
    return math.floor(ranked * Decimal(quota) / HUNDRED)


def cap_grade(grade: str, *, rank, ranked: int, rule: GradingRule, vetoed: bool) -> str:
    """The 优秀 quota by rank (ties at the limit keep it), then the veto cap at 一般."""
    limit = excellent_quota(ranked, rule.excellent_quota)
    if grade == Grade.EXCELLENT and limit is not None and (rank is None or rank > limit):
        grade = Grade.GOOD
    if vetoed and grade in (Grade.EXCELLENT, Grade.GOOD):
        grade = Grade.FAIR
    return grade


def tier_for(rate, *, rank, ranked: int, rule: GradingRule, vetoed: bool) -> str:
    """A branch's tier: by the rate's lines (先进 ≥ advanced_min, 后进 < lagging_below) or by
    thirds of the ranking (top ⌊n/3⌋ 先进, bottom ⌊n/3⌋ 后进); a vetoed branch is never 先进."""
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


# --- how far a review reaches -----------------------------------------------------------------


class Reach:
    """How far one review's effect goes: its period; the plan's composites too (a finished
    quarter, which the composites read); or every period of the plan (a veto item: a veto
    caps the unit's grade all year)."""

    PERIOD = "period"
    COMPOSITES = "composites"
    PLAN = "plan"


def reach_of(period_status: str, indicator_kind: str) -> str:
    """What a review of an item of this kind, in a period of this status, must recompute."""
    if indicator_kind == Indicator.Kind.VETO:
        return Reach.PLAN
    if period_status in Period.FINISHED:
        return Reach.COMPOSITES
    return Reach.PERIOD


def three_year_result(totals: list, improvement_weight) -> Decimal | None:
    """The three-year result from the annual totals in year order (None = not scored): their
    mean, plus improvement_weight × (last total − first total) when both are scored."""
    scored = [Decimal(t) for t in totals if t is not None]
    if not scored:
        return None
    mean = sum(scored, Decimal(0)) / len(scored)
    weight = Decimal(improvement_weight or 0)
    if weight and len(totals) >= 2 and totals[0] is not None and totals[-1] is not None:
        mean += weight * (Decimal(totals[-1]) - Decimal(totals[0]))
    return rounded(mean)
