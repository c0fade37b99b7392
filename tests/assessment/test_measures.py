"""系统取数 (measured items), checked reported numbers, value flags and the three-year rule."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from assessment import tasks
from assessment.measures import measure
from assessment.models import (
    Indicator,
    NegativeListEntry,
    Problem,
    Submission,
    SubmissionEvent,
)
from assessment.rules import number_problem, period_dates, unusual
from assessment.scoring.rules import three_year_result
from assessment.selectors.plans import items_for
from assessment.selectors.review import value_flags
from assessment.selectors.submissions import branch_progress
from assessment.services.measures import override_measured, record_measures
from assessment.services.submissions import InvalidNumber, NotEditable, SubmissionError
from feedback.models import Level
from feedback.selectors import satisfaction
from feedback.services import cases
from feedback.services.ratings import RatingInput, submit_public_rating
from feedback.workdays import seed_from_library
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill
from tests.factories import IndicatorFactory
from units.errors import NotAllowed
from units.models import Branch

M = Indicator.Measure
D = Decimal


@pytest.fixture
def rectification_item(dimension):
    return IndicatorFactory(
        parent=dimension,
        code="R1",
        name="督查反馈问题整改完成率",
        kind=Indicator.Kind.QUANTITATIVE,
        requires_number=True,
        requires_text=False,
        number_label="整改完成率（%）",
        number_kind=Indicator.NumberKind.PERCENTAGE,
        measure=M.RECTIFICATION_RATE,
        rule={"type": "ratio", "target": 100},
        max_score=D("10"),
        position=5,
    )


@pytest.fixture
def share_item(dimension):
    return IndicatorFactory(
        parent=dimension,
        code="S1",
        name="党员自学覆盖率",
        kind=Indicator.Kind.QUANTITATIVE,
        requires_number=True,
        requires_text=False,
        number_label="自学覆盖率（%）",
        number_kind=Indicator.NumberKind.PERCENTAGE,
        rule={"type": "ratio", "target": 100},
        max_score=D("10"),
        position=6,
    )


def rectify(period, branch, committee, *, verified):
    """A problem on the ledger falling due at the period's end."""
    start, end = period_dates(period.plan.year, period.kind)
    return Problem.objects.create(
        unit=branch.unit,
        branch=branch,
        source=Problem.Source.REVIEW,
        description="台账不全",
        found_on=start,
        deadline=end,
        status=Problem.Status.VERIFIED if verified else Problem.Status.OPEN,
    )


# --- the rules ----------------------------------------------------------------------------


def test_an_impossible_percentage_and_count_get_a_message_naming_field_and_range():
    assert (
        number_problem(250, label="自学覆盖率（%）", number_kind="percentage")
        == "“自学覆盖率（%）”填写了 250，应为 0 到 100 之间。"
    )
    assert (
        number_problem(-5, label="主题党日次数", number_kind="count", number_max=100)
        == "“主题党日次数”填写了 -5，应为 0 到 100 之间的整数。"
    )
    assert number_problem(D("2.5"), label="走访次数", number_kind="count") == (
        "“走访次数”填写了 2.5，应为 不小于 0 的整数。"
    )
    assert number_problem(100, label="x", number_kind="percentage") == ""
    assert number_problem(7, label="x", number_kind="count", number_max=100) == ""
    assert number_problem(999, label="x", number_kind="") == ""


def test_a_value_far_from_the_median_is_unusual():
    assert unusual(D("250"), [D("80"), D("90"), D("85")]) is True
    assert unusual(D("95"), [D("80"), D("90"), D("85")]) is False
    assert unusual(D("3"), [D("80"), D("90"), D("85")]) is True
    assert unusual(D("250"), [D("80"), D("90")]) is False  # too few to judge


