"""Recomputing some units of a period (what one review needs) writes exactly the rows a
whole-period recompute writes, and moves the other units' ranks, grades and tiers."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import GradingRule, PeriodScore, Submission
from assessment.scoring import engine
from tests.assessment import scoring_world
from tests.assessment.test_scoring_periods import year  # noqa: F401 - fixture
from tests.factories import BranchFactory, UnitFactory

pytestmark = pytest.mark.django_db

COLUMNS = (
    "unit_id",
    "branch_id",
    "base",
    "deduction",
    "bonus",
    "total",
    "max_points",
    "net_rate",
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


def rows(period):
    return list(
        PeriodScore.objects.filter(period=period)
        .order_by("unit_id", "branch_id")
        .values_list(*COLUMNS)
    )


@pytest.fixture
def world():
    w = scoring_world.build()
    GradingRule.objects.create(plan=w["plan"], excellent_quota=D("40"))
    engine.recompute_plan(w["plan"])
    return w


def rescore(w, branch, code, score):
    Submission.objects.filter(period=w["q1"], branch=w[branch], indicator=w["items"][code]).update(
        reviewer_score=D(score)
    )


def test_one_unit_recomputed_equals_the_whole_period(world):
    rescore(world, "a2", "I1", "10")  # A rises above C: the ranks of both move
    engine.recompute_units(world["q1"], [world["a"].pk])
    partial = rows(world["q1"])
    engine.recompute_period(world["q1"], cascade=False)
    assert partial == rows(world["q1"])


def test_other_units_ranks_follow_the_recomputed_unit(world):
    rescore(world, "a2", "I1", "10")
    engine.recompute_units(world["q1"], [world["a"].pk])
    ranks = {
        unit: PeriodScore.objects.get(period=world["q1"], unit=world[unit], branch=None).rank
        for unit in ("a", "b", "c")
    }
    assert ranks == {"a": 1, "c": 2, "b": 3}


def test_a_unit_recompute_leaves_unmoved_rows_untouched(world):
    before = PeriodScore.objects.get(period=world["q1"], unit=world["b"], branch=None)
    rescore(world, "a1", "I2", "19")  # A falls from 80.50 to 79.75: below C, above B
    engine.recompute_units(world["q1"], [world["a"].pk])
    after = PeriodScore.objects.get(period=world["q1"], unit=world["b"], branch=None)
    assert (after.pk, after.rank, after.computed_at) == (before.pk, 3, before.computed_at)


def test_unit_recompute_query_count_does_not_grow_with_the_period(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            engine.recompute_units(world["q1"], [world["a"].pk])
        return len(ctx.captured_queries)

    small = count()
    for n in range(8):
        unit = UnitFactory(category=world["economic"])
        branch = BranchFactory(unit=unit)
        scoring_world.accept(world["q1"], world["items"]["I1"], unit, branch, score=n)
    engine.recompute_period(world["q1"], cascade=False)
    # The new units rank above and below A: more rows may move, still one UPDATE batch.
    assert count() <= small + 1


def test_veto_reviewed_in_one_quarter_caps_the_unit_in_every_period(year):  # noqa: F811
    from tests.assessment.scoring_world import K, accept, make_item

    engine.recompute_plan(year["plan"])
    veto = make_item(year["q2"].system, None, "V", K.VETO, max_score=1)
    sub = accept(year["q2"], veto, year["unit"], year["branch"], score=1)
    engine.recompute_for_submission(sub.pk)
    vetoed = dict(
        PeriodScore.objects.filter(unit=year["unit"], branch=None).values_list(
            "period__kind", "vetoed"
        )
    )
    assert vetoed == {"q1": True, "q2": True, "h1": True, "annual": True}


def test_parts_keep_labels_with_tabs_backslashes_and_newlines(world):
    odd = "组织\t建设\\新\n时代"
    dimension = world["items"]["D1"]
    type(dimension).objects.filter(pk=dimension.pk).update(name=odd)
    engine.recompute_period(world["q1"], cascade=False)
    row = PeriodScore.objects.get(period=world["q1"], unit=world["a"], branch=None)
    assert row.parts["dimension"][0][:2] == ["D1", odd]
