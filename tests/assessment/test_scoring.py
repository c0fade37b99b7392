"""The scoring engine against a plan worked out by hand (see scoring_world.py)."""

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AnnualPlan, Grade, GradingRule, Period, PeriodScore, Tier
from assessment.scoring import engine, schedule
from assessment.selectors import scores as selectors
from assessment.services import periods as period_service
from tests.assessment import scoring_world
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = scoring_world.build()
    engine.recompute_plan(w["plan"])
    return w


def unit_row(w, key):
    return PeriodScore.objects.get(period=w["q1"], unit=w[key], branch__isnull=True)


def branch_row(w, key):
    return PeriodScore.objects.get(period=w["q1"], branch=w[key])


def test_branch_total_is_dimensions_after_deductions_plus_bonus(world):
    a1 = branch_row(world, "a1")
    assert (a1.base, a1.deduction, a1.bonus, a1.total) == (D("74"), D("2"), D("3"), D("75"))
    assert a1.max_points == D("80")


def test_branch_without_deductions(world):
    a2 = branch_row(world, "a2")
    assert (a2.base, a2.deduction, a2.bonus, a2.total) == (D("43"), D("0"), D("3"), D("46"))


def test_unit_is_mean_of_branches_plus_unit_items(world):
    a = unit_row(world, "a")
    assert a.total == D("80.50")
    assert a.max_points == D("100")
    assert a.bonus == D("3")
    assert a.deduction == D("1")  # half of a1's 2 points
    assert a.base - a.deduction + a.bonus == a.total


def test_unit_member_weighted_when_the_plan_says_so():
    w = scoring_world.build(aggregation=AnnualPlan.Aggregation.MEMBERS)
    engine.recompute_plan(w["plan"])
    assert unit_row(w, "a").total == D("73.25")


def test_deduction_floor_keeps_the_dimension_at_zero(world):
    b = unit_row(world, "b")
    assert b.total == D("63")
    assert b.deduction == D("40")  # 45 asked, 40 applied: the dimension stops at 0
    service = next(p for p in b.parts["dimension"] if p[0] == "D2")
    assert D(service[2]) == D("0")


def test_tie_shares_the_rank(world):
    ranks = {key: unit_row(world, key).rank for key in ("a", "b", "c")}
    assert ranks == {"a": 1, "c": 1, "b": 3}


def test_category_and_group_ranks(world):
    assert unit_row(world, "b").category_rank == 1
    assert unit_row(world, "c").category_rank == 1
    assert unit_row(world, "a").group_rank == 1
    assert unit_row(world, "b").group_rank is None


def test_veto_caps_the_grade_at_fair(world):
    c = unit_row(world, "c")
    assert c.vetoed is True
    assert c.grade == Grade.FAIR
    assert unit_row(world, "a").grade == Grade.GOOD
    assert unit_row(world, "b").grade == Grade.FAIR


def test_negative_list_veto_counts_for_the_year(world, committee):
    from assessment.models import NegativeListEntry

    NegativeListEntry.objects.create(
        plan=world["plan"], unit=world["a"], reason="严重违纪", effect="veto", created_by=committee
    )
    engine.recompute_plan(world["plan"])
    a = unit_row(world, "a")
    assert (a.vetoed, a.grade) == (True, Grade.FAIR)


def test_excellent_quota_keeps_only_the_top_share(world):
    rule = engine.grading_rule(world["plan"])
    rule.excellent_min = D("80")
    rule.excellent_quota = D("50")  # 3 ranked units → 1 place; A and C share rank 1
    rule.save()
    engine.recompute_plan(world["plan"])
    assert unit_row(world, "a").grade == Grade.EXCELLENT
    rule.excellent_quota = D("30")  # 0 places
    rule.save()
    engine.recompute_plan(world["plan"])
    assert unit_row(world, "a").grade == Grade.GOOD


def test_bonus_is_capped(world):
    rule = engine.grading_rule(world["plan"])
    rule.bonus_cap = D("2")
    rule.save()
    engine.recompute_plan(world["plan"])
    assert branch_row(world, "a1").total == D("74")
    assert unit_row(world, "a").total == D("79.50")


def test_branch_tiers_by_thresholds(world):
    tiers = {k: branch_row(world, k).tier for k in ("a1", "a2", "b1", "c1")}
    assert tiers == {
        "a1": Tier.ADVANCED,
        "a2": Tier.LAGGING,
        "b1": Tier.ADVANCED,
        "c1": Tier.MIDDLE,
    }


