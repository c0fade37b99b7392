"""Audit log (issue 10 §6): changes are kept with who, when, before and after; staff search
them; nothing in the application can edit or delete an entry."""

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import get_resolver

from assessment.models import Period
from tests.factories import PeriodFactory
from units.models import Role


def entries_for(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    ).order_by("pk")


def test_changing_a_period_is_logged_with_before_and_after(db):
    period = PeriodFactory()
    period.deadline = period.deadline.replace(day=20)
    period.save()
    entry = entries_for(period).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["deadline"] == ["2024-04-10", "2024-04-20"]


def test_the_actor_of_a_web_change_is_the_logged_in_user(client, committee, unit_a, settings):
    from tests.helpers import confirm_password

    client.force_login(committee)
    confirm_password(client)
    response = client.post(
        "/accounts/tokens/",
        {"name": "数据中心", "user": committee.pk, "unit": "", "read_only": "on", "days": 30},
    )
    assert response.status_code == 200
    from units.models import ApiToken

    token = ApiToken.objects.get(name="数据中心")
    entry = entries_for(token).get()
    assert entry.actor == committee
    assert "key_hash" not in entry.changes_dict


def test_a_role_granted_and_removed_is_logged(db, unit_a, nobody):
    role = Role.objects.create(user=nobody, kind=Role.Kind.UNIT_ADMIN, unit=unit_a)
    pk = role.pk
    role.delete()
    actions = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Role), object_pk=str(pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]


def test_a_password_change_is_logged_without_the_hash(db, nobody):
    nobody.set_password("Another-pass-2026")
    nobody.save()
    entry = entries_for(nobody).last()
    assert entry.changes_dict["password"] == ["******", "******"]


def test_citizen_contact_change_is_logged_but_never_its_value(db, unit_a):
    from feedback.models import Rating

    rating = Rating.objects.create(
        unit=unit_a,
        receipt="ABCDE23456",
        level="satisfied",
        score=80,
        channel="web",
        received_on="2026-04-01",
        contact_phone_encrypted="gAAAA-cipher-1",
        contact_phone_masked="138****5678",
    )
    rating.contact_phone_encrypted = "gAAAA-cipher-2"
    rating.contact_phone_masked = "139****0000"
    rating.save()
    text = " ".join(str(e.changes) for e in entries_for(rating))
    assert "cipher" not in text and "5678" not in text and "0000" not in text
    assert entries_for(rating).last().changes_dict["contact_phone_masked"] == ["******", "******"]


def test_citizen_addresses_are_not_kept_in_the_log(client, settings):
    assert settings.AUDITLOG_DISABLE_REMOTE_ADDR is True


def test_committee_searches_the_log_by_model_and_actor(client, committee, leader, db):
    period = PeriodFactory()
    period.status = Period.Status.CLOSED
    period.save()
    LogEntry.objects.filter(pk=entries_for(period).last().pk).update(actor=committee)
    ct = ContentType.objects.get_for_model(Period)
    for user in (committee, leader):
        client.force_login(user)
        response = client.get("/audit/", {"model": ct.pk, "actor": "committee"})
        assert response.status_code == 200
        page = response.context["page"]
        assert [e.object_pk for e in page.object_list] == [str(period.pk)]
        assert "未开放 → 已截止" in response.content.decode()


def test_audit_search_by_object_and_date(client, committee, db):
    period = PeriodFactory()
    client.force_login(committee)
    response = client.get("/audit/", {"object": str(period.pk), "date_from": "2000-01-01"})
    assert str(period) in response.content.decode()
    response = client.get("/audit/", {"object": str(period.pk), "date_to": "2000-01-01"})
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("actor", ["unit_admin", "secretary", "nobody"])
def test_only_committee_and_leaders_read_the_log(client, actor, request):
    client.force_login(request.getfixturevalue(actor))
    assert client.get("/audit/").status_code == 403


def test_the_audit_page_accepts_no_writes(client, committee):
    client.force_login(committee)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/audit/").status_code == 405


def test_no_route_of_the_application_writes_the_log():
    """Only /audit/ and the admin touch LogEntry; every view module is checked by name."""
    import inspect

    offenders = []

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern).startswith("admin/"):
                    continue
                walk(p.url_patterns)
                continue
            module = inspect.getmodule(p.callback)
            source = inspect.getsource(module) if module else ""
            if "LogEntry" in source and module.__name__ != "units.views_audit":
                offenders.append(f"{p.pattern} ({module.__name__})")

    walk(get_resolver().url_patterns)
    assert offenders == []


def test_admin_shows_the_log_read_only(rf, db):
    from django.contrib.auth.models import AnonymousUser

    model_admin = admin.site._registry[LogEntry]
    request = rf.get("/admin/auditlog/logentry/")
    request.user = AnonymousUser()
    request.resolver_match = None
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False


def test_superuser_cannot_delete_an_entry_in_the_admin(client, db):
    from tests.factories import UserFactory

    boss = UserFactory(username="root", is_superuser=True, is_staff=True)
    period = PeriodFactory()
    entry = entries_for(period).first()
    client.force_login(boss)
    url = f"/admin/auditlog/logentry/{entry.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_audit_page_query_count_does_not_grow_with_entries(client, committee, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    client.force_login(committee)
    UnitFactory()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/audit/").status_code == 200
    for _ in range(10):
        UnitFactory()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/audit/").status_code == 200
    assert len(many) <= len(few)  # the first request also fills the content-type cache


def test_the_log_speaks_the_readers_language(client, committee, db):
    """Choices by their labels, booleans 是/否, related objects by name, local time without
    microseconds (issue 18 §8)."""
    from reports.models import ReportJob
    from tests.factories import UnitFactory

    period = PeriodFactory(kind=Period.Kind.Q3)
    committee.full_name = "王敏"
    committee.save()
    job = ReportJob.objects.create(kind=ReportJob.Kind.BULLETIN, period=period, scope="all")
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING)
    job.refresh_from_db()
    job.status = ReportJob.Status.DONE
    job.save()
    from assessment.models import ScoreSnapshot

    ScoreSnapshot.objects.create(period=period, revision=1, data={}, created_by=committee)
    unit = UnitFactory(active=True)
    unit.active = False
    unit.save()
    client.force_login(committee)
    html = client.get("/audit/").content.decode()
    running, done = ReportJob.Status.RUNNING.label, ReportJob.Status.DONE.label
    assert f"{running} → {done}" in html
    assert f"— → {period.plan.year} 第三季度" in html  # 考核节点, not its id
    assert "— → 王敏" in html  # 操作人, not the user's id
    assert "是 → 否" in html
    for raw in ("running", "False", "True", f"考核节点</dt><dd>— → {period.pk}</dd>"):
        assert raw not in html


def test_logged_times_are_local_without_microseconds(db):
    from assessment.models import ScoreSnapshot
    from units import audit

    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(ScoreSnapshot),
        object_pk="1",
        action=LogEntry.Action.CREATE,
        changes={"created_at": ["None", "2026-09-30 16:05:09.123456"], "revision": ["None", "1"]},
    )
    assert audit.describe(entry) == [("时间", "—", "2026-10-01 00:05:09"), ("版次", "—", "1")]
