"""Score selectors as the pages read them: unit totals for trends, published rows narrowed by
category, part and grade labels, scored periods."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from assessment.models import Period, Submission
from assessment.scoring import engine
from assessment.selectors import scores as selectors
from assessment.services import periods as period_service
from tests.assessment import scoring_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = scoring_world.build()
    engine.recompute_plan(w["plan"])
    return w


def _lower_b_live(world):
    """Take b1's I1 (30 points) away from the live scores: 乙局 63 → 33."""
    Submission.objects.filter(branch=world["b1"], indicator__code="I1").update(
        reviewer_score=D("0")
    )
    engine.recompute_plan(world["plan"])


def _totals(world, **kwargs):
    figures = selectors.unit_totals([world["q1"]], **kwargs)[world["q1"].pk]
    return {t.unit_id: (t.category_name, t.total, t.rate) for t in figures}


def test_unit_totals_are_the_live_totals(world):
    # Units have 100 points at most: the rate is the total.
    assert _totals(world) == {
        world["a"].pk: ("经济调节类", D("80.50"), D("80.50")),
        world["b"].pk: ("窗口服务类", D("63.00"), D("63.00")),
        world["c"].pk: ("经济调节类", D("80.50"), D("80.50")),
    }


def test_unit_totals_narrow_to_the_units_asked(world):
    assert list(_totals(world, unit_ids=[world["b"].pk])) == [world["b"].pk]


def test_unit_totals_of_a_published_period_are_the_frozen_ones(world, committee):
    period_service.publish_period(world["q1"], by=committee)
    _lower_b_live(world)
    assert _totals(world)[world["b"].pk][1] == D("63.00")


def test_published_ranking_narrows_by_category_on_the_frozen_rows(world, committee):
    period_service.publish_period(world["q1"], by=committee)
    _lower_b_live(world)
    rows = selectors.period_ranking(world["q1"], category=world["service"])
    assert [(r.unit_short_name, r.total) for r in rows] == [("乙局", D("63.00"))]


def test_published_ranking_narrows_by_group(world, committee):
    period_service.publish_period(world["q1"], by=committee)
    rows = selectors.period_ranking(world["q1"], group=world["group"].pk)
    assert [r.unit_short_name for r in rows] == ["丙委", "甲厅"]


def test_source_of_a_published_period_names_its_revision(world, committee):
    period_service.publish_period(world["q1"], by=committee)
    source = selectors.source_of(world["q1"])
    assert (source.published, source.revision) == (True, 1)


def test_part_and_grade_labels_follow_the_active_language(world):
    with translation.override("en"):
        row = selectors.unit_score(world["q1"], world["a"])
        english = ([p.label for p in row.standards], row.grade_label)
    row = selectors.unit_score(world["q1"], world["a"])
    chinese = ([p.label for p in row.standards], row.grade_label)
    assert english == (["Solid organisation", "Real service"], "Good")
    assert chinese == (["组织夯实", "服务求实"], "良好")


def test_parts_come_in_the_axis_order_with_their_figures(world):
    row = selectors.unit_score(world["q1"], world["a"])
    assert [(p.code, p.points, p.max_points, p.percent) for p in row.standards] == [
        ("organisation", D("43.50"), D("60.00"), D("72.50")),
        ("service", D("35.00"), D("40.00"), D("87.50")),
    ]
    assert [p.code for p in row.goals] == ["politics", "discipline", "responsibility", "efficiency"]
    assert [(p.code, p.label) for p in row.dimensions] == [("D1", "指标D1"), ("D2", "指标D2")]


def test_scored_periods_are_those_with_scores_or_a_snapshot(world, committee):
    assert [p.pk for p in selectors.scored_periods()] == [world["q1"].pk]
    assert selectors.default_period().pk == world["q1"].pk
    period_service.publish_period(world["q1"], by=committee)
    assert selectors.default_period().status == Period.Status.PUBLISHED