def test_branch_tiers_by_thirds(world):
    rule = engine.grading_rule(world["plan"])
    rule.tier_method = GradingRule.TierMethod.THIRDS
    rule.save()
    engine.recompute_plan(world["plan"])
    tiers = {k: branch_row(world, k).tier for k in ("a1", "a2", "b1", "c1")}
    # 4 branches: ⌊4/3⌋ = 1 at each end.
    assert tiers == {
        "a1": Tier.MIDDLE,
        "a2": Tier.LAGGING,
        "b1": Tier.ADVANCED,
        "c1": Tier.MIDDLE,
    }


def test_branch_ranks_overall_and_within_unit(world):
    assert [branch_row(world, k).rank for k in ("b1", "a1", "c1", "a2")] == [1, 2, 3, 4]
    assert (branch_row(world, "a1").unit_rank, branch_row(world, "a2").unit_rank) == (1, 2)


def test_parts_per_standard_and_goal(world):
    a = unit_row(world, "a")
    parts = {
        (axis, code): (D(points), D(max_points))
        for axis, entries in a.parts.items()
        for code, _label, points, max_points in entries
    }
    # Standards are gross of deductions: D1 items (24+30 + 18+15)/2 = 43.5; D2 (20+10)/2 + 20.
    assert parts[("standard", "organisation")] == (D("43.50"), D("60"))
    assert parts[("standard", "service")] == (D("35"), D("40"))
    assert parts[("goal", "politics")] == (D("20"), D("20"))
    assert parts[("dimension", "D1")] == (D("42.50"), D("60"))


def test_parts_are_written_as_the_json_encoder_writes_them(world):
    inputs = engine.load(world["q1"])
    rows = engine.compute(inputs)
    assert len(rows) == 7  # 3 units, 4 branches
    for row in rows:
        assert engine.to_json(json.loads(row.parts)) == row.parts
    unit_a = next(r for r in rows if r.unit_id == world["a"].pk and r.branch_id is None)
    assert json.loads(unit_a.parts)["dimension"][0] == ["D1", "指标D1", "42.50", "60.00"]


def test_only_accepted_submissions_count(world):
    sub = world["q1"].submissions.get(branch=world["b1"], indicator=world["items"]["I1"])
    type(sub).objects.filter(pk=sub.pk).update(status="returned")
    engine.recompute_plan(world["plan"])
    assert branch_row(world, "b1").total == D("53")  # 83 − 30


def test_recompute_is_idempotent(world):
    before = list(
        PeriodScore.objects.order_by("unit_id", "branch_id").values_list(
            "unit_id", "branch_id", "total", "rank", "grade", "tier"
        )
    )
    engine.recompute_plan(world["plan"])
    after = list(
        PeriodScore.objects.order_by("unit_id", "branch_id").values_list(
            "unit_id", "branch_id", "total", "rank", "grade", "tier"
        )
    )
    assert before == after


