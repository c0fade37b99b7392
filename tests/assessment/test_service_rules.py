"""Issue 17 §1: every state-changing service checks the actor and the input itself, so no
door (web, API, import, admin, a script) can walk past a rule; the one refusal type is
units.errors.NotAllowed, turned into a 403 with its message by the web and the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from assessment.models import Indicator, Submission
from assessment.services import indicators as indicator_service
from assessment.services import periods as period_service
from assessment.services import plans as plan_service
from assessment.services import review as review_service
from assessment.services import submissions as submission_service
from feedback.services.importing import import_survey
from reports import services as report_service
from reports.models import ReportJob
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, store, submitted_world
from tests.factories import IndicatorFactory
from tests.helpers import xlsx_bytes
from units import tokens
from units.errors import NotAllowed
from units.selectors import narrow_scope

pytestmark = pytest.mark.django_db


def _submitted(period, world, secretary, items):
    submitted_world(period, world["a1"], secretary, items)
    return Submission.objects.get(branch=world["a1"], indicator=items["graded"])


def test_only_the_branch_secretary_drafts_and_submits(world, period, items, unit_admin, leader):
    for actor in (unit_admin, leader):
        with pytest.raises(NotAllowed, match="只有本支部的书记可以填报本支部的材料。"):
            fill(period, world["a1"], items["graded"], actor, narrative="代填")
        with pytest.raises(NotAllowed, match="只有本支部的书记可以提交本支部的材料。"):
            submission_service.submit_branch(period, world["a1"], by=actor)
    assert not Submission.objects.exists()


def test_a_secretarys_read_only_token_scope_writes_nothing(world, period, items, secretary):
    narrow_scope(secretary, read_only=True)
    with pytest.raises(NotAllowed):
        fill(period, world["a1"], items["graded"], secretary, narrative="只读")


def test_quarter_evidence_is_the_secretarys_alone(world, period, secretary, unit_admin):
    with pytest.raises(NotAllowed):
        store(world["a1"], period, unit_admin)
    assert store(world["a1"], period, secretary).branch == world["a1"]


def test_an_item_not_asked_of_the_branch_is_refused_by_the_service(world, period, items, secretary):
    # A unit-level item: asked of the unit, never of a branch.
    other = IndicatorFactory(parent=items["graded"].parent, code="X9", level=Indicator.Level.UNIT)
    with pytest.raises(submission_service.InvalidInput) as refused:
        fill(period, world["a1"], other, secretary, narrative="不该填")
    assert (refused.value.field, str(refused.value)) == (
        "indicator",
        "该指标不在此党支部本节点的任务中。",
    )


def test_files_of_another_branch_are_refused_by_the_service(
    world, period, items, secretary, branch_a2_secretary
):
    foreign = store(world["a2"], period, branch_a2_secretary)
    with pytest.raises(submission_service.InvalidInput) as refused:
        submission_service.save_draft(
            period,
            world["a1"],
            items["graded"],
            by=secretary,
            read_version=0,
            data={"narrative": "借用"},
            evidence=[foreign],
        )
    assert refused.value.field == "evidence"
    assert str(refused.value) == f"只能关联本支部本节点上传的材料：[{foreign.pk}]"


def test_field_limits_hold_behind_every_door(world, period, items, secretary):
    with pytest.raises(submission_service.InvalidInput) as refused:
        fill(period, world["a1"], items["graded"], secretary, narrative="字" * 5001)
    assert (refused.value.field, str(refused.value)) == (
        "narrative",
        "“情况说明”最多 5000 个字，现有 5001 个。",
    )


def test_review_is_the_committees_and_return_the_units_too(
    world, period, items, secretary, unit_admin, committee, leader
):
    submission = _submitted(period, world, secretary, items)
    for actor in (unit_admin, leader, secretary):
        with pytest.raises(NotAllowed, match="只有工委工作人员可以审核评分。"):
            review_service.accept(submission, by=actor, read_version=submission.version, grade="A")
    with pytest.raises(NotAllowed):
        review_service.bulk_accept([(submission, submission.version)], by=unit_admin)
    with pytest.raises(NotAllowed, match="只有工委工作人员和本单位管理员可以退回此项。"):
        review_service.return_submission(
            submission, by=secretary, read_version=submission.version, reason="x"
        )
    review_service.return_submission(
        submission, by=unit_admin, read_version=submission.version, reason="请补充"
    )
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.RETURNED


def test_a_unit_limited_committee_scope_does_not_review(world, period, items, secretary, committee):
    submission = _submitted(period, world, secretary, items)
    narrow_scope(committee, unit_id=world["unit_a"].pk)
    with pytest.raises(NotAllowed):
        review_service.accept(submission, by=committee, read_version=submission.version, grade="A")


def test_periods_plans_and_indicator_systems_are_the_committees(
    world, period, system, items, unit_admin, leader
):
    for actor in (unit_admin, leader):
        with pytest.raises(NotAllowed):
            period_service.perform("close", period, by=actor)
        with pytest.raises(NotAllowed):
            plan_service.update_period_window(
                period, by=actor, opens_on=period.opens_on, deadline=period.deadline
            )
        with pytest.raises(NotAllowed):
            plan_service.create_cycle(by=actor, title="t", start_year=2040)
        with pytest.raises(NotAllowed):
            indicator_service.retire_item(items["graded"], by=actor, reason="旧")
        with pytest.raises(NotAllowed):
            indicator_service.create_version(system, by=actor)
    period.refresh_from_db()
    assert period.status == "open"


def test_report_requests_are_checked_in_the_service(world, period, committee, unit_admin):
    period.status = "closed"
    period.save(update_fields=["status"])
    with pytest.raises(NotAllowed, match="您没有生成该类报告的权限。"):
        report_service.request_report(kind=ReportJob.Kind.BULLETIN, period=period, by=unit_admin)
    narrow_scope(committee, unit_id=world["unit_a"].pk)
    with pytest.raises(NotAllowed):
        report_service.request_report(kind=ReportJob.Kind.BULLETIN, period=period, by=committee)
    assert not ReportJob.objects.exists()


def test_tokens_and_survey_imports_are_the_committees(world, committee, unit_admin):
    with pytest.raises(NotAllowed, match="只有工委工作人员可以创建接口令牌。"):
        tokens.create_token(name="x", user=unit_admin, created_by=unit_admin)
    token, _key = tokens.create_token(name="x", user=unit_admin, created_by=committee)
    with pytest.raises(NotAllowed):
        tokens.revoke_token(token, by=unit_admin)
    survey = SimpleUploadedFile(
        "s.xlsx",
        xlsx_bytes(["单位标识", "评价等级", "评价主体", "评价日期", "意见建议"], []),
    )
    narrow_scope(committee, unit_id=world["unit_a"].pk)
    with pytest.raises(NotAllowed, match="只有工委工作人员可以导入第三方评价。"):
        import_survey(survey, batch="b", user=committee)


def test_the_api_answers_the_services_refusal_as_json(world, period, items, unit_admin):
    client = APIClient()
    client.force_authenticate(unit_admin)
    response = client.post(
        "/api/v1/submissions/submit/",
        {"period": period.pk, "branch": world["a1"].pk},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "message": "只有本支部的书记可以提交本支部的材料。",
        "fields": {},
    }


def test_the_web_shows_the_services_refusal(client, world, period, items, unit_admin):
    client.force_login(unit_admin)
    response = client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/")
    assert response.status_code == 403
    assert "只有本支部的书记可以提交本支部的材料。" in response.content.decode()


@pytest.fixture
def branch_a2_secretary(world):
    from tests.factories import user_with_role
    from units.models import Role

    return user_with_role(Role.Kind.SECRETARY, branch=world["a2"])
