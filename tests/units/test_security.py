"""Accounts and headers: lock-out, recent login for staff actions, CSP and friends."""

import time

import pytest
from auditlog.models import LogEntry

from tests.helpers import confirm_password
from units.decorators import SESSION_KEY


def fail_login(client, username, times):
    for _ in range(times):
        response = client.post("/accounts/login/", {"username": username, "password": "nope"})
    return response


def test_five_failed_logins_lock_the_account(client, secretary):
    fail_login(client, "secretary", 5)
    response = client.post(
        "/accounts/login/", {"username": "secretary", "password": "Test-pass-2026"}
    )
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def test_four_failed_logins_still_allow_the_right_password(client, secretary):
    fail_login(client, "secretary", 4)
    response = client.post(
        "/accounts/login/", {"username": "secretary", "password": "Test-pass-2026"}
    )
    assert response.status_code == 302


def test_staff_action_without_recent_password_asks_for_it(client, committee):
    client.force_login(committee)
    response = client.get("/units/import/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm/?next=%2Funits%2Fimport%2F"


def test_confirming_the_password_opens_the_staff_action(client, committee):
    client.force_login(committee)
    response = client.post(
        "/accounts/confirm/", {"password": "Test-pass-2026", "next": "/units/import/"}
    )
    assert response["Location"] == "/units/import/"
    assert client.get("/units/import/").status_code == 200


def test_wrong_password_does_not_confirm(client, committee):
    client.force_login(committee)
    response = client.post("/accounts/confirm/", {"password": "wrong", "next": "/units/import/"})
    assert "密码不正确" in response.content.decode()


def test_password_confirmation_expires(client, committee, settings):
    client.force_login(committee)
    session = client.session
    session[SESSION_KEY] = time.time() - settings.RECENT_LOGIN_SECONDS - 1
    session.save()
    assert client.get("/units/import/").status_code == 302


def test_logging_in_with_the_password_counts_as_recent(client, committee):
    client.post("/accounts/login/", {"username": "committee", "password": "Test-pass-2026"})
    assert client.get("/units/import/").status_code == 200


def test_confirm_page_refuses_an_external_next(client, committee):
    client.force_login(committee)
    response = client.post(
        "/accounts/confirm/", {"password": "Test-pass-2026", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_leader_cannot_pass_a_staff_action_even_with_a_password(client, leader):
    client.force_login(leader)
    confirm_password(client)
    assert client.get("/units/import/").status_code == 403


@pytest.mark.parametrize("path", ["/accounts/login/", "/units/"])
def test_pages_carry_security_headers(client, committee, path):
    client.force_login(committee)
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_ends_with_the_browser_and_after_eight_hours(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_templates_contain_no_inline_script():
    import re

    from django.conf import settings

    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", text):
            offenders.append(
                f"{path.relative_to(settings.BASE_DIR)}:{text[: match.start()].count(chr(10)) + 1}"
            )
        if re.search(r"\son(click|change|submit|load|input|keydown)=", text):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_guessing_the_step_up_password_locks_the_account(client, committee):
    client.force_login(committee)
    for _ in range(5):
        client.post("/accounts/confirm/", {"password": "wrong", "next": "/units/import/"})
    response = client.post(
        "/accounts/confirm/", {"password": "Test-pass-2026", "next": "/units/import/"}
    )
    assert response.status_code == 429
    assert client.get("/units/import/").status_code == 302


def test_guessing_the_old_password_locks_the_account(client, secretary):
    client.force_login(secretary)
    new = {"new_password1": "Neu-pass-2027!", "new_password2": "Neu-pass-2027!"}
    for _ in range(5):
        client.post("/accounts/password/", {"old_password": "nope", **new})
    response = client.post("/accounts/password/", {"old_password": "Test-pass-2026", **new})
    assert response.status_code == 429
    secretary.refresh_from_db()
    assert secretary.check_password("Test-pass-2026")


def test_a_lock_out_is_in_the_audit_log(client, committee):
    client.force_login(committee)
    for _ in range(5):
        client.post("/accounts/confirm/", {"password": "wrong"})
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.object_pk, entry.changes_dict["locked_out"][0]) == (
        str(committee.pk),
        "/accounts/confirm/",
    )
