"""Headers on every kind of response (issue 10 §3): public pages, staff pages, the API and
file downloads carry the CSP (no inline script), clickjacking protection and nosniff; under
the production settings HTTPS is forced, HSTS is sent and cookies are Secure."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import store

PRODUCTION_SECURITY = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def assert_protected(response, *, html=True):
    csp = response["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def downloads(world, secretary, committee, period, django_capture_on_commit_callbacks):
    """An evidence file and a finished report of unit A."""
    from assessment.models import Period
    from reports import services
    from reports.models import ReportJob

    evidence = store(world["a1"], period, secretary)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(
            kind=ReportJob.Kind.SCORECARD, period=period, unit=world["unit_a"], by=committee
        ).job
    job.refresh_from_db()
    assert job.status == "done"
    return {"evidence": evidence, "job": job}


def test_public_pages_are_protected(client, world):
    for path in ("/rate/", f"/rate/{world['unit_a'].slug}/", "/rate/receipt/", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_protected(response)


def test_staff_pages_and_the_audit_page_are_protected(client, committee, world):
    client.force_login(committee)
    for path in ("/", "/units/", "/branches/", "/audit/", "/reports/", "/feedback/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_protected(response)


def test_api_answers_are_protected_and_not_cached(client, committee, world):
    client.force_login(committee)
    response = client.get("/api/v1/units/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_protected(response)


def test_file_downloads_are_attachments_with_nosniff(
    client, secretary, unit_admin, committee, downloads
):
    client.force_login(secretary)
    evidence = client.get(f"/evidence/{downloads['evidence'].pk}/")
    api_evidence = client.get(f"/api/v1/evidence/{downloads['evidence'].pk}/download/")
    client.force_login(unit_admin)
    report = client.get(f"/reports/{downloads['job'].pk}/download/")
    client.force_login(committee)
    from tests.helpers import confirm_password

    confirm_password(client)
    export = client.get("/units/export/units.csv")
    for response in (evidence, api_evidence, report, export):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert_protected(response)
    for response in (evidence, api_evidence, report):
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_forged_html_upload_is_never_served_as_html(client, world, secretary, period):
    """Even through preview, a file is served with the type read from its bytes."""
    from assessment.services.evidence import EvidenceRejected, store_evidence

    with pytest.raises(EvidenceRejected):
        store_evidence(
            SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>"),
            by=secretary,
            unit=world["unit_a"],
            branch=world["a1"],
            period=period,
        )


@override_settings(**PRODUCTION_SECURITY)
def test_https_is_forced_with_hsts_everywhere(client, committee, world, downloads):
    assert client.get("/rate/")["Location"] == "https://testserver/rate/"
    assert client.get("/healthz").status_code in (200, 503)  # the load balancer's probe
    https = {"secure": True}
    public = client.get("/rate/", **https)
    client.force_login(committee)
    staff = client.get("/units/", **https)
    api = client.get("/api/v1/units/", **https)
    download = client.get(f"/evidence/{downloads['evidence'].pk}/", **https)
    for response in (public, staff, api, download):
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert_protected(response)


@override_settings(**PRODUCTION_SECURITY)
def test_cookies_are_secure_and_http_only_under_production(client, secretary):
    page = client.get("/accounts/login/", secure=True)
    assert page.cookies["csrftoken"]["secure"] is True
    response = client.post(
        "/accounts/login/",
        {"username": "secretary", "password": "Test-pass-2026"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_production_settings_module_itself_sets_the_protections():
    """The settings above are the production module's own values (read in a subprocess)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "mofan.example.org",
    }
    names = [*PRODUCTION_SECURITY, "DEBUG", "X_FRAME_OPTIONS", "SESSION_COOKIE_HTTPONLY"]
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in PRODUCTION_SECURITY.items()}
    assert {k: values[k] for k in PRODUCTION_SECURITY} == expected
    assert values["DEBUG"] is False
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_HTTPONLY"] is True
