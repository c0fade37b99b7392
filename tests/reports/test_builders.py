from decimal import Decimal

from assessment.scoring import engine as scoring_engine
from assessment.selectors import scores as engine
from reports import builders
from tests.assessment import scoring_world


def test_unit_total_is_the_engines_total(scored):
    card = builders.build_scorecard(scored["period"], scored["unit_a"])
    assert card.total == Decimal("510.00")
    assert card.max_total == Decimal("600.00")
    assert card.grade == "良好"


def test_ranks_over_all_units_and_within_category(scored):
    cards = builders.build_scorecards(scored["period"])
    a, b = cards[scored["unit_a"].pk], cards[scored["unit_b"].pk]
    assert (a.rank, a.category_rank, a.unit_count) == (1, 1, 2)
    assert (b.rank, b.category_rank, b.total) == (2, 1, Decimal("420.00"))


def test_six_standards_and_four_goals_add_up_to_the_total(scored):
    card = builders.build_scorecard(scored["period"], scored["unit_a"])
    assert [p.score for p in card.by_standard] == [Decimal("85.00")] * 6
    assert sum(p.score for p in card.by_goal) == card.total
    assert {p.label: p.score for p in card.by_goal}["讲政治"] == Decimal("170.00")


def test_scorecards_match_the_engines_ranking(scored):
    period = scored["period"]
    expected = {r.unit_id: r for r in engine.period_ranking(period)}
    cards = builders.build_scorecards(period)
    assert set(expected) == {scored["unit_a"].pk, scored["unit_b"].pk}
    for unit_id, row in expected.items():
        card = cards[unit_id]
        assert (card.total, card.rank, card.category_rank, card.grade) == (
            row.total,
            row.rank,
            row.category_rank,
            row.grade_label,
        )


def test_a_period_the_engine_has_not_scored_has_no_scores_yet(submitted):
    cards = builders.build_scorecards(submitted["period"])
    card = cards[submitted["unit_a"].pk]
    assert (card.scored, card.total, card.rank, card.category_rank, card.grade) == (
        False,
        Decimal("0.00"),
        None,
        None,
        "未评分",
    )
    assert (card.unit_count, card.category_count) == (0, 0)
    assert [t.total for t in card.trend] == [None]
    # both branches' accepted evidence is still summarised per item
    assert [(i.points, i.submitted, i.asked) for i in card.indicators] == [
        (Decimal("85.00"), 2, 2)
    ] * 6
    bulletin = builders.build_bulletin(submitted["period"])
    assert [(r.rank, r.grade) for r in bulletin.rows] == [(None, "未评分"), (None, "未评分")]


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
    scoring_engine.recompute_period(scored["period"])
    with CaptureQueriesContext(connection) as after:
        cards = builders.build_scorecards(scored["period"])
    assert len(cards) == 5
    assert [c.rank for c in cards.values()].count(None) == 0
    # 18: the ledger (problems by unit, measures by unit), satisfaction (weights, categories)
    assert len(after) == len(before) <= 18


def test_rectification_rate_is_verified_over_due(scored):
    # Due: the verified problem and the overdue one; the answered one is not due yet.
    summary = builders.rectification_by_unit(scored["period"].plan_id)[scored["unit_b"].pk]
    assert (summary.issued, summary.verified, summary.overdue) == (3, 1, 1)
    assert summary.rate == Decimal("50.0")


def test_feedback_sheet_lists_returns_with_their_reason(scored):
    sheet = builders.build_feedback_sheet(scored["period"], scored["a1"])
    assert len(sheet.items) == 6
    assert sheet.reviewer_total == Decimal("54.00")
    assert [r.reason for r in sheet.returns] == ["佐证材料缺少会议记录"]


def test_bulletin_orders_units_by_rank(scored):
    bulletin = builders.build_bulletin(scored["period"])
    assert [(r.rank, r.unit.name, r.total, r.grade) for r in bulletin.rows] == [
        (1, "省甲厅", Decimal("510.00"), "良好"),
        (2, "省乙局", Decimal("420.00"), "一般"),
    ]
    assert [n.unit for n in bulletin.negative_list] == ["省乙局"]


def test_bulletin_shows_the_engines_shared_rank_and_veto(world):
    w = scoring_world.build(existing=world)
    scoring_engine.recompute_plan(w["plan"])
    bulletin = builders.build_bulletin(w["q1"])
    assert [(r.rank, r.unit.name, r.total, r.grade, r.vetoed) for r in bulletin.rows] == [
        (1, "省丙委", Decimal("80.50"), "一般", True),
        (1, "省甲厅", Decimal("80.50"), "良好", False),
        (3, "省乙局", Decimal("63.00"), "一般", False),
    ]


def test_scorecard_shows_the_engines_negative_list_deduction_on_the_annual_period(scored, plan):
    from assessment.models import Period
    from tests.factories import PeriodFactory

    annual = PeriodFactory(plan=plan, kind=Period.Kind.ANNUAL)
    Period.objects.filter(pk=annual.pk).update(status=Period.Status.CLOSED)
    scoring_engine.recompute_plan(plan)
    row = engine.unit_score(annual, scored["unit_b"])
    card = builders.build_scorecard(annual, scored["unit_b"])
    assert row.deduction == Decimal("2.00")
    assert (card.deductions, card.total, card.rank) == (row.deduction, row.total, row.rank)


def test_cycle_evaluation_is_the_engines_three_year_result(three_years):
    evaluation = builders.build_cycle_evaluation(three_years["period"])
    assert evaluation.years == [(2030, "对标年"), (2031, "突破年"), (2032, "问效年")]
    assert [
        (r.rank, r.unit.name, [y.total for y in r.years], r.average, r.recommended, r.reason)
        for r in evaluation.rows
    ] == [
        (1, "省乙局", [Decimal("100.00")] * 3, Decimal("100.00"), False, "存在一票否决事项"),
        (2, "省甲厅", [Decimal("90.00")] * 3, Decimal("90.00"), True, ""),
    ]
    assert evaluation.rows[0].vetoed is True
    assert [r.unit.name for r in evaluation.selection] == ["省甲厅"]
    assert "80.00" in evaluation.selection_rule


def test_cycle_evaluation_matches_cycle_result(three_years):
    result = engine.cycle_result(three_years["cycle"])
    evaluation = builders.build_cycle_evaluation(three_years["period"])
    assert [(r.unit.id, r.average, r.rank) for r in evaluation.rows] == [
        (r.unit_id, r.mean, r.rank) for r in result.rows
    ]
    assert [r.unit.id for r in evaluation.selection] == [r.unit_id for r in result.candidates]
