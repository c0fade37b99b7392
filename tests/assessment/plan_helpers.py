"""Builders shared by the plan and indicator specifications."""

from decimal import Decimal

from assessment.models import Indicator, IndicatorSystem, Period, Standard
from assessment.services.plans import create_default_periods
from tests.factories import AnnualPlanFactory, DimensionFactory, IndicatorFactory


def small_system(year=2024, *, periods=True):
    """A valid two-dimension system: D1 (60 %) with items I1 60 % and I2 40 %, D2 (40 %) with
    item J1 100 %; plus a bonus under D1. All quarterly, graded, 10-point scale."""
    plan = AnnualPlanFactory(year=year)
    if periods:
        create_default_periods(plan)
    system = IndicatorSystem.objects.create(plan=plan, version=1)
    d1 = DimensionFactory(system=system, code="D1", name="组织夯实", weight=Decimal("60"))
    d2 = DimensionFactory(
        system=system, code="D2", name="服务求实", weight=Decimal("40"), standard=Standard.SERVICE
    )
    i1 = IndicatorFactory(parent=d1, code="I1", name="三会一课", weight=Decimal("60"), position=0)
    i2 = IndicatorFactory(parent=d1, code="I2", name="主题党日", weight=Decimal("40"), position=1)
    j1 = IndicatorFactory(
        parent=d2, code="J1", name="群众满意度", weight=Decimal("100"), standard=Standard.SERVICE
    )
    bonus = IndicatorFactory(
        parent=d1,
        code="B1",
        name="一支部一品牌",
        kind=Indicator.Kind.BONUS,
        weight=0,
        max_score=Decimal("3"),
        frequency=Indicator.Frequency.ANNUAL,
        position=2,
    )
    return {
        "plan": plan,
        "system": system,
        "d1": d1,
        "d2": d2,
        "i1": i1,
        "i2": i2,
        "j1": j1,
        "bonus": bonus,
    }


def q1(plan):
    return Period.objects.get(plan=plan, kind=Period.Kind.Q1)


def messages_of(faults):
    return [f.message for f in faults]