def test_period_dates_cover_the_quarter_half_year_and_year():
    assert period_dates(2026, "q2") == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert period_dates(2026, "q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_dates(2026, "h1") == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert period_dates(2026, "annual") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_the_three_year_result_can_count_improvement():
    # docs/scoring.md: 78, 82, 90 → mean 83.33; with weight 0.5: 83.33 + 0.5 × 12 = 89.33
    assert three_year_result([D("78"), D("82"), D("90")], D("0")) == D("83.33")
    assert three_year_result([D("78"), D("82"), D("90")], D("0.5")) == D("89.33")
    assert three_year_result([None, D("82"), D("90")], D("0.5")) == D("86.00")
    assert three_year_result([None, None, None], D("0.5")) is None


# --- reported numbers are checked in the service, the page, autosave and the API ------------


def test_the_service_refuses_an_impossible_value_and_keeps_the_saved_one(
    period, share_item, branch_a1, secretary
):
    fill(period, branch_a1, share_item, secretary, value=D("80"))
    with pytest.raises(InvalidNumber, match="“自学覆盖率（%）”填写了 250，应为 0 到 100 之间。"):
        fill(period, branch_a1, share_item, secretary, value=D("250"))
    saved = Submission.objects.get(period=period, indicator=share_item, branch=branch_a1)
    assert saved.value == D("80.00")


def test_autosave_and_the_page_show_the_message(client, period, share_item, branch_a1, secretary):
    client.force_login(secretary)
    args = [period.pk, branch_a1.pk, share_item.pk]
    response = client.post(
        reverse("quarter_autosave", args=args), {"version": 0, "value": "250", "narrative": ""}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["value"] == [
        "“自学覆盖率（%）”填写了 250，应为 0 到 100 之间。"
    ]
    page = client.post(
        reverse("quarter_item", args=args), {"version": 0, "value": "250", "narrative": ""}
    )
    assert "“自学覆盖率（%）”填写了 250，应为 0 到 100 之间。" in page.content.decode()
    assert not Submission.objects.filter(indicator=share_item).exists()


def test_the_api_refuses_an_impossible_value_on_the_field(
    client, period, share_item, branch_a1, secretary
):
    client.force_login(secretary)
    response = client.post(
        "/api/v1/submissions/",
        {
            "period": period.pk,
            "branch": branch_a1.pk,
            "indicator": share_item.pk,
            "version": 0,
            "value": "250",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "应为 0 到 100 之间" in str(response.json())


# --- measured items -----------------------------------------------------------------------


def test_a_measured_item_is_not_asked_and_cannot_be_filled(
    period, rectification_item, quantitative, branch_a1, secretary, unit_a
):
    codes = list(items_for(period, category=unit_a.category).values_list("code", flat=True))
    assert "R1" not in codes and "B2" in codes
    assert rectification_item.asks_reporter is False and quantitative.asks_reporter is True
    with pytest.raises(NotEditable, match="系统自动取数"):
        fill(period, branch_a1, rectification_item, secretary, value=D("100"))


def test_recording_writes_submitted_values_once_and_keeps_an_override(
    period, rectification_item, world, committee
):
    branch_a1, branch_a2 = world["a1"], world["a2"]
    rectify(period, branch_a1, committee, verified=True)
    open_notice = rectify(period, branch_a1, committee, verified=False)
    outcome = record_measures(period, by=committee)
    assert (outcome.created, outcome.updated) == (3, 0)
    rows = {s.branch_id: s for s in Submission.objects.filter(indicator=rectification_item)}
    assert rows[branch_a1.pk].value == D("50.00")
    assert rows[branch_a2.pk].value == D("100.00")  # nothing fell due
    assert rows[branch_a1.pk].status == Submission.Status.SUBMITTED
    assert rows[branch_a1.pk].is_measured
    again = record_measures(period, by=committee)
    assert (again.created, again.updated) == (0, 0)

    mine = rows[branch_a1.pk]
    override_measured(
        mine, by=committee, read_version=mine.version, value=D("75"), reason="一件已整改待销号"
    )
    event = SubmissionEvent.objects.filter(submission=mine, action="override").get()
    assert (event.reason, event.changes) == ("一件已整改待销号", {"value": ["50.00", "75"]})
    Problem.objects.filter(pk=open_notice.pk).update(status=Problem.Status.VERIFIED)
    record_measures(period, by=committee)
    mine.refresh_from_db()
    assert (mine.value, mine.measured_value) == (D("75.00"), D("100.00"))


def test_only_staff_record_and_an_override_needs_a_reason(
    period, rectification_item, world, committee, secretary
):
    with pytest.raises(NotAllowed):
        record_measures(period, by=secretary)
    record_measures(period, by=committee)
    row = Submission.objects.filter(indicator=rectification_item).first()
    with pytest.raises(SubmissionError, match="写明原因"):
        override_measured(row, by=committee, read_version=row.version, value=D("80"), reason=" ")
    with pytest.raises(InvalidNumber, match="应为 0 到 100 之间"):
        override_measured(row, by=committee, read_version=row.version, value=D("120"), reason="x")


def test_the_scheduled_task_acts_as_the_platform_and_is_idempotent(
    period, rectification_item, world
):
    assert tasks.record_measures(period.pk) == 3
    assert tasks.record_measures(period.pk) == 0
    event = SubmissionEvent.objects.filter(action="measure").first()
    assert event.by.display_name == "系统自动取数" and not event.by.is_active


def test_submission_rates_count_the_branch_own_items(
    period, quantitative, world, secretary, committee
):
    branch_a1 = world["a1"]
    fill(period, branch_a1, quantitative, secretary, value=D("3"))
    from assessment.services.submissions import submit_branch

    submit_branch(period, branch_a1, by=secretary)
    targets = [(branch_a1.unit_id, branch_a1.pk), (branch_a1.unit_id, world["a2"].pk)]
    on_time = measure(M.SUBMISSION_ON_TIME, period, Indicator.Level.BRANCH, targets)
    assert on_time == {targets[0]: D("100.0"), targets[1]: D("0.0")}
    unit = measure(
        M.EVIDENCE_COMPLETENESS, period, Indicator.Level.UNIT, [(branch_a1.unit_id, None)]
    )
    assert unit == {(branch_a1.unit_id, None): D("50.0")}


def test_negative_list_entries_are_counted(period, unit_a, committee):
    NegativeListEntry.objects.create(
        plan=period.plan,
        unit=unit_a,
        reason="台账造假",
        effect="deduction",
        points=2,
        created_by=committee,
    )
    assert measure(M.NEGATIVE_LIST, period, Indicator.Level.UNIT, [(unit_a.pk, None)]) == {
        (unit_a.pk, None): D("1")
    }


def test_case_rates_and_satisfaction_come_from_real_ratings(
    period, unit_a, unit_admin, committee, settings
):
    seed_from_library()
    settings.FEEDBACK_MIN_SAMPLE = 3
    made = [
        submit_public_rating(RatingInput(unit=unit_a, level=level), address=f"10.0.0.{n}")
        for n, level in enumerate([Level.DISSATISFIED, Level.DISSATISFIED], start=1)
    ]
    first = made[0].case
    cases.reply(first, user=unit_admin, text="已答复")
    cases.record_fix(first, user=unit_admin, text="已整改")
    cases.close(first, user=committee)
    target = [(unit_a.pk, None)]
    assert measure(M.CASE_CLOSURE, period, Indicator.Level.UNIT, target) == {target[0]: D("50.0")}
    assert measure(M.CASE_REPLY_ON_TIME, period, Indicator.Level.UNIT, target) == {
        target[0]: D("50.0")
    }
    # two ratings: below the minimum sample, so the measure has no value
    assert measure(M.SATISFACTION, period, Indicator.Level.UNIT, target) == {target[0]: None}
    submit_public_rating(RatingInput(unit=unit_a, level=Level.SATISFIED), address="10.0.0.9")
    figure = satisfaction(*period_dates(period.plan.year, period.kind), [unit_a.pk])[unit_a.pk]
    assert (figure.sample, figure.sufficient) == (3, True)
    assert measure(M.SATISFACTION, period, Indicator.Level.UNIT, target) == {
        target[0]: figure.value
    }


# --- the review queue ---------------------------------------------------------------------


def test_the_review_queue_shows_the_computed_value_with_its_badge(
    client, period, rectification_item, world, committee
):
    rectify(period, world["a1"], committee, verified=False)
    record_measures(period, by=committee)
    row = Submission.objects.get(indicator=rectification_item, branch=world["a1"])
    client.force_login(committee)
    page = client.get(reverse("review_queue"), {"period": period.pk, "s": row.pk}).content.decode()
    assert "系统自动取数" in page and "平台计算值" in page and "修正系统取数" in page


def test_a_value_far_from_history_and_peers_is_flagged(period, previous_period, share_item, world):
    branch_a1 = world["a1"]

    def row(period, branch, value, unit=None):
        return Submission.objects.create(
            period=period,
            indicator=share_item,
            unit=unit or branch.unit,
            branch=branch,
            value=D(value),
        )

    row(previous_period, branch_a1, "80")
    row(period, world["a2"], "80")
    row(period, world["b1"], "85")
    mine = row(period, branch_a1, "250")
    assert value_flags(mine) == []  # one past value and two peers: too few to judge
    row(period, None, "90", unit=branch_a1.unit)
    assert value_flags(mine) == ["与同期其他填报单位相差很大，请核实"]


# --- the data migration -------------------------------------------------------------------


def test_the_migration_moves_a_typed_fw03_and_keeps_its_history(
    period, dimension, unit_a, committee
):
    fw03 = IndicatorFactory(
        parent=dimension,
        code="FW03",
        name="群众满意度",
        kind=Indicator.Kind.QUANTITATIVE,
        level=Indicator.Level.UNIT,
        requires_number=True,
        number_label="满意率（%）",
        rule={"type": "ratio", "target": 100},
    )
    typed = Submission.objects.create(period=period, indicator=fw03, unit=unit_a, value=D("90.5"))
    migration = importlib.import_module(
        "assessment.migrations.0007_measures_fw03_measured_number_kinds"
    )
    migration.forwards(apps, None)
    fw03.refresh_from_db()
    assert (fw03.name, fw03.measure, fw03.number_kind) == (
        "群众回访件办结率",
        M.CASE_CLOSURE,
        Indicator.NumberKind.PERCENTAGE,
    )
    typed.refresh_from_db()
    assert typed.value == D("90.50") and not typed.is_measured


def test_staff_take_the_figures_on_demand_from_the_review_queue(
    client, period, rectification_item, world, committee, secretary
):
    url = reverse("review_record_measures", args=[period.pk])
    client.force_login(secretary)
    assert client.post(url).status_code == 403
    client.force_login(committee)
    page = client.get(reverse("review_queue"), {"period": period.pk}).content.decode()
    assert "系统取数：立即更新" in page
    response = client.post(url, follow=True)
    assert "系统取数完成：新增 3 项，更新 0 项。" in response.content.decode()
    assert Submission.objects.filter(indicator=rectification_item).count() == 3


def test_a_branch_progress_counts_neither_the_measured_items_nor_their_rows(
    period, rectification_item, world, committee
):
    record_measures(period, by=committee)
    progress = {b.pk: b for b in branch_progress(period, Branch.objects.all())}
    mine = progress[world["a1"].pk]
    assert mine.n_done == 0  # the measured row is the platform's, not the branch's work
    assert mine.percent == 0
