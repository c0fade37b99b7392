"""The smaller holes of issue 17: lock-out key, files served under their checked type,
download names, Cache-Control on private answers, Chinese CSRF and bad-Host pages."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from assessment.services.evidence import store_evidence
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import PDF_BYTES


def fail_login(client, times, **extra):
    for _ in range(times):
        client.post("/accounts/login/", {"username": "secretary", "password": "nope"}, **extra)


def test_a_rotated_forwarded_for_does_not_escape_the_lock_out(client, secretary):
    for number in range(5):
        fail_login(client, 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = client.post(
        "/accounts/login/",
        {"username": "secretary", "password": "Test-pass-2026"},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


def test_the_lock_out_key_is_the_peer_even_where_ipware_is_installed():
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert get_client_ip_address(request, use_ipware=True) == "192.0.2.10"


def test_html_behind_a_pdf_header_is_stored_and_served_as_pdf(client, world, secretary, period):
    content = PDF_BYTES + b"<html><script>alert(1)</script></html>"
    evidence = store_evidence(
        SimpleUploadedFile("报告.html", content),
        by=secretary,
        unit=world["unit_a"],
        branch=world["a1"],
        period=period,
    )
    assert (evidence.original_name, evidence.content_type) == ("报告.pdf", "application/pdf")
    client.force_login(secretary)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert "%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert ".html" not in response["Content-Disposition"]


def test_a_slash_in_a_short_name_does_not_cut_the_download_name(world, period):
    from reports.models import ReportJob
    from reports.services import download_name

    unit = world["unit_a"]
    unit.short_name = "发改/统计"
    job = ReportJob(kind=ReportJob.Kind.SCORECARD, period=period, unit=unit)
    assert download_name(job, "pdf") == "2026年第四季度-发改_统计-单位考核得分报告.pdf"


def test_signed_in_pages_the_api_and_exports_are_not_stored(client, committee, world):
    client.force_login(committee)
    for url in ["/", "/units/", "/api/v1/units/", "/units/export/units.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_the_public_results_page_may_be_cached(client, world):
    assert "no-store" not in client.get("/rate/results/").get("Cache-Control", "")


def test_the_csrf_failure_page_speaks_chinese(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    assert "页面已过期或来源无法验证" in response.content.decode()


@override_settings(ALLOWED_HOSTS=["platform.example"], DEBUG=False)
def test_a_bad_host_is_answered_in_chinese(db):
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")
    assert response.status_code == 400
    assert "无法处理该请求" in response.content.decode()
