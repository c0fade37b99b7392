from decimal import Decimal

import pytest

from reports import builders


def test_unit_total_is_unit_items_plus_mean_of_branches(scored):
    card = builders.build_scorecard(scored["period"], scored["unit_a"])
    assert card.total == Decimal("51.00")
    assert card.max_total == Decimal("60.00")
    assert card.grade == "良好"


def test_ranks_over_all_units_and_within_category(scored):
    cards = builders.build_scorecards(scored["period"])
    a, b = cards[scored["unit_a"].pk], cards[scored["unit_b"].pk]
    assert (a.rank, a.category_rank, a.unit_count) == (1, 1, 2)
    assert (b.rank, b.category_rank, b.total) == (2, 1, Decimal("42.00"))


def test_six_standards_and_four_goals_add_up_to_the_total(scored):
    card = builders.build_scorecard(scored["period"], scored["unit_a"])
    assert [p.score for p in card.by_standard] == [Decimal("8.50")] * 6
    assert sum(p.score for p in card.by_goal) == card.total
    assert {p.label: p.score for p in card.by_goal}["讲政治"] == Decimal("17.00")


def test_ties_share_a_rank():
    assert builders.competition_ranks({"a": 5, "b": 7, "c": 5, "d": 1}) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "d": 4,
    }


def test_scorecards_for_every_unit_take_a_fixed_number_of_queries(scored):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BranchFactory, UnitFactory

    from .conftest import _accept

    with CaptureQueriesContext(connection) as before:
        builders.build_scorecards(scored["period"])
    for _n in range(3):
        branch = BranchFactory(unit=UnitFactory())
        for indicator in scored["items"]:
            _accept(scored["period"], indicator, branch, 6)
    with CaptureQueriesContext(connection) as after:
        cards = builders.build_scorecards(scored["period"])
    assert len(cards) == 5
    assert len(after) == len(before) <= 12


def test_rectification_rate_is_verified_over_issued(scored):
    summary = builders.rectification_by_unit(scored["period"].plan_id)[scored["unit_b"].pk]
    assert (summary.issued, summary.verified, summary.overdue) == (3, 1, 1)
    assert summary.rate == Decimal("33.3")


def test_feedback_sheet_lists_returns_with_their_reason(scored):
    sheet = builders.build_feedback_sheet(scored["period"], scored["a1"])
    assert len(sheet.items) == 6
    assert sheet.reviewer_total == Decimal("54.00")
    assert [r.reason for r in sheet.returns] == ["佐证材料缺少会议记录"]


def test_bulletin_orders_units_by_rank(scored):
    bulletin = builders.build_bulletin(scored["period"])
    assert [(r.rank, r.unit.name, r.total) for r in bulletin.rows] == [
        (1, "省甲厅", Decimal("51.00")),
        (2, "省乙局", Decimal("42.00")),
    ]
    assert [n.unit for n in bulletin.negative_list] == ["省乙局"]


def test_negative_list_deducts_on_the_annual_period_only(scored, plan):
    from assessment.models import Period, Submission
    from tests.factories import PeriodFactory

    annual = PeriodFactory(plan=plan, kind=Period.Kind.ANNUAL)
    for sub in Submission.objects.filter(period=scored["period"], branch=scored["b1"]):
        sub.pk = None
        sub.period = annual
        sub.save()
    card = builders.build_scorecard(annual, scored["unit_b"])
    assert card.deductions == Decimal("2")
    assert card.total == Decimal("40.00")


@pytest.mark.parametrize(
    ("rate", "grade"),
    [
        (Decimal("95"), "优秀"),
        (Decimal("85"), "良好"),
        (Decimal("60"), "一般"),
        (Decimal("59.9"), "较差"),
    ],
)
def test_grade_by_score_rate(rate, grade):
    assert builders.grade_for(rate) == grade


def test_cycle_evaluation_recommends_units_above_the_bar(scored):
    evaluation = builders.build_cycle_evaluation(scored["period"])
    assert [(r.unit.name, r.average) for r in evaluation.rows] == [
        ("省甲厅", Decimal("85.0")),
        ("省乙局", Decimal("70.0")),
    ]
    assert [r.unit.name for r in evaluation.selection] == ["省甲厅"]


def test_scores_come_from_the_engine_once_it_has_scored_the_period(scored, tmp_path):
    scoring = pytest.importorskip("assessment.services.scoring")
    engine = pytest.importorskip("assessment.selectors.scores")
    period = scored["period"]
    scoring.recompute_period(period)
    expected = {r.unit_id: r for r in engine.period_ranking(period)}
    assert expected, "the engine scored the period"
    cards = builders.build_scorecards(period)
    for unit_id, row in expected.items():
        card = cards[unit_id]
        assert (card.total, card.rank, card.category_rank) == (
            row.total,
            row.rank,
            row.category_rank,
        )
        assert card.grade == (row.grade_label or "未评分")
        assert card.source_note == builders.ENGINE_NOTE
    bulletin = builders.build_bulletin(period)
    assert [r.unit.id for r in bulletin.rows][: len(expected)] == [
        r.unit_id for r in engine.period_ranking(period)
    ]
