"""Unit administrators: progress of every branch, comments, the unit's check when required."""

import pytest

from assessment.models import Submission
from assessment.services import review
from assessment.services.submissions import SubmissionError
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, submitted_world
from tests.factories import user_with_role
from units.models import Role


def test_home_shows_each_branch_progress(client, world, secretary, unit_admin, period, items):
    submitted_world(period, world["a1"], secretary, items)
    a2_secretary = user_with_role(Role.Kind.SECRETARY, branch=world["a2"])
    fill(period, world["a2"], items["graded"], a2_secretary, narrative="草稿")
    client.force_login(unit_admin)
    rows = client.get("/").context["branch_progress"]
    assert [(b.name, b.n_expected, b.n_done, b.n_draft, b.percent) for b in rows] == [
        ("甲厅第一党支部", 3, 3, 0, 100),
        ("甲厅第二党支部", 3, 0, 1, 0),
    ]


def test_unit_admin_reads_a_branch_board_but_cannot_submit(
    client, world, unit_admin, period, items
):
    client.force_login(unit_admin)
    assert client.get(f"/quarter/{period.pk}/{world['a1'].pk}/").status_code == 200
    assert client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/").status_code == 403


def test_unit_admin_leaves_a_comment_in_the_history(
    client, world, secretary, unit_admin, period, items
):
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="草稿")
    client.force_login(unit_admin)
    client.post(f"/submissions/{submission.pk}/comment/", {"text": "请补充党课照片"})
    event = submission.events.get(action="comment")
    assert (event.by, event.reason) == (unit_admin, "请补充党课照片")
    client.force_login(secretary)
    page = client.get(f"/quarter/{period.pk}/{world['a1'].pk}/items/{items['graded'].pk}/")
    assert "请补充党课照片" in page.content.decode()


def test_other_unit_admin_cannot_comment(client, world, secretary, period, items):
    from tests.factories import user_with_role
    from units.models import Role

    other = user_with_role(Role.Kind.UNIT_ADMIN, unit=world["unit_b"], username="admin_b")
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="草稿")
    client.force_login(other)
    response = client.post(f"/submissions/{submission.pk}/comment/", {"text": "x"})
    assert response.status_code == 404


@pytest.fixture
def unit_check_plan(plan):
    plan.require_unit_check = True
    plan.save()
    return plan


def test_with_unit_check_required_committee_waits_for_the_unit(
    client, world, secretary, committee, unit_admin, unit_check_plan, period, items
):
    submitted_world(period, world["a1"], secretary, items)
    client.force_login(committee)
    assert list(client.get("/review/").context["rows"]) == []
    submission = Submission.objects.select_related("indicator", "period__plan").get(
        indicator=items["graded"]
    )
    with pytest.raises(SubmissionError, match="须先经单位管理员审核|要求先经单位管理员审核"):
        review.accept(submission, by=committee, read_version=submission.version, grade="A")
    client.force_login(unit_admin)
    assert [s.pk for s in client.get("/review/").context["rows"]][0] == submission.pk
    client.post(
        f"/submissions/{submission.pk}/unit-check/",
        {"action": "check", "version": submission.version},
    )
    submission.refresh_from_db()
    assert submission.status == "unit_checked"
    client.force_login(committee)
    assert [s.pk for s in client.get("/review/").context["rows"]] == [submission.pk]


def test_unit_admin_may_return_to_the_branch(
    client, world, secretary, unit_admin, unit_check_plan, period, items
):
    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.get(indicator=items["graded"])
    client.force_login(unit_admin)
    client.post(
        f"/submissions/{submission.pk}/unit-check/",
        {"action": "return", "reason": "记录缺签字", "version": submission.version},
    )
    submission.refresh_from_db()
    assert (submission.status, submission.reviewer_comment) == ("returned", "记录缺签字")
