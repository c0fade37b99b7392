"""Fixtures for joint inspection tests: two coordination groups and a round over the first.

甲厅 and 乙局 form the first group and are inspected; 丙委 and 丁办 form the second and each
send one inspector. Three items have been sent in for review.
"""

import pytest

from assessment.models import Submission
from assessment.services import inspection as service
from tests.assessment.quarter_world import *  # noqa: F403
from tests.factories import CoordinationGroupFactory, UnitFactory, UserFactory


@pytest.fixture
def groups(world):
    first, second = (
        CoordinationGroupFactory(name="第一协作组"),
        CoordinationGroupFactory(name="第二协作组"),
    )
    world["unit_a"].group = world["unit_b"].group = first
    world["unit_a"].save()
    world["unit_b"].save()
    return {
        "first": first,
        "second": second,
        "unit_c": UnitFactory(name="省丙委", short_name="丙委", slug="bing", group=second),
        "unit_d": UnitFactory(name="省丁办", short_name="丁办", slug="ding", group=second),
    }


@pytest.fixture
def items(world, period, graded):
    """Three sent items: two branches of 甲厅 and one of 乙局."""
    made = [
        Submission.objects.create(
            period=period, indicator=graded, unit=branch.unit, branch=branch, status=status
        )
        for branch, status in (
            (world["a1"], Submission.Status.SUBMITTED),
            (world["a2"], Submission.Status.UNIT_CHECKED),
            (world["b1"], Submission.Status.ACCEPTED),
        )
    ]
    return made


@pytest.fixture
def round_(committee, period, world, groups, items):
    round_ = service.create_round(
        by=committee,
        period=period,
        name="2026年第四季度联检联评",
        units=[world["unit_a"], world["unit_b"]],
    )
    for name, unit in (("丙委张三", groups["unit_c"]), ("丁办李四", groups["unit_d"])):
        service.name_inspector(
            by=committee, round_=round_, user=UserFactory(full_name=name), unit=unit
        )
    return round_
