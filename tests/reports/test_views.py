from unittest import mock

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportJob

Kind = ReportJob.Kind


@pytest.fixture
def jobs(scored, committee, django_capture_on_commit_callbacks):
    """A done unit-A scorecard, a done A1 feedback sheet, a done unit-B scorecard and a
    done bulletin."""
    made = {}
    fake = b"%PDF-1.7 rendering is covered by test_rendering"
    with (
        mock.patch.object(services, "render_scorecard_pdf", return_value=fake),
        mock.patch.object(services, "render_feedback_sheet_pdf", return_value=fake),
        mock.patch.object(services, "render_bulletin_pdf", return_value=fake),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for name, kwargs in {
            "card_a": {"kind": Kind.SCORECARD, "unit": scored["unit_a"]},
            "sheet_a1": {"kind": Kind.FEEDBACK_SHEET, "branch": scored["a1"]},
            "card_b": {"kind": Kind.SCORECARD, "unit": scored["unit_b"]},
            "bulletin": {"kind": Kind.BULLETIN},
        }.items():
            made[name] = services.request_report(
                period=scored["period"], by=committee, **kwargs
            ).job
    for job in made.values():
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE
    return made


def listed(client, user):
    client.force_login(user)
    response = client.get(reverse("reports:job_list"))
    assert response.status_code == 200
    return sorted(job.pk for job in response.context["page"].object_list)


def test_committee_and_leader_see_every_job(client, jobs, committee, leader):
    every = sorted(j.pk for j in jobs.values())
    assert listed(client, committee) == every
    assert listed(client, leader) == every


def test_unit_admin_sees_the_own_units_reports(client, jobs, unit_admin):
    assert listed(client, unit_admin) == sorted([jobs["card_a"].pk, jobs["sheet_a1"].pk])


def test_secretary_sees_only_the_own_branchs_feedback_sheet(client, jobs, secretary, outsider):
    assert listed(client, secretary) == [jobs["sheet_a1"].pk]
    assert listed(client, outsider) == []


def test_download_streams_the_file_with_its_chinese_name(client, jobs, secretary):
    client.force_login(secretary)
    response = client.get(reverse("reports:download", args=[jobs["sheet_a1"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("actor", "job"),
    [
        ("outsider", "sheet_a1"),
        ("secretary", "card_a"),
        ("unit_admin", "card_b"),
        ("unit_admin", "bulletin"),
        ("nobody", "bulletin"),
    ],
)
def test_download_is_404_outside_the_scope(client, jobs, request, actor, job):
    client.force_login(request.getfixturevalue(actor))
    response = client.get(reverse("reports:download", args=[jobs[job].pk]))
    assert response.status_code == 404


def test_download_of_an_unfinished_job_is_404(client, scored, committee):
    job = services.request_report(kind=Kind.BULLETIN, period=scored["period"], by=committee).job
    client.force_login(committee)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_status_endpoint_reports_progress_of_visible_jobs_only(client, jobs, unit_admin):
    client.force_login(unit_admin)
    ids = ",".join(str(j.pk) for j in jobs.values())
    data = client.get(reverse("reports:status"), {"ids": ids}).json()
    assert [(j["id"], j["status"], j["percent"]) for j in data["jobs"]] == [
        (jobs["card_a"].pk, "done", 100),
        (jobs["sheet_a1"].pk, "done", 100),
    ]
    assert data["jobs"][0]["download_url"] == reverse("reports:download", args=[jobs["card_a"].pk])


def test_committee_requests_a_bulletin_from_the_page(client, scored, committee):
    client.force_login(committee)
    with_callbacks = client.post(
        reverse("reports:request"), {"kind": "bulletin", "period": scored["period"].pk}
    )
    assert with_callbacks.status_code == 302
    job = ReportJob.objects.get()
    assert (job.kind, job.scope, job.requested_by) == ("bulletin", "all", committee)


def test_the_same_request_twice_from_the_page_makes_one_job(client, scored, committee):
    client.force_login(committee)
    for _n in range(2):
        client.post(
            reverse("reports:request"), {"kind": "rectification", "period": scored["period"].pk}
        )
    assert ReportJob.objects.count() == 1


def test_leader_may_not_request_reports(client, scored, leader):
    client.force_login(leader)
    response = client.post(
        reverse("reports:request"), {"kind": "bulletin", "period": scored["period"].pk}
    )
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def test_secretary_may_not_request_a_unit_scorecard(client, scored, secretary):
    client.force_login(secretary)
    response = client.post(
        reverse("reports:request"),
        {"kind": "scorecard", "period": scored["period"].pk, "unit": scored["unit_a"].pk},
    )
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert not ReportJob.objects.exists()


def test_secretary_asking_for_another_branchs_sheet_gets_an_error_next_to_the_field(
    client, scored, secretary
):
    client.force_login(secretary)
    response = client.post(
        reverse("reports:request"),
        {"kind": "feedback_sheet", "period": scored["period"].pk, "branch": scored["b1"].pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["branch"]
    assert not ReportJob.objects.exists()


def test_unit_admin_must_choose_a_unit_for_a_scorecard(client, scored, unit_admin):
    client.force_login(unit_admin)
    response = client.post(
        reverse("reports:request"), {"kind": "scorecard", "period": scored["period"].pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == ["请选择单位。"]


def test_job_list_query_count_does_not_grow_with_jobs(
    client, jobs, committee, scored, django_assert_num_queries
):
    client.force_login(committee)
    client.get(reverse("reports:job_list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:job_list"))
    for branch in ("a2", "b1"):
        services.request_report(
            kind=Kind.FEEDBACK_SHEET, period=scored["period"], branch=scored[branch], by=committee
        )
    with django_assert_num_queries(len(few)):
        client.get(reverse("reports:job_list"))


def test_job_list_empty_state_tells_what_to_do(client, committee, db):
    client.force_login(committee)
    response = client.get(reverse("reports:job_list"))
    assert "还没有报告" in response.content.decode()
    assert "点击“生成”" in response.content.decode()


def test_nav_shows_reports_to_every_role_but_not_to_an_account_without_one(
    client, secretary, nobody
):
    client.force_login(secretary)
    assert reverse("reports:job_list") in client.get("/").content.decode()
    client.force_login(nobody)
    assert reverse("reports:job_list") not in client.get("/").content.decode()
