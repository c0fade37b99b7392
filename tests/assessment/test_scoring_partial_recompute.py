"""For every period kind, what one review recomputes (its unit, as far as its reach goes)
leaves exactly the rows a full recompute of the plan writes, column by column."""

import datetime as dt
from decimal import Decimal as D

import pytest

from assessment.models import (
    GradingRule,
    Indicator,
    NegativeListEntry,
    Period,
    PeriodScore,
    Standard,
    Submission,
)
from assessment.scoring import engine
from feedback.models import Channel, Level
from feedback.services.ratings import RatingInput, record_offline_rating
from tests.assessment.scoring_world import K, L, accept, make_item
from tests.factories import (
    AnnualPlanFactory,
    BranchFactory,
    IndicatorSystemFactory,
    PeriodFactory,
    UnitCategoryFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
F = Indicator.Frequency
COLUMNS = [
    f.attname for f in PeriodScore._meta.concrete_fields if f.attname not in ("id", "computed_at")
]
KINDS = ("q1", "q2", "q3", "q4", "h1", "annual")
MONTHS = {"q1": 1, "q2": 4, "h1": 6, "q3": 7, "q4": 10, "annual": 11}


def plan_rows(plan):
    return list(
        PeriodScore.objects.filter(period__plan=plan)
        .order_by("period_id", "unit_id", "branch_id")
        .values_list(*COLUMNS)
    )


@pytest.fixture
def world(committee, settings):
    """Three units in two categories (A two branches, B one, C one); quarterly branch items
    Q1 and Q2 with a bonus, a deduction and a veto item, a half-year unit item H and an
    annual unit item Y; every period closed; satisfaction from real ratings (A sufficient,
    B below the minimum sample); C on the negative list."""
    settings.FEEDBACK_MIN_SAMPLE = 3
    settings.FEEDBACK_SHRINKAGE_PRIOR = 0
    plan = AnnualPlanFactory(year=2025)
    GradingRule.objects.create(plan=plan, excellent_quota=D("40"), bonus_cap=D("3"))
    system = IndicatorSystemFactory(plan=plan)
    dim = make_item(
        system, None, "D", K.DIMENSION, max_score=100, weight=100, standard=Standard.CONDUCT
    )
    items = {
        "Q1": make_item(system, dim, "Q1", K.GRADED, max_score=10, weight=30, goal="efficiency"),
        "Q2": make_item(system, dim, "Q2", K.QUANTITATIVE, max_score=20, weight=30),
        "B": make_item(system, dim, "B", K.BONUS, max_score=2),
        "X": make_item(system, dim, "X", K.DEDUCTION, max_score=5),
        "V": make_item(system, None, "V", K.VETO, max_score=1),
        "H": make_item(
            system, dim, "H", K.GRADED, max_score=10, weight=20, level=L.UNIT, frequency=F.HALF_YEAR
        ),
        "Y": make_item(
            system, dim, "Y", K.GRADED, max_score=10, weight=20, level=L.UNIT, frequency=F.ANNUAL
        ),
    }
    economic, service = UnitCategoryFactory(), UnitCategoryFactory()
    units = {
        "a": UnitFactory(category=economic),
        "b": UnitFactory(category=economic),
        "c": UnitFactory(category=service),
    }
    branches = {
        "a1": BranchFactory(unit=units["a"], member_count=10),
        "a2": BranchFactory(unit=units["a"], member_count=30),
        "b1": BranchFactory(unit=units["b"]),
        "c1": BranchFactory(unit=units["c"]),
    }
    periods = {
        kind: PeriodFactory(
            plan=plan,
            kind=kind,
            system=system,
            opens_on=dt.date(2025, MONTHS[kind], 1),
            deadline=dt.date(2025, MONTHS[kind] + 1, 10),
        )
        for kind in KINDS
    }
    Period.objects.filter(plan=plan).update(status=Period.Status.CLOSED)
    for n, kind in enumerate(("q1", "q2", "q3", "q4")):
        for m, (name, branch) in enumerate(branches.items()):
            unit = branch.unit
            accept(periods[kind], items["Q1"], unit, branch, score=(n + m) % 11)
            accept(periods[kind], items["Q2"], unit, branch, score=10 + m)
            if m % 2:
                accept(periods[kind], items["B"], unit, branch, score=2)
            if name == "c1":
                accept(periods[kind], items["X"], unit, branch, score=-3)
    accept(periods["h1"], items["H"], units["a"], score=7)
    accept(periods["h1"], items["H"], units["c"], score=9)
    accept(periods["annual"], items["Y"], units["a"], score=8)
    NegativeListEntry.objects.create(
        plan=plan,
        unit=units["c"],
        reason="台账造假",
        effect=NegativeListEntry.Effect.DEDUCTION,
        points=D("4"),
        created_by=committee,
    )
    for unit, count, level in ((units["a"], 4, Level.SATISFIED), (units["b"], 2, Level.BASIC)):
        for _n in range(count):
            record_offline_rating(
                RatingInput(
                    unit=unit, level=level, channel=Channel.LETTER, received_on=dt.date(2025, 5, 1)
                ),
                user=committee,
            )
    engine.recompute_plan(plan)
    return {"plan": plan, "items": items, "units": units, "branches": branches, **periods}


def review(submission, score):
    """What the review service stores, then what its scheduled recompute runs."""
    Submission.objects.filter(pk=submission.pk).update(reviewer_score=D(score))
    engine.recompute_for_submission(submission.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_one_review_then_partial_recompute_equals_a_full_recompute(world, kind):
    if kind in ("h1", "annual"):
        code = "H" if kind == "h1" else "Y"
        sub = accept(world[kind], world["items"][code], world["units"]["b"], score=0)
        score = "10"
    else:
        sub = Submission.objects.get(
            period=world[kind], branch=world["branches"]["b1"], indicator=world["items"]["Q1"]
        )
        score = "10"
    review(sub, score)
    partial = plan_rows(world["plan"])
    engine.recompute_plan(world["plan"])
    assert partial == plan_rows(world["plan"])


def test_the_first_accepted_annual_item_starts_the_exam_for_every_unit(world):
    Submission.objects.filter(period=world["annual"]).delete()
    engine.recompute_plan(world["plan"])
    sub = accept(world["annual"], world["items"]["Y"], world["units"]["b"], score=0)
    review(sub, "6")
    partial = plan_rows(world["plan"])
    engine.recompute_plan(world["plan"])
    assert partial == plan_rows(world["plan"])
    exams = dict(
        PeriodScore.objects.filter(period=world["annual"], branch=None).values_list(
            "unit_id", "exam"
        )
    )
    assert exams == {
        world["units"]["a"].pk: D("0.00"),
        world["units"]["b"].pk: D("60.00"),
        world["units"]["c"].pk: D("0.00"),
    }


def test_a_veto_review_equals_a_full_recompute(world):
    sub = accept(
        world["q3"], world["items"]["V"], world["units"]["a"], world["branches"]["a2"], score=0
    )
    review(sub, "1")
    partial = plan_rows(world["plan"])
    engine.recompute_plan(world["plan"])
    assert partial == plan_rows(world["plan"])
    assert set(
        PeriodScore.objects.filter(unit=world["units"]["a"], branch=None).values_list(
            "vetoed", flat=True
        )
    ) == {True}


def test_satisfaction_below_the_minimum_sample_is_missing_in_the_totals(world):
    rows = {
        unit: PeriodScore.objects.get(period=world["h1"], unit=world["units"][unit], branch=None)
        for unit in ("a", "b")
    }
    # A: four ratings of 满意 (80); B: two of 基本满意, below the sample of three.
    assert (rows["a"].satisfaction, rows["a"].satisfaction_sample) == (D("80.00"), 4)
    assert (rows["b"].satisfaction, rows["b"].satisfaction_sample) == (None, 2)


def test_pages_and_reports_show_a_small_sample_as_too_small(world, client, committee):
    from django.urls import reverse

    from reports import builders

    client.force_login(committee)
    page = client.get(reverse("score_ranking", args=[world["h1"].pk])).content.decode()
    rows = {
        r.unit_id: r
        for r in client.get(reverse("score_ranking", args=[world["h1"].pk])).context["rows"]
    }
    assert "样本不足" in page
    assert rows[world["units"]["a"].pk].satisfaction_shown == D("80.00")
    assert rows[world["units"]["b"].pk].satisfaction_shown == "样本不足"
    figures = builders.satisfaction_by_unit(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert figures[world["units"]["b"].pk].shown == "样本不足"
    assert figures[world["units"]["a"].pk].shown == D("80.0")
