"""四级协同 and 述职评议: the 党组书记 and 党组成员 roles, 签字确认 before the committee
reviews a half-year or annual period, a member's reminders, and the annual duty report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from assessment.measures import measure
from assessment.models import (
    DutyReport,
    DutyReportTransition,
    Indicator,
    PartyConfirmation,
    PartyConfirmationTransition,
    Period,
    Problem,
    Rectification,
    Submission,
)
from assessment.rules import duty_grade_percent
from assessment.selectors import duty as duty_selectors
from assessment.selectors import review as review_selectors
from assessment.services import duty as service
from assessment.services import reminders
from assessment.services.review import accept
from assessment.services.submissions import SubmissionError
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import submitted_world, today
from tests.factories import PeriodFactory, UserFactory
from units.models import Role
from units.selectors import branches_visible_to, scope_of, units_visible_to
from units.services import RoleError, grant_role


@pytest.fixture
def party_secretary(unit_a, committee):
    user = UserFactory(username="partysecretary", email="ps@example.org")
    grant_role(user, Role.Kind.PARTY_SECRETARY, unit=unit_a, by=committee)
    return user


@pytest.fixture
def party_member(unit_a, branch_a2, committee):
    user = UserFactory(username="partymember", email="pm@example.org")
    grant_role(user, Role.Kind.PARTY_MEMBER, unit=unit_a, branches=[branch_a2], by=committee)
    return user


# --- roles and scope ----------------------------------------------------------------------


def test_party_secretary_reads_the_whole_unit_and_acts_on_nothing(world, party_secretary):
    scope = scope_of(party_secretary)
    assert (scope.is_party_secretary, scope.is_party_member, scope.has_any_role) == (
        True,
        False,
        True,
    )
    assert list(units_visible_to(party_secretary)) == [world["unit_a"]]
    assert set(branches_visible_to(party_secretary)) == {world["a1"], world["a2"]}
    assert scope.handles_unit(world["unit_a"].pk) is False
    assert scope.unit_ids == frozenset() and scope.branch_ids == frozenset()


def test_party_member_reads_only_the_branches_they_answer_for(world, party_member):
    scope = scope_of(party_member)
    assert scope.is_party_member and not scope.is_party_secretary
    assert list(units_visible_to(party_member)) == [world["unit_a"]]
    assert list(branches_visible_to(party_member)) == [world["a2"]]
    assert scope.branch_ids == frozenset()  # never the secretary's pen


def test_a_member_answers_only_for_branches_of_their_unit(world, committee):
    user = UserFactory(username="stray")
    with pytest.raises(RoleError):
        grant_role(
            user, Role.Kind.PARTY_MEMBER, unit=world["unit_a"], branches=[world["b1"]], by=committee
        )
    assert not Role.objects.filter(user=user).exists()


def test_role_constraint_binds_party_roles_to_a_unit(db, world):
    from django.db import IntegrityError, transaction

    user = UserFactory(username="nounit")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=user, kind=Role.Kind.PARTY_SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=user, kind=Role.Kind.PARTY_MEMBER, branch=world["a1"])


def test_rectification_visibility_of_party_roles(world, committee, party_secretary, party_member):
    from tests.factories import AnnualPlanFactory

    plan = AnnualPlanFactory(year=2024)
    notices = {
        key: Rectification.objects.create(
            plan=plan,
            unit=world[unit],
            branch=world[branch] if branch else None,
            problem=key,
            deadline=dt.date(2024, 12, 1),
            issued_by=committee,
        )
        for key, unit, branch in (
            ("unit", "unit_a", None),
            ("a1", "unit_a", "a1"),
            ("a2", "unit_a", "a2"),
            ("b1", "unit_b", "b1"),
        )
    }
    from assessment.selectors.rectification import rectifications_visible_to

    def seen(user):
        return sorted(n.problem for n in rectifications_visible_to(user))

    assert seen(party_secretary) == ["a1", "a2", "unit"]
    assert seen(party_member) == ["a2"]
    assert notices


# --- a member receives the branch's reminders ---------------------------------------------


def test_member_receives_the_deadline_reminder_of_their_branch(
    world, secretary, party_member, period, items, settings
):
    settings.REMINDER_DAYS_BEFORE = 30
    secretary.email = "sec@example.org"
    secretary.save()
    sent = reminders.send_deadline_reminders()
    by_subject = sorted(sorted(m.to) for m in mail.outbox)
    assert sent == 2  # a1 (secretary) and a2 (member only)
    assert by_subject == [["pm@example.org"], ["sec@example.org"]]
    assert reminders.send_deadline_reminders() == 0  # sent once


# --- 签字确认 --------------------------------------------------------------------------------


@pytest.fixture
def half_year(plan, system, items):
    plan.require_party_confirmation = True
    plan.save()
    Indicator.objects.filter(pk__in=[i.pk for i in items.values()]).update(
        frequency=Indicator.Frequency.HALF_YEAR
    )
    return PeriodFactory(
        plan=plan,
        kind=Period.Kind.H1,
        opens_on=today() - dt.timedelta(days=5),
        deadline=today() + dt.timedelta(days=10),
        status=Period.Status.OPEN,
        system=system,
    )


def test_committee_waits_for_the_party_secretarys_signature(
    world, secretary, committee, party_secretary, half_year, items
):
    submitted_world(half_year, world["a1"], secretary, items)
    assert review_selectors.awaiting_count(committee, half_year) == 0
    submission = Submission.objects.filter(period=half_year).first()
    with pytest.raises(SubmissionError):
        accept(submission, by=committee, read_version=submission.version, grade="A")

    row = duty_selectors.confirmations_due(party_secretary)[0]
    assert (row.unit, row.awaiting, row.unchecked, row.open_items) == (world["unit_a"], 3, 0, 0)

    confirmation = service.confirm(half_year, world["unit_a"], by=party_secretary, note="属实")
    assert (confirmation.status, confirmation.confirmed_by, confirmation.note) == (
        "confirmed",
        party_secretary,
        "属实",
    )
    assert list(
        PartyConfirmationTransition.objects.values_list("from_status", "to_status", "by")
    ) == [("pending", "confirmed", party_secretary.pk)]
    assert review_selectors.awaiting_count(committee, half_year) == 3
    assert duty_selectors.confirmations_due(party_secretary) == []
    accepted = accept(submission, by=committee, read_version=submission.version, grade="A")
    assert accepted.status == "accepted"


def test_only_the_units_party_secretary_signs(
    world, secretary, committee, unit_admin, party_member, half_year, items
):
    submitted_world(half_year, world["a1"], secretary, items)
    for actor in (committee, unit_admin, party_member, secretary):
        with pytest.raises(service.NotAllowed):
            service.confirm(half_year, world["unit_a"], by=actor)
    assert not PartyConfirmation.objects.exists()


def test_nothing_to_sign_and_quarters_need_no_signature(world, party_secretary, half_year):
    period = PeriodFactory(plan=half_year.plan, kind=Period.Kind.Q1, status=Period.Status.OPEN)
    with pytest.raises(service.DutyError, match="还没有报送"):
        service.confirm(half_year, world["unit_a"], by=party_secretary)
    with pytest.raises(service.DutyError, match="不需要"):
        service.confirm(period, world["unit_a"], by=party_secretary)


def test_unit_check_comes_before_the_signature(
    world, secretary, party_secretary, unit_admin, half_year, items
):
    half_year.plan.require_unit_check = True
    half_year.plan.save()
    submitted_world(half_year, world["a1"], secretary, items)
    with pytest.raises(service.DutyError, match="待单位管理员审核"):
        service.confirm(half_year, world["unit_a"], by=party_secretary)


def test_committee_asks_for_a_new_signature(
    world, secretary, committee, party_secretary, half_year, items
):
    submitted_world(half_year, world["a1"], secretary, items)
    confirmation = service.confirm(half_year, world["unit_a"], by=party_secretary)
    with pytest.raises(service.NotAllowed):
        service.reopen_confirmation(confirmation, by=party_secretary, reason="x")
    reopened = service.reopen_confirmation(confirmation, by=committee, reason="材料有误")
    assert reopened.status == "pending"
    assert review_selectors.awaiting_count(committee, half_year) == 0


# --- 述职评议 --------------------------------------------------------------------------------


# The sections the platform leaves empty in this world (no accepted evidence, no problems).
WRITTEN = {
    "highlights": "1. 红色党日",
    "problems": "1. 学用结合不紧",
    "plans": "明年重点抓支部标准化建设。",
}


@pytest.fixture
def drafted(world, committee):
    service.draft_reports(2025, by=committee)
    return {
        "unit_a": DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None),
        "a1": DutyReport.objects.get(year=2025, branch=world["a1"]),
    }


def written(report, by):
    """The draft with every section filled in by its author, ready to submit."""
    return service.edit_draft(report, by=by, data=WRITTEN)


def test_committee_drafts_one_report_per_party_secretary_and_branch(world, committee, drafted):
    assert DutyReport.objects.filter(year=2025).count() == 5  # 2 units + 3 branches
    assert service.draft_reports(2025, by=committee) == 0  # idempotent
    report = drafted["unit_a"]
    assert report.status == "draft"
    assert report.figures["rectification"] == {
        "issued": 0,
        "measures": 0,
        "verified": 0,
        "overdue": 0,
        "rate": None,
    }
    assert report.figures["satisfaction"]["sample"] == 0
    assert report.duties.startswith("2025年，省甲厅党组书记履行党建工作责任")
    assert "全年整改问题 0 个，整改措施 0 条，已销号 0 个，逾期 0 个。" in report.duties


def test_only_committee_drafts(world, party_secretary):
    with pytest.raises(service.NotAllowed):
        service.draft_reports(2025, by=party_secretary)


def test_draft_takes_rectification_and_open_problems_of_the_year(world, committee):
    for description, status in (("台账不全", "open"), ("学习流于形式", "verified")):
        Problem.objects.create(
            unit=world["unit_a"],
            source=Problem.Source.REVIEW,
            description=description,
            found_on=dt.date(2025, 5, 6),
            deadline=dt.date(2025, 6, 30),
            status=status,
            raised_by=committee,
        )
    service.draft_reports(2025, by=committee, unit_ids=[world["unit_a"].pk])
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)
    assert report.figures["rectification"]["issued"] == 2
    assert report.figures["rectification"]["verified"] == 1
    assert report.figures["rectification"]["rate"] == "50.0"
    assert report.figures["open_problems"] == [["台账不全", "2025-06-30", "待整改"]]
    assert report.problems == "1. 台账不全（整改期限 2025-06-30，待整改）"


def test_author_edits_and_submits_then_committee_grades(
    world, committee, party_secretary, secretary, drafted
):
    report = drafted["unit_a"]
    with pytest.raises(service.NotAllowed):
        service.edit_draft(report, by=secretary, data={"duties": "x"})
    written(report, party_secretary)
    submitted = service.submit(report, by=party_secretary)
    assert (submitted.status, submitted.submitted_by) == ("submitted", party_secretary)
    with pytest.raises(service.DutyError):
        service.edit_draft(submitted, by=party_secretary, data={"plans": "y"})
    with pytest.raises(service.NotAllowed):
        service.grade(submitted, by=party_secretary, grade="excellent")
    with pytest.raises(service.DutyError, match="评议意见"):
        service.grade(submitted, by=committee, grade="fair")
    graded = service.grade(submitted, by=committee, grade="good", comment="责任落实到位")
    assert (graded.status, graded.grade, graded.get_grade_display()) == ("graded", "good", "较好")
    assert list(
        DutyReportTransition.objects.filter(report=report).values_list("from_status", "to_status")
    ) == [("draft", "submitted"), ("submitted", "graded")]
    assert duty_selectors.duty_grades(2025) == {world["unit_a"].pk: "good"}
    assert duty_selectors.duty_grades(2025, [world["unit_b"].pk]) == {}


def test_returned_report_goes_back_to_its_author(world, committee, secretary, drafted):
    report = service.submit(written(drafted["a1"], secretary), by=secretary)
    with pytest.raises(service.DutyError):
        service.return_report(report, by=committee, reason=" ")
    returned = service.return_report(report, by=committee, reason="请补充亮点")
    assert (returned.status, returned.grade_comment) == ("returned", "请补充亮点")
    service.edit_draft(returned, by=secretary, data={"highlights": "1. 红色党日"})
    assert service.submit(returned, by=secretary).status == "submitted"


def test_submit_refuses_empty_sections_and_names_them(world, party_secretary, drafted):
    report = drafted["unit_a"]
    # Saving a partial draft stays allowed; only the submission asks for every section.
    service.edit_draft(
        report, by=party_secretary, data={"problems": "1. 学用结合不紧", "plans": " "}
    )
    with pytest.raises(service.DutyError) as refused:
        service.submit(report, by=party_secretary)
    assert str(refused.value) == "以下部分尚未填写：特色亮点、下一步打算。请填写后再提交述职报告。"
    report.refresh_from_db()
    assert (report.status, report.problems, report.plans) == ("draft", "1. 学用结合不紧", "")
    assert not DutyReportTransition.objects.filter(report=report).exists()
    service.edit_draft(
        report, by=party_secretary, data={"highlights": "1. 红色党日", "plans": "抓好标准化。"}
    )
    assert service.submit(report, by=party_secretary).status == "submitted"


def test_returned_report_cannot_be_resubmitted_with_a_section_cleared(
    world, committee, secretary, drafted
):
    report = service.submit(written(drafted["a1"], secretary), by=secretary)
    service.return_report(report, by=committee, reason="请补充亮点")
    service.edit_draft(report, by=secretary, data={"highlights": ""})
    with pytest.raises(service.DutyError, match="以下部分尚未填写：特色亮点。"):
        service.submit(report, by=secretary)
    report.refresh_from_db()
    assert report.status == "returned"


def test_read_only_token_scope_cannot_write(world, party_secretary, drafted):
    from units.selectors import narrow_scope

    narrow_scope(party_secretary, read_only=True)
    with pytest.raises(service.NotAllowed):
        service.edit_draft(drafted["unit_a"], by=party_secretary, data={"plans": "x"})


def test_visibility_of_reports(world, party_secretary, party_member, secretary, outsider, drafted):
    def seen(user):
        return sorted(str(r.branch or r.unit) for r in duty_selectors.duty_reports_visible_to(user))

    assert seen(party_secretary) == ["甲厅第一党支部", "甲厅第二党支部", "省甲厅"]
    assert seen(party_member) == ["甲厅第二党支部"]
    assert seen(secretary) == ["甲厅第一党支部"]
    assert seen(outsider) == ["乙局第一党支部"]


def test_grade_mapping_and_measure(world, committee, party_secretary, secretary, drafted):
    assert [duty_grade_percent(g) for g in ("excellent", "good", "fair", "poor", "")] == [
        Decimal("100"),
        Decimal("85"),
        Decimal("70"),
        Decimal("50"),
        None,
    ]
    for report, author in ((drafted["unit_a"], party_secretary), (drafted["a1"], secretary)):
        service.submit(written(report, author), by=author)
    service.grade(drafted["unit_a"], by=committee, grade="excellent")
    service.grade(drafted["a1"], by=committee, grade="poor", comment="材料空泛")
    from tests.factories import AnnualPlanFactory

    period = PeriodFactory(plan=AnnualPlanFactory(year=2025), kind=Period.Kind.ANNUAL)
    unit_level = measure(
        Indicator.Measure.DUTY_GRADE,
        period,
        Indicator.Level.UNIT,
        [(world["unit_a"].pk, None), (world["unit_b"].pk, None)],
    )
    assert unit_level == {
        (world["unit_a"].pk, None): Decimal("100"),
        (world["unit_b"].pk, None): None,
    }
    branch_level = measure(
        Indicator.Measure.DUTY_GRADE,
        period,
        Indicator.Level.BRANCH,
        [(world["unit_a"].pk, world["a1"].pk), (world["unit_a"].pk, world["a2"].pk)],
    )
    assert branch_level == {
        (world["unit_a"].pk, world["a1"].pk): Decimal("50"),
        (world["unit_a"].pk, world["a2"].pk): None,
    }
