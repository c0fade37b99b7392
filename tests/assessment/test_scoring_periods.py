"""Half-year and annual composites, publishing with snapshots and revisions, candidates."""

import datetime as dt
from decimal import Decimal as D

import pytest

from assessment.models import (
    GradingRule,
    NegativeListEntry,
    Period,
    PeriodScore,
    ScoreSnapshot,
    Standard,
    Tier,
)
from assessment.scoring import engine
from assessment.selectors import scores as selectors
from assessment.services import periods as period_service
from feedback.models import Channel, Level
from feedback.services.ratings import RatingInput, record_offline_rating
from tests.assessment import scoring_world
from tests.assessment.scoring_world import K, L, accept, make_item
from tests.factories import (
    AnnualPlanFactory,
    BranchFactory,
    IndicatorSystemFactory,
    PeriodFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
F = scoring_world.Indicator.Frequency


@pytest.fixture
def year():
    """One unit with one branch. Quarterly item Q (branch, 50 points) and half-year item H
    (unit, 50 points). Q1: Q 8/10 → 40 of 50 = 80 %; Q2: Q 10/10 → 100 %; H1: H 6/10 →
    30 of 50 = 60 %. Plan weights 0.5 / 0.4 / 0.1."""
    plan = AnnualPlanFactory(
        year=2025, weight_quarterly=D("0.5"), weight_exam=D("0.4"), weight_satisfaction=D("0.1")
    )
    system = IndicatorSystemFactory(plan=plan)
    dim = make_item(
        system, None, "D", K.DIMENSION, max_score=100, weight=100, standard=Standard.CONDUCT
    )
    q_item = make_item(system, dim, "Q", K.GRADED, max_score=10, weight=50, goal="efficiency")
    h_item = make_item(
        system,
        dim,
        "H",
        K.GRADED,
        max_score=10,
        weight=50,
        level=L.UNIT,
        goal="efficiency",
        frequency=F.HALF_YEAR,
    )
    unit = UnitFactory(name="省丁局", short_name="丁局")
    branch = BranchFactory(unit=unit, name="丁局党支部")
    periods = {}
    for kind, month in (("q1", 1), ("q2", 4), ("h1", 6), ("annual", 11)):
        import datetime as dt

        periods[kind] = PeriodFactory(
            plan=plan,
            kind=kind,
            system=system,
            opens_on=dt.date(2025, month, 1),
            deadline=dt.date(2025, month + 1, 10),
        )
    Period.objects.filter(pk__in=[p.pk for p in periods.values()]).update(status="closed")
    accept(periods["q1"], q_item, unit, branch, score=8)
    accept(periods["q2"], q_item, unit, branch, score=10)
    accept(periods["h1"], h_item, unit, None, score=6)
    return {"plan": plan, "unit": unit, "branch": branch, **periods}


def unit_score(period, unit):
    return PeriodScore.objects.get(period=period, unit=unit, branch__isnull=True)


def test_quarter_rates(year):
    engine.recompute_plan(year["plan"])
    assert unit_score(year["q1"], year["unit"]).net_rate == D("80")
    assert unit_score(year["q2"], year["unit"]).net_rate == D("100")


def test_half_year_redistributes_a_missing_satisfaction(year):
    engine.recompute_plan(year["plan"])
    h1 = unit_score(year["h1"], year["unit"])
    # (90 × 0.5 + 60 × 0.4) ÷ 0.9 × 1.0 = 76.67
    assert (h1.quarter_mean, h1.exam, h1.satisfaction) == (D("90"), D("60"), None)
    assert h1.total == D("76.67")
    assert h1.max_points == D("100")


def test_half_year_counts_missing_satisfaction_as_zero_when_the_plan_says_so(year):
    rule = engine.grading_rule(year["plan"])
    rule.missing_satisfaction = GradingRule.MissingSatisfaction.ZERO
    rule.save()
    engine.recompute_plan(year["plan"])
    assert unit_score(year["h1"], year["unit"]).total == D("69.00")  # 45 + 24 + 0


def _ratings(unit, count, *, by, level=Level.SATISFIED, on=dt.date(2025, 3, 1)):
    for _n in range(count):
        record_offline_rating(
            RatingInput(unit=unit, level=level, received_on=on, channel=Channel.LETTER), user=by
        )


def test_half_year_uses_satisfaction(year, committee, settings):
    settings.FEEDBACK_MIN_SAMPLE = 5
    settings.FEEDBACK_SHRINKAGE_PRIOR = 0
    _ratings(year["unit"], 5, by=committee)  # 满意 = 80
    engine.recompute_plan(year["plan"])
    h1 = unit_score(year["h1"], year["unit"])
    assert (h1.satisfaction, h1.satisfaction_sample, h1.total) == (D("80"), 5, D("77.00"))


def test_half_year_treats_a_satisfaction_below_the_minimum_sample_as_missing(
    year, committee, settings
):
    settings.FEEDBACK_MIN_SAMPLE = 5
    settings.FEEDBACK_SHRINKAGE_PRIOR = 0
    _ratings(year["unit"], 4, by=committee)
    engine.recompute_plan(year["plan"])
    h1 = unit_score(year["h1"], year["unit"])
    # (0.5 × 90 + 0.4 × 60) × 1 ÷ 0.9: the satisfaction weight goes to the other terms.
    assert (h1.satisfaction, h1.satisfaction_sample, h1.total) == (None, 4, D("76.67"))


def test_annual_subtracts_the_negative_list(year, committee):
    NegativeListEntry.objects.create(
        plan=year["plan"],
        unit=year["unit"],
        reason="台账造假",
        effect="deduction",
        points=D("5"),
        created_by=committee,
    )
    engine.recompute_plan(year["plan"])
    annual = unit_score(year["annual"], year["unit"])
    # No annual items (exam missing) and no satisfaction: the quarterly mean carries it all.
    assert (annual.base, annual.deduction, annual.total) == (D("90"), D("5"), D("85"))


def test_satisfaction_falls_back_when_the_feedback_app_has_no_figure(year):
    figures = engine.load_satisfaction(year["h1"], [year["unit"].pk])
    assert figures.get(year["unit"].pk, (None, 0))[0] is None


def test_composite_explanation_adds_up(year):
    engine.recompute_plan(year["plan"])
    exp = selectors.unit_score_explanation(year["h1"], year["unit"])
    assert exp.composite
    assert exp.computed_total == D("76.67")
    assert exp.adds_up


def test_trend_lists_the_plan_periods_in_order(year):
    engine.recompute_plan(year["plan"])
    trend = selectors.unit_trend(year["plan"], year["unit"])
    assert [(p.kind, p.total) for p in trend] == [
        ("q1", D("40")),
        ("q2", D("50")),
        ("h1", D("76.67")),
        ("annual", D("90")),
    ]


# --- publishing ----------------------------------------------------------------------------


@pytest.fixture
def closed_q1(committee):
    w = scoring_world.build()
    engine.recompute_plan(w["plan"])
    return w


def test_publishing_freezes_revision_one(closed_q1, committee):
    snap = period_service.publish_period(closed_q1["q1"], by=committee)
    closed_q1["q1"].refresh_from_db()
    assert closed_q1["q1"].status == Period.Status.PUBLISHED
    assert snap.revision == 1
    assert [u["total"] for u in snap.data["units"]] == ["80.50", "80.50", "63.00"]


def test_recompute_after_publishing_leaves_published_figures(closed_q1, committee):
    period_service.publish_period(closed_q1["q1"], by=committee)
    sub = closed_q1["q1"].submissions.get(branch=closed_q1["b1"], indicator__code="I1")
    type(sub).objects.filter(pk=sub.pk).update(reviewer_score=D("0"))
    engine.recompute_plan(closed_q1["plan"])
    assert unit_score(closed_q1["q1"], closed_q1["b"]).total == D("33")  # live: 63 − 30
    assert selectors.unit_score(closed_q1["q1"], closed_q1["b"]).total == D("63")  # published
    exp = selectors.unit_score_explanation(closed_q1["q1"], closed_q1["b"])
    assert exp.notes and "63.00" in exp.notes[-1]


def test_correction_needs_a_reason(closed_q1, committee):
    period_service.publish_period(closed_q1["q1"], by=committee)
    with pytest.raises(period_service.ScoringError):
        period_service.correct_published(closed_q1["q1"], by=committee, reason="  ")
    assert ScoreSnapshot.objects.filter(period=closed_q1["q1"]).count() == 1


def test_correction_creates_revision_two_and_keeps_revision_one(closed_q1, committee):
    period_service.publish_period(closed_q1["q1"], by=committee)
    sub = closed_q1["q1"].submissions.get(branch=closed_q1["b1"], indicator__code="I1")
    type(sub).objects.filter(pk=sub.pk).update(reviewer_score=D("0"))
    snap = period_service.correct_published(
        closed_q1["q1"], by=committee, reason="乙局材料复核更正"
    )
    assert (snap.revision, snap.reason) == (2, "乙局材料复核更正")
    assert selectors.unit_score(closed_q1["q1"], closed_q1["b"]).total == D("33")
    assert selectors.unit_score(closed_q1["q1"], closed_q1["b"], revision=1).total == D("63")
    assert [r.revision for r in selectors.revisions(closed_q1["q1"])] == [2, 1]


def test_publishing_twice_is_refused(closed_q1, committee):
    period_service.publish_period(closed_q1["q1"], by=committee)
    with pytest.raises(period_service.ScoringError):
        period_service.publish_period(closed_q1["q1"], by=committee)


def test_publishing_an_open_period_is_refused(committee):
    w = scoring_world.build()
    period_service.reopen_period(w["q1"], by=committee, reason="补交材料")
    with pytest.raises(period_service.ScoringError):
        period_service.publish_period(w["q1"], by=committee)


# --- candidates ----------------------------------------------------------------------------


def test_red_flag_candidates_are_advanced_every_quarter(committee):
    w = scoring_world.build()
    engine.recompute_plan(w["plan"])
    names = [f.row.branch_name for f in selectors.red_flag_candidates(w["plan"])]
    assert names == ["乙局第一党支部", "甲厅第一党支部"]


def test_red_flag_excludes_branches_with_returned_items(committee):
    w = scoring_world.build()
    sub = w["q1"].submissions.get(branch=w["a1"], indicator__code="B1")
    type(sub).objects.filter(pk=sub.pk).update(status="returned")
    engine.recompute_plan(w["plan"])
    # a1 without its bonus: 72 of 80 = 90 %, still 先进 — but an item is waiting.
    assert PeriodScore.objects.get(period=w["q1"], branch=w["a1"]).tier == Tier.ADVANCED
    names = [f.row.branch_name for f in selectors.red_flag_candidates(w["plan"])]
    assert names == ["乙局第一党支部"]


def test_cycle_result_excludes_vetoed_units_and_needs_three_years(committee):
    import datetime as dt

    from tests.factories import CycleFactory

    cycle = CycleFactory(start_year=2030)
    unit_ok = UnitFactory(name="省戊厅", short_name="戊厅")
    unit_veto = UnitFactory(name="省己厅", short_name="己厅")
    for offset in range(3):
        plan = AnnualPlanFactory(
            year=2030 + offset,
            cycle=cycle,
            weight_quarterly=D("1"),
            weight_exam=D("0"),
            weight_satisfaction=D("0"),
        )
        system = IndicatorSystemFactory(plan=plan)
        dim = make_item(
            system, None, "D", K.DIMENSION, max_score=100, weight=100, standard=Standard.BELIEF
        )
        item = make_item(system, dim, "U", K.GRADED, max_score=10, weight=100, level=L.UNIT)
        veto = make_item(system, dim, "V", K.VETO, level=L.UNIT, position=1)
        q1 = PeriodFactory(plan=plan, kind="q1", system=system)
        PeriodFactory(
            plan=plan,
            kind="annual",
            system=system,
            opens_on=dt.date(plan.year, 11, 1),
            deadline=dt.date(plan.year, 12, 20),
        )
        accept(q1, item, unit_ok, score=9)
        accept(q1, item, unit_veto, score=10)
        if offset == 1:
            accept(q1, veto, unit_veto, value=1, score=0)
        plan.periods.update(status="closed")
        engine.recompute_plan(plan)
    result = selectors.cycle_result(cycle)
    rows = {r.unit_name: r for r in result.rows}
    assert rows["省己厅"].mean == D("100") and rows["省己厅"].rank == 1
    assert rows["省己厅"].candidate is False and rows["省己厅"].vetoed is True
    assert rows["省戊厅"].mean == D("90") and rows["省戊厅"].rank == 2
    assert [r.unit_name for r in result.candidates] == ["省戊厅"]


def test_cycle_result_runs_up_to_the_latest_published_annual_exam(committee):
    """Before the cycle's last annual exam the candidate list is provisional: it counts the
    years whose annual exam is published (issue 18: the list was empty until year three)."""
    import datetime as dt

    from tests.factories import CycleFactory

    cycle = CycleFactory(start_year=2030)
    unit_ok = UnitFactory(name="省戊厅", short_name="戊厅")
    unit_low = UnitFactory(name="省己厅", short_name="己厅")
    annuals = []
    for offset in range(3):
        plan = AnnualPlanFactory(
            year=2030 + offset,
            cycle=cycle,
            weight_quarterly=D("1"),
            weight_exam=D("0"),
            weight_satisfaction=D("0"),
        )
        system = IndicatorSystemFactory(plan=plan)
        dim = make_item(
            system, None, "D", K.DIMENSION, max_score=100, weight=100, standard=Standard.BELIEF
        )
        item = make_item(system, dim, "U", K.GRADED, max_score=10, weight=100, level=L.UNIT)
        q1 = PeriodFactory(plan=plan, kind="q1", system=system)
        annuals.append(
            PeriodFactory(
                plan=plan,
                kind="annual",
                system=system,
                opens_on=dt.date(plan.year, 11, 1),
                deadline=dt.date(plan.year, 12, 20),
            )
        )
        accept(q1, item, unit_ok, score=9)
        accept(q1, item, unit_low, score=7)
        status = {0: "published", 1: "published", 2: "open"}[offset]
        plan.periods.update(status=status)
        engine.recompute_plan(plan)
    result = selectors.cycle_result(cycle)
    assert result.as_of == annuals[1] and result.final is False
    assert result.choices == annuals[:2]
    rows = {r.unit_name: r for r in result.rows}
    ok_years = [(2030, D("90.00"), "优秀"), (2031, D("90.00"), "优秀"), (2032, None, "")]
    assert rows["省戊厅"].years == ok_years
    assert rows["省戊厅"].mean == D("90.00") and rows["省戊厅"].candidate is True
    assert rows["省己厅"].mean == D("70.00")
    assert rows["省己厅"].reason == "已完成年度平均分低于 80.00"
    assert [r.unit_name for r in result.candidates] == ["省戊厅"]
    # asked for the earlier exam, the result stops there
    earlier = selectors.cycle_result(cycle, as_of=annuals[0])
    assert earlier.as_of == annuals[0]
    means = {r.unit_name: r.mean for r in earlier.rows}
    assert means == {"省戊厅": D("90.00"), "省己厅": D("70.00")}
