import factory
from factory.django import DjangoModelFactory

from units.models import Branch, CoordinationGroup, Role, Unit, UnitCategory, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("Test-pass-2026")


class UnitCategoryFactory(DjangoModelFactory):
    class Meta:
        model = UnitCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"分类{n}")


class CoordinationGroupFactory(DjangoModelFactory):
    class Meta:
        model = CoordinationGroup

    name = factory.Sequence(lambda n: f"第{n}协作组")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"省测试厅{n}")
    short_name = factory.Sequence(lambda n: f"测试厅{n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")
    category = factory.SubFactory(UnitCategoryFactory)
    headcount = 200
    party_affairs_staff = 3


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"第{n}党支部")
    secretary_name = "王书记"
    member_count = 30


def user_with_role(kind, *, unit=None, branch=None, **fields):
    user = UserFactory(**fields)
    Role.objects.create(user=user, kind=kind, unit=unit, branch=branch)
    return user


# --- assessment ---------------------------------------------------------------------------

import datetime as _dt  # noqa: E402
from decimal import Decimal as _D  # noqa: E402

from assessment.models import (  # noqa: E402
    AnnualPlan,
    Cycle,
    Indicator,
    IndicatorSystem,
    Period,
    Phase,
    Standard,
)


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ("start_year",)

    title = factory.LazyAttribute(
        lambda o: f"{o.start_year}—{o.start_year + 2}年创建模范机关三年行动"
    )
    start_year = 2024


class AnnualPlanFactory(DjangoModelFactory):
    class Meta:
        model = AnnualPlan
        django_get_or_create = ("year",)

    cycle = factory.SubFactory(CycleFactory)
    year = 2024
    phase = Phase.BENCHMARK


class PeriodFactory(DjangoModelFactory):
    """Q1 of the plan's year, open from 1 January to 10 April unless told otherwise."""

    class Meta:
        model = Period

    plan = factory.SubFactory(AnnualPlanFactory)
    kind = Period.Kind.Q1
    opens_on = factory.LazyAttribute(lambda o: _dt.date(o.plan.year, 1, 1))
    deadline = factory.LazyAttribute(lambda o: _dt.date(o.plan.year, 4, 10))


class IndicatorSystemFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorSystem

    plan = factory.SubFactory(AnnualPlanFactory)
    version = 1


class DimensionFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    system = factory.SubFactory(IndicatorSystemFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"维度{n}")
    kind = Indicator.Kind.DIMENSION
    standard = Standard.ORGANISATION
    max_score = _D("100")
    weight = _D("100")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    system = factory.LazyAttribute(lambda o: o.parent.system)
    parent = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"I{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    kind = Indicator.Kind.GRADED
    standard = Standard.ORGANISATION
    goal = "responsibility"
    max_score = _D("10")
    weight = _D("100")
    frequency = Indicator.Frequency.QUARTERLY
