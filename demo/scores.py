"""Demo scores: the reviewed answers of the 2026 quarters already closed or published, then
a recompute of every plan and revision 1 of each published period. Idempotent: an item a
branch (or unit) has answered already is left alone, and recomputing gives the same rows.

The answers are deterministic (no randomness): each branch has a steady "quality" so that
rankings, tiers and trends look like a real year, with a few bonus items (特色亮点), a few
deductions and a little lateness.
"""

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from assessment.measures import measure
from assessment.models import AnnualPlan, Indicator, Period, Submission
from assessment.rules import allowed_range
from assessment.scoring import engine
from assessment.selectors.plans import items_for
from assessment.services.indicators import score_quantitative
from assessment.services.measures import measure_targets, measured_items
from assessment.services.review import GRADE_SHARES
from units.models import Branch, Unit, User

YEAR = 2026
FILLED_KINDS = ("q1", "q2", "h1", "q3")
CENT = Decimal("0.01")


def _roll(*parts) -> Decimal:
    """A stable number in [0, 1) from the parts."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return Decimal(int(digest[:8], 16)) / Decimal(16**8)


def _quality(key) -> Decimal:
    return Decimal("0.62") + _roll("quality", key) * Decimal("0.36")  # 0.62 … 0.98


def _answer(item: Indicator, key, kind):
    """(value, grade, score) for one item of one branch or unit in one period."""
    share = min(Decimal(1), _quality(key) + (_roll(item.code, key, kind) - Decimal("0.4")) / 4)
    k = Indicator.Kind
    if item.kind == k.GRADED:
        grade = (
            "A"
            if share >= Decimal("0.9")
            else "B"
            if share >= Decimal("0.75")
            else ("C" if share >= Decimal("0.6") else "D")
        )
        return None, grade, (item.max_score * GRADE_SHARES[grade]).quantize(CENT)
    if item.kind == k.QUANTITATIVE:
        rule = item.rule or {}
        if rule.get("type") == "ratio":
            value = Decimal(str(rule.get("target", 100))) * share * Decimal("1.05")
        else:
            top = max(Decimal(str(step[0])) for step in rule.get("steps", [[100, 100]]))
            value = top * share * Decimal("1.04")
        _low, high, whole = allowed_range(item.number_kind, item.number_max)
        # What a secretary could have typed: counts whole, percentages up to 100.
        value = value.quantize(Decimal("1") if whole else Decimal("0.1"), ROUND_HALF_UP)
        if high is not None:
            value = min(value, high)
        try:
            score = score_quantitative(rule, value, item.max_score)
        except ValueError:
            score = (item.max_score * share).quantize(CENT)
        return value, "", score
    if item.kind == k.YES_NO:
        return None, "", item.max_score if share >= Decimal("0.6") else Decimal(0)
    if item.kind == k.BONUS:
        if _roll("bonus", item.code, key, kind) < Decimal("0.18"):
            return None, "", (item.max_score * Decimal("0.5")).quantize(CENT) or Decimal(1)
        return None, "", Decimal(0)
    if item.kind == k.DEDUCTION:
        if _roll("deduct", item.code, key, kind) < Decimal("0.08"):
            return None, "", -min(item.max_score or Decimal(1), Decimal(1))
        return None, "", Decimal(0)
    return Decimal(0), "", Decimal(0)  # veto: nothing happened


def _ordinals(model) -> dict:
    """pk -> position in creation order: the id each row gets on a fresh database.

    The answers are rolled from these rather than from the ids themselves, so the demo gives
    the same figures on a database whose sequences have moved on (PostgreSQL keeps them
    across rolled-back transactions)."""
    pks = model.objects.order_by("pk").values_list("pk", flat=True)
    return {pk: position for position, pk in enumerate(pks, start=1)}


def _fill(period, staff, branches, units):
    branch_no, unit_no = _ordinals(Branch), _ordinals(Unit)
    present = set(
        Submission.objects.filter(period=period).values_list("indicator_id", "unit_id", "branch_id")
    )
    asked = {}
    rows = []
    submitted_at = timezone.make_aware(
        dt.datetime.combine(period.deadline - dt.timedelta(days=3), dt.time(10))
    )
    reviewed_at = submitted_at + dt.timedelta(days=5)
    targets = [(b.unit, b, Indicator.Level.BRANCH) for b in branches] + [
        (u, None, Indicator.Level.UNIT) for u in units
    ]
    # Earlier years roll their own answers (the 2026 ones stay as they were).
    round_key = period.kind if period.plan.year == YEAR else f"{period.plan.year}{period.kind}"
    for unit, branch, level in targets:
        key = (unit.category_id, level)
        if key not in asked:
            asked[key] = list(items_for(period, category=unit.category, level=level))
        who = f"b{branch_no[branch.pk]}" if branch else f"u{unit_no[unit.pk]}"
        for item in asked[key]:
            if (item.pk, unit.pk, branch.pk if branch else None) in present:
                continue  # answered already (e.g. by the evidence demo)
            value, grade, score = _answer(item, who, round_key)
            gap = (
                Decimal(0)
                if _roll("self", item.code, who) < Decimal("0.6")
                else (item.max_score * Decimal("0.1")).quantize(CENT)
            )
            late = _roll("late", item.code, who, round_key) < Decimal("0.06")
            rows.append(
                Submission(
                    period=period,
                    indicator=item,
                    unit=unit,
                    branch=branch,
                    status=Submission.Status.ACCEPTED,
                    value=value,
                    grade=grade,
                    narrative="按要求完成，佐证材料已在支部台账中留存。",
                    self_score=min(score + gap, item.max_score) if score >= 0 else score,
                    reviewer_score=score,
                    reviewer_comment="材料齐全，予以通过。",
                    is_late=late,
                    submitted_at=submitted_at + (dt.timedelta(days=5) if late else dt.timedelta()),
                    reviewed_by=staff,
                    reviewed_at=reviewed_at,
                )
            )
    rows += _measured(period, staff, present, submitted_at, reviewed_at)
    Submission.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _measured(period, staff, present, measured_at, reviewed_at):
    """系统取数 items of a past period: the platform's figures, confirmed by staff."""
    rows = []
    for item in measured_items(period):
        values = measure(item.measure, period, item.level, measure_targets(item))
        for (unit_id, branch_id), value in values.items():
            if value is None or (item.pk, unit_id, branch_id) in present:
                continue
            rows.append(
                Submission(
                    period=period,
                    indicator=item,
                    unit_id=unit_id,
                    branch_id=branch_id,
                    status=Submission.Status.ACCEPTED,
                    value=value,
                    measured_value=value,
                    measured_at=measured_at,
                    reviewer_score=score_quantitative(item.rule, value, item.max_score),
                    reviewer_comment="系统取数，已核对。",
                    submitted_at=measured_at,
                    reviewed_by=staff,
                    reviewed_at=reviewed_at,
                )
            )
    return rows


def load():
    staff = User.objects.filter(username="committee").first()
    plan = AnnualPlan.objects.filter(year=YEAR).first()
    if staff is None or plan is None:
        return  # no plans demo: nothing to score
    branches = list(
        Branch.objects.filter(active=True, unit__active=True).select_related("unit__category")
    )
    units = list(Unit.objects.filter(active=True).select_related("category"))
    for period in Period.objects.filter(plan=plan, kind__in=FILLED_KINDS).exclude(
        status__in=[Period.Status.DRAFT, Period.Status.OPEN]
    ):
        _fill(period, staff, branches, units)
    load_earlier_years(staff, branches, units)
    for each in AnnualPlan.objects.order_by("year"):
        engine.recompute_plan(each)


def load_earlier_years(staff, branches, units):
    """Reviewed answers for every period of the cycle's earlier years (all published), so
    that the three-year results and the model-agency candidates have three years."""
    for period in Period.objects.filter(
        plan__year__lt=YEAR, status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED]
    ).select_related("plan"):
        _fill(period, staff, branches, units)
