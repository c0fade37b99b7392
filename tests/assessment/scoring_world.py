"""A small plan whose scores the scoring tests work out by hand.

System (base 100):
  D1 组织 (organisation, weight 60 → 60 points)
    I1 graded, branch, max 10, weight 50 → 30 points (goal responsibility)
    I2 quantitative, branch, max 20, weight 50 → 30 points (goal efficiency)
    X1 deduction, branch, max 5
    B1 bonus, branch, max 3
  D2 服务 (service, weight 40 → 40 points)
    U1 yes/no, UNIT level, max 10, weight 50 → 20 points (goal politics)
    I3 graded, branch, max 10, weight 50 → 20 points (goal discipline)
    X2 deduction, UNIT level, max 50
    V1 veto, UNIT level

Units (all accepted in Q1 unless said):
  A (category economic; branches a1 40 members, a2 120 members)
    a1: I1 8 → 24, I2 20 → 30, I3 10 → 20, X1 −2, B1 3
        D1 54 − 2 = 52, D2 20; total 72 + 3 = 75 (max 80)
    a2: I1 6 → 18, I2 10 → 15, I3 5 → 10, B1 3 (I3 late)
        D1 33, D2 10; total 43 + 3 = 46
    unit: U1 10 → 20
        mean: D1 (52+33)/2 = 42.5; D2 (20+10)/2 + 20 = 35; bonus 3 → 80.50
        members (¼, ¾): D1 13 + 24.75 = 37.75; D2 5 + 7.5 + 20 = 32.5; bonus 3 → 73.25
  B (category service; branch b1)
    b1: I1 10 → 30, I2 20 → 30, I3 10 → 20, B1 3 → 83
    unit: U1 10 → 20, X2 −45 → D2 = max(0, 20 + 20 − 45) = 0 (floor; 40 applied)
        D1 60, D2 0, bonus 3 → 63.00
  C (category economic, group 第一协作组 with A; branch c1)
    c1: I1 7 → 21, I2 16 → 24, X1 −2, I3 7.25 → 14.5, B1 3
        D1 45 − 2 = 43, D2 14.5; total 57.5 + 3 = 60.5
    unit: U1 10 → 20, V1 value 1 → VETO
        D1 43, D2 34.5, bonus 3 → 80.50
Ranks: A 80.5 and C 80.5 share 1, B 63 is 3.
Grades (90/80/60): A 良好, C 良好 capped to 一般 by the veto, B 一般.
Branch tiers (先进 ≥ 85 %, 后进 < 70 %): a1 93.75 先进, a2 57.5 后进, b1 103.75 先进,
c1 75.63 中间. Branch ranks: b1 1, a1 2, c1 3, a2 4.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from assessment.models import AnnualPlan, Indicator, Period, Standard, Submission
from tests.factories import (
    AnnualPlanFactory,
    BranchFactory,
    CoordinationGroupFactory,
    IndicatorSystemFactory,
    PeriodFactory,
    UnitCategoryFactory,
    UnitFactory,
)

K = Indicator.Kind
L = Indicator.Level
ACCEPTED = Submission.Status.ACCEPTED


def make_item(
    system,
    parent,
    code,
    kind,
    *,
    max_score=0,
    weight=0,
    level=L.BRANCH,
    standard="",
    goal="",
    frequency=Indicator.Frequency.QUARTERLY,
    position=0,
):
    return Indicator.objects.create(
        system=system,
        parent=parent,
        code=code,
        name=f"指标{code}",
        kind=kind,
        max_score=D(max_score),
        weight=D(weight),
        level=level,
        standard=standard or (parent.standard if parent else ""),
        goal=goal,
        frequency=frequency,
        position=position,
    )


def accept(
    period,
    item,
    unit,
    branch=None,
    *,
    score=None,
    value=None,
    self_score=None,
    late=False,
    status=ACCEPTED,
):
    return Submission.objects.create(
        period=period,
        indicator=item,
        unit=unit,
        branch=branch,
        status=status,
        reviewer_score=None if score is None else D(str(score)),
        value=None if value is None else D(str(value)),
        self_score=None if self_score is None else D(str(self_score)),
        is_late=late,
        submitted_at=dt.datetime(2024, 3, 20, tzinfo=dt.UTC),
    )


def build(aggregation=AnnualPlan.Aggregation.MEAN, existing=None):
    """The world above. ``existing`` (the conftest ``world`` fixture) supplies units A, B and
    branches a1, a2, b1 so that the named actors (unit_admin, secretary, outsider) fit."""
    plan = AnnualPlanFactory(year=2024, unit_aggregation=aggregation)
    system = IndicatorSystemFactory(plan=plan)
    w = {}
    d1 = make_item(
        system, None, "D1", K.DIMENSION, max_score=60, weight=60, standard=Standard.ORGANISATION
    )
    d2 = make_item(
        system,
        None,
        "D2",
        K.DIMENSION,
        max_score=40,
        weight=40,
        standard=Standard.SERVICE,
        position=1,
    )
    w["I1"] = make_item(system, d1, "I1", K.GRADED, max_score=10, weight=50, goal="responsibility")
    w["I2"] = make_item(
        system, d1, "I2", K.QUANTITATIVE, max_score=20, weight=50, goal="efficiency", position=1
    )
    w["X1"] = make_item(system, d1, "X1", K.DEDUCTION, max_score=5, goal="discipline", position=2)
    w["B1"] = make_item(system, d1, "B1", K.BONUS, max_score=3, goal="responsibility", position=3)
    w["U1"] = make_item(
        system, d2, "U1", K.YES_NO, max_score=10, weight=50, level=L.UNIT, goal="politics"
    )
    w["I3"] = make_item(
        system, d2, "I3", K.GRADED, max_score=10, weight=50, goal="discipline", position=1
    )
    w["X2"] = make_item(
        system, d2, "X2", K.DEDUCTION, max_score=50, level=L.UNIT, goal="discipline", position=2
    )
    w["V1"] = make_item(system, d2, "V1", K.VETO, level=L.UNIT, goal="discipline", position=3)
    w["D1"], w["D2"] = d1, d2

    q1 = PeriodFactory(plan=plan, kind=Period.Kind.Q1, system=system)
    # Reviewed and closed: closed quarters feed composites, trends and candidates.
    Period.objects.filter(pk=q1.pk).update(status=Period.Status.CLOSED)
    q1.status = Period.Status.CLOSED
    economic = UnitCategoryFactory(code="economic", name="经济调节类")
    service = UnitCategoryFactory(code="service", name="窗口服务类")
    group = CoordinationGroupFactory(name="第一协作组")
    if existing:
        a, b = existing["unit_a"], existing["unit_b"]
        a1, a2, b1 = existing["a1"], existing["a2"], existing["b1"]
        a.group = group
        a.save(update_fields=["group"])
    else:
        a = UnitFactory(
            name="省甲厅", short_name="甲厅", slug="jia", category=economic, group=group
        )
        b = UnitFactory(name="省乙局", short_name="乙局", slug="yi", category=service)
        a1 = BranchFactory(unit=a, name="甲厅第一党支部", member_count=40)
        a2 = BranchFactory(unit=a, name="甲厅第二党支部", member_count=120)
        b1 = BranchFactory(unit=b, name="乙局第一党支部", member_count=25)
    c = UnitFactory(name="省丙委", short_name="丙委", slug="bing", category=economic, group=group)
    c1 = BranchFactory(unit=c, name="丙委第一党支部", member_count=30)

    accept(q1, w["I1"], a, a1, score=8, self_score=10)
    accept(q1, w["I2"], a, a1, score=20, value=100)
    accept(q1, w["I3"], a, a1, score=10)
    accept(q1, w["X1"], a, a1, score=-2)
    accept(q1, w["B1"], a, a1, score=3)
    accept(q1, w["I1"], a, a2, score=6, self_score=9)
    accept(q1, w["I2"], a, a2, score=10)
    accept(q1, w["I3"], a, a2, score=5, late=True)
    accept(q1, w["B1"], a, a2, score=3)
    accept(q1, w["U1"], a, None, score=10)

    accept(q1, w["I1"], b, b1, score=10)
    accept(q1, w["I2"], b, b1, score=20)
    accept(q1, w["I3"], b, b1, score=10)
    accept(q1, w["B1"], b, b1, score=3)
    accept(q1, w["U1"], b, None, score=10)
    accept(q1, w["X2"], b, None, score=-45)

    accept(q1, w["I1"], c, c1, score=7)
    accept(q1, w["I2"], c, c1, score=16)
    accept(q1, w["X1"], c, c1, score=-2)
    accept(q1, w["I3"], c, c1, score="7.25")
    accept(q1, w["B1"], c, c1, score=3)
    accept(q1, w["U1"], c, None, score=10)
    accept(q1, w["V1"], c, None, score=0, value=1)

    return {
        "plan": plan,
        "system": system,
        "q1": q1,
        "items": w,
        "group": group,
        "economic": economic,
        "service": service,
        "a": a,
        "b": b,
        "c": c,
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "c1": c1,
    }
