"""Report jobs through the API: ask, follow progress, download within scope (tasks run
inline in tests, so a job is done when the request returns)."""

import pytest

from assessment.models import Period
from reports.models import ReportJob
from tests.api.conftest import ids


@pytest.fixture
def closed(period):
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    return period


def ask(client, period, kind, **target):
    return client.post(
        "/api/v1/report-jobs/", {"kind": kind, "period": period.pk, **target}, format="json"
    )


def test_secretary_gets_the_own_branchs_feedback_sheet(
    world, secretary, as_user, closed, items, django_capture_on_commit_callbacks
):
    client = as_user(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, closed, "feedback_sheet", branch=world["a1"].pk)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["branch"], job["download_url"]) == ("queued", world["a1"].pk, None)
    progress = client.get(f"/api/v1/report-jobs/{job['id']}/").json()
    assert (progress["status_label"], progress["percent"]) == ("已完成", 100)
    assert progress["download_url"].endswith(f"/api/v1/report-jobs/{job['id']}/download/")
    download = client.get(f"/api/v1/report-jobs/{job['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_asking_again_while_queued_returns_the_same_job(world, secretary, as_user, closed):
    client = as_user(secretary)
    first = ask(client, closed, "feedback_sheet", branch=world["a1"].pk)
    second = ask(client, closed, "feedback_sheet", branch=world["a1"].pk)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert ReportJob.objects.count() == 1


def test_secretary_cannot_ask_for_another_branch(world, secretary, as_user, closed):
    response = ask(as_user(secretary), closed, "feedback_sheet", branch=world["a2"].pk)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"branch": ["只能为本人负责的党支部生成反馈单。"]}


def test_secretary_cannot_ask_for_a_bulletin(secretary, as_user, closed):
    response = ask(as_user(secretary), closed, "bulletin")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "您没有生成该类报告的权限。"


@pytest.mark.parametrize("actor", ["leader", "nobody"])
def test_leaders_and_others_ask_for_nothing(request, world, as_user, closed, actor):
    response = ask(as_user(request.getfixturevalue(actor)), closed, "bulletin")
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def test_read_only_committee_token_cannot_ask(committee, with_token, closed):
    assert ask(with_token(committee, read_only=True), closed, "bulletin").status_code == 403


def test_unit_limited_committee_token_cannot_ask_for_a_bulletin(
    world, committee, with_token, closed
):
    client = with_token(committee, unit=world["unit_a"])
    response = ask(client, closed, "bulletin")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "您没有生成该类报告的权限。"
    assert not ReportJob.objects.exists()


def test_draft_period_is_refused(world, committee, as_user, period):
    Period.objects.filter(pk=period.pk).update(status=Period.Status.DRAFT)
    response = ask(as_user(committee), period, "bulletin_xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "period": ["该考核节点尚未开放，没有可生成的数据。"]
    }


def test_outsider_never_sees_nor_downloads_another_branchs_sheet(
    world, secretary, outsider, as_user, closed, items
):
    job = ask(as_user(secretary), closed, "feedback_sheet", branch=world["a1"].pk).json()
    client = as_user(outsider)
    assert client.get("/api/v1/report-jobs/").json()["count"] == 0
    assert client.get(f"/api/v1/report-jobs/{job['id']}/").status_code == 404
    assert client.get(f"/api/v1/report-jobs/{job['id']}/download/").status_code == 404


def test_unit_admin_and_leader_see_the_units_branch_sheet(
    world, secretary, unit_admin, leader, as_user, closed, items
):
    job = ask(as_user(secretary), closed, "feedback_sheet", branch=world["a1"].pk).json()
    assert ids(as_user(unit_admin).get("/api/v1/report-jobs/")) == [job["id"]]
    assert ids(as_user(leader).get("/api/v1/report-jobs/", {"kind": "feedback_sheet"})) == [
        job["id"]
    ]
    assert ids(as_user(leader).get("/api/v1/report-jobs/", {"kind": "bulletin"})) == []


def test_unfinished_job_has_no_download(world, committee, as_user, closed):
    job = ReportJob.objects.create(
        key="bulletin:test", kind="bulletin", scope="all", period=closed, requested_by=committee
    )
    client = as_user(committee)
    assert client.get(f"/api/v1/report-jobs/{job.pk}/").json()["download_url"] is None
    assert client.get(f"/api/v1/report-jobs/{job.pk}/download/").status_code == 404