def test_recompute_query_count_does_not_grow_per_row(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BranchFactory, UnitFactory

    def count():
        with CaptureQueriesContext(connection) as ctx:
            engine.recompute_period(world["q1"], cascade=False)
        return len(ctx.captured_queries)

    small = count()
    for n in range(6):
        unit = UnitFactory(category=world["economic"])
        for m in range(3):
            branch = BranchFactory(unit=unit)
            scoring_world.accept(world["q1"], world["items"]["I1"], unit, branch, score=n + m)
    # 24 more score rows and ~200 more parts: the only extra statement allowed is one more
    # INSERT batch (SQLite caps a statement at 999 parameters); never a query per row.
    assert count() <= small + 1


def test_completeness_counts_expected_submitted_and_on_time(world):
    report = selectors.completeness(world["q1"])
    units = {r.unit_name: r for r in report.units}
    # A: a1 5/5, a2 4/5 (one late), unit items 1/3.
    assert (units["省甲厅"].expected, units["省甲厅"].submitted, units["省甲厅"].on_time) == (
        13,
        10,
        9,
    )
    assert units["省甲厅"].on_time_rate == D("69.2")
    branches = {r.branch_name: r for r in report.branches}
    assert (branches["甲厅第二党支部"].submitted, branches["甲厅第二党支部"].on_time) == (4, 3)
    assert branches["甲厅第二党支部"].reporting_rate == D("80.0")


def test_completeness_is_stored_with_the_scores(world):
    a = unit_row(world, "a")
    assert (a.expected, a.submitted, a.on_time) == (13, 10, 9)


def _figures(report):
    return {
        (r.unit_name, r.branch_name): (r.expected, r.submitted, r.on_time)
        for r in [*report.units, *report.branches]
    }


def test_completeness_of_a_finished_period_is_read_from_its_scores(world, committee):
    assert world["q1"].status == Period.Status.CLOSED
    period_service.reopen_period(world["q1"], by=committee, reason="补报")
    open_figures = _figures(selectors.completeness(world["q1"]))
    period_service.close_period(world["q1"], by=committee)
    with CaptureQueriesContext(connection) as queries:
        report = selectors.completeness(world["q1"])
    assert _figures(report) == open_figures
    assert open_figures[("省甲厅", "")] == (13, 10, 9)
    assert not [q for q in queries if "assessment_submission" in q["sql"]]


def test_completeness_counts_a_branch_added_after_the_close_from_the_submissions(world):
    BranchFactory(unit=world["a"], name="甲厅第三党支部")
    figures = _figures(selectors.completeness(world["q1"]))
    assert figures[("省甲厅", "甲厅第三党支部")] == (5, 0, 0)
    assert figures[("省甲厅", "")] == (18, 10, 9)


def test_explanation_adds_up_to_the_total(world):
    exp = selectors.unit_score_explanation(world["q1"], world["a"])
    assert exp.row.total == D("80.50")
    assert sum(s.points for s in exp.steps) == D("80.50")
    assert exp.adds_up
    assert [s.points for s in exp.steps] == [D("42.50"), D("35.00"), D("3.00")]


def test_explanation_with_floor_and_veto_adds_up(world):
    for key, total in (("b", D("63")), ("c", D("80.50"))):
        exp = selectors.unit_score_explanation(world["q1"], world[key])
        assert exp.computed_total == total
        assert exp.adds_up


def test_explanation_lists_items_with_self_score_gap(world):
    exp = selectors.unit_score_explanation(world["q1"], world["a"])
    line = next(i for i in exp.items if i.code == "I1" and i.branch == "甲厅第一党支部")
    assert (line.self_score, line.reviewer_score, line.gap, line.points) == (
        D("10"),
        D("8"),
        D("-2"),
        D("24"),
    )
    assert line.formula == "8.00 ÷ 10.00 × 30.00"


def test_ranking_selector_matches_the_rows(world):
    rows = selectors.period_ranking(world["q1"])
    assert [(r.unit_short_name, r.rank, r.total) for r in rows] == [
        ("丙委", 1, D("80.50")),
        ("甲厅", 1, D("80.50")),
        ("乙局", 3, D("63.00")),
    ]
    assert [
        r.unit_short_name for r in selectors.period_ranking(world["q1"], category=world["economic"])
    ] == ["丙委", "甲厅"]


def test_recompute_for_submission_updates_its_period(world):
    sub = world["q1"].submissions.get(branch=world["b1"], indicator=world["items"]["I1"])
    type(sub).objects.filter(pk=sub.pk).update(reviewer_score=D("5"))
    engine.recompute_for_submission(sub.pk)
    assert branch_row(world, "b1").total == D("68")  # 83 − 30 + 15


def test_review_accept_recomputes_the_period_after_commit(
    committee, django_capture_on_commit_callbacks
):
    from assessment.services import periods as period_service
    from assessment.services import review

    w = scoring_world.build()
    period_service.reopen_period(w["q1"], by=committee, reason="补审")
    from tests.factories import BranchFactory

    b2 = BranchFactory(unit=w["b"], name="乙局第二党支部")
    sub = scoring_world.accept(
        w["q1"], w["items"]["I1"], w["b"], b2, status="submitted", self_score=10
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review.accept(sub, by=committee, read_version=sub.version, grade="A")
    assert len(callbacks) == 1
    assert PeriodScore.objects.get(period=w["q1"], branch=b2).total == D("30")


def test_reviews_in_one_transaction_enqueue_one_recompute_per_period(
    committee, django_capture_on_commit_callbacks
):
    from django.db import transaction

    w = scoring_world.build()
    subs = w["q1"].submissions.all()[:3]
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            for sub in subs:
                schedule.after_review(sub)
    assert len(callbacks) == 1


def test_recompute_plan_reads_each_indicator_system_once(world):
    """The plan's periods share their system's items (``catalogue_for``'s memo): the items
    are read once per system, not once per period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import Period
    from assessment.selectors.plans import system_for
    from tests.factories import PeriodFactory

    q1 = world["q1"]
    PeriodFactory(plan=q1.plan, kind=Period.Kind.Q2, system=system_for(q1))
    periods = list(Period.objects.filter(plan=q1.plan))
    systems = {system_for(p).pk for p in periods}
    assert (len(periods), len(systems)) == (2, 1)
    with CaptureQueriesContext(connection) as ctx:
        engine.recompute_plan(q1.plan)
    item_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "assessment_indicator"."id"')
        and '"assessment_indicator"."system_id" =' in q["sql"]
    ]
    assert len(item_reads) == len(systems)
