"""Pages of 四级协同 and 述职评议: the party roles' home pages, 签字确认, and a 述职 from
draft to grade."""

import datetime as dt

import pytest

from assessment.models import DutyReport, Indicator, PartyConfirmation, Period
from assessment.services import duty as service
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import submitted_world, today
from tests.factories import PeriodFactory, UserFactory
from tests.helpers import confirm_password
from units.models import Role
from units.services import grant_role


@pytest.fixture
def party_secretary(unit_a, committee):
    user = UserFactory(username="partysecretary")
    grant_role(user, Role.Kind.PARTY_SECRETARY, unit=unit_a, by=committee)
    return user


@pytest.fixture
def party_member(unit_a, branch_a2, committee):
    user = UserFactory(username="partymember")
    grant_role(user, Role.Kind.PARTY_MEMBER, unit=unit_a, branches=[branch_a2], by=committee)
    return user


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


def test_party_secretary_home_lists_what_awaits_the_signature(
    client, world, secretary, party_secretary, half_year, items
):
    submitted_world(half_year, world["a1"], secretary, items)
    client.force_login(party_secretary)
    response = client.get("/")
    assert response.templates[0].name == "home/party.html"
    rows = response.context["desk"].confirmations
    assert [(r.unit.name, r.awaiting) for r in rows] == [("省甲厅", 3)]
    assert [(b.name, b.n_done) for b in response.context["branch_progress"]] == [
        ("甲厅第一党支部", 3),
        ("甲厅第二党支部", 0),
    ]
    html = response.content.decode()
    assert "需要您签字确认" in html and "签字确认" in html and "述职评议" in html


def test_party_member_home_shows_only_their_branches(client, world, party_member, period, items):
    client.force_login(party_member)
    response = client.get("/")
    assert response.templates[0].name == "home/party.html"
    assert [b.name for b in response.context["branch_progress"]] == ["甲厅第二党支部"]
    assert response.context["desk"].confirmations == []
    assert client.get(f"/quarter/{period.pk}/{world['a2'].pk}/").status_code == 200
    assert client.get(f"/quarter/{period.pk}/{world['a1'].pk}/").status_code == 404
    assert client.post(f"/quarter/{period.pk}/{world['a2'].pk}/submit/").status_code == 403


def test_party_secretary_confirms_on_the_page(
    client, world, secretary, committee, party_secretary, half_year, items
):
    submitted_world(half_year, world["a1"], secretary, items)
    client.force_login(committee)
    assert "等待党组书记签字" in client.get("/confirmations/").content.decode()
    url = f"/confirmations/{half_year.pk}/{world['unit_a'].pk}/confirm/"
    assert client.post(url).status_code == 403
    client.force_login(party_secretary)
    response = client.post(url, {"note": "经审阅属实"}, follow=True)
    assert "已签字确认" in response.content.decode()
    confirmation = PartyConfirmation.objects.get()
    assert (confirmation.status, confirmation.note) == ("confirmed", "经审阅属实")
    client.force_login(committee)
    assert client.get("/review/").context["page"].paginator.count == 3


def test_duty_report_from_draft_to_grade_on_the_pages(
    client, world, committee, party_secretary, secretary
):
    client.force_login(committee)
    confirm_password(client)
    response = client.post("/duty/draft/", {"year": 2025})
    assert response.status_code == 302
    assert DutyReport.objects.filter(year=2025).count() == 5
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)

    client.force_login(secretary)
    assert client.get(f"/duty/{report.pk}/").status_code == 404  # not theirs to read
    assert client.post(f"/duty/{report.pk}/edit/", {"duties": "x"}).status_code == 404
    client.force_login(world_admin := UserFactory(username="ua"))
    grant_role(world_admin, Role.Kind.UNIT_ADMIN, unit=world["unit_a"], by=committee)
    assert client.get(f"/duty/{report.pk}/").context["may_edit"] is False
    assert client.post(f"/duty/{report.pk}/edit/", {"duties": "x"}).status_code == 403

    client.force_login(party_secretary)
    page = client.get(f"/duty/{report.pk}/")
    assert page.context["may_edit"] is True
    data = {
        "duties": "全年履职。",
        "highlights": "红色党日。",
        "problems": "无。",
        "plans": "明年更好。",
    }
    client.post(f"/duty/{report.pk}/edit/", {**data, "submit": "1"})
    report.refresh_from_db()
    assert (report.status, report.duties, report.plans) == ("submitted", "全年履职。", "明年更好。")

    client.force_login(committee)
    confirm_password(client)
    assert client.get(f"/duty/{report.pk}/").context["may_grade"] is True
    client.post(f"/duty/{report.pk}/grade/", {"grade": "excellent", "comment": "担当有力"})
    report.refresh_from_db()
    assert (report.status, report.grade, report.grade_comment) == (
        "graded",
        "excellent",
        "担当有力",
    )
    listing = client.get("/duty/", {"year": 2025, "status": "graded"})
    assert [r.pk for r in listing.context["page"]] == [report.pk]
    assert ("好", 1) in listing.context["grade_counts"]


def test_submit_with_an_empty_section_is_refused_and_keeps_the_text(
    client, world, committee, party_secretary
):
    service.draft_reports(2025, by=committee)
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)
    client.force_login(party_secretary)
    data = {"duties": "全年履职。", "highlights": "红色党日。", "problems": "", "plans": " "}
    response = client.post(f"/duty/{report.pk}/edit/", {**data, "submit": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "以下部分尚未填写：存在问题、下一步打算。请填写后再提交述职报告。",
        "已保存草稿。",
    ]
    report.refresh_from_db()
    assert (report.status, report.duties, report.highlights) == (
        "draft",
        "全年履职。",
        "红色党日。",
    )
    form = response.context["text_form"]
    assert (form["duties"].value(), form["highlights"].value()) == ("全年履职。", "红色党日。")
    assert "述职报告已提交" not in response.content.decode()


def test_draft_time_shows_in_local_time(client, world, committee, party_secretary):
    service.draft_reports(2025, by=committee)
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)
    # Stored as drafted: UTC ISO text; Asia/Shanghai is eight hours ahead.
    report.figures["drafted_at"] = "2026-12-04T20:36:35+00:00"
    report.save()
    client.force_login(party_secretary)
    html = client.get(f"/duty/{report.pk}/").content.decode()
    assert "生成于 2026-12-05 04:36" in html
    assert "2026-12-04T20:36" not in html


def test_detail_page_fits_a_phone(client, world, committee, party_secretary):
    """Tables scroll inside their card and the text areas take the card's width (an
    unstyled textarea keeps 40 columns); tests/browser/test_duty.py measures it."""
    service.draft_reports(2025, by=committee)
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)
    report.figures["score"]["standards"] = [["信念坚实", "85.00"], ["理论扎实", "90.00"]]
    report.save()
    client.force_login(party_secretary)
    response = client.get(f"/duty/{report.pk}/")
    html = response.content.decode()
    assert html.count("<table") == 2
    assert html.count('<div class="table-responsive"><table') == 2
    form = response.context["text_form"]
    assert [form[name].field.widget.attrs["class"] for name in form.fields] == ["form-control"] * 4


def test_duty_pages_keep_their_query_count(client, world, committee, django_assert_max_num_queries):
    service.draft_reports(2025, by=committee)
    client.force_login(committee)
    with django_assert_max_num_queries(12):
        client.get("/duty/")
    from tests.factories import BranchFactory

    for n in range(6):
        BranchFactory(unit=world["unit_b"], name=f"乙局增设第{n}支部")
    service.draft_reports(2025, by=committee)
    with django_assert_max_num_queries(12):
        client.get("/duty/")


def test_secretary_cannot_open_the_confirmation_page(client, secretary):
    client.force_login(secretary)
    assert client.get("/confirmations/").status_code == 403


def test_party_home_keeps_its_query_count(
    client, world, party_secretary, period, items, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BranchFactory

    client.force_login(party_secretary)
    client.get("/")  # warm: session, content types
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    for n in range(8):
        BranchFactory(unit=world["unit_a"], name=f"甲厅增设第{n}支部")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/").context["branch_progress"]) == 10
    assert len(large) == len(small)


def test_admin_refuses_a_member_branch_of_another_unit(world):
    from units.admin import RoleForm

    form = RoleForm(
        data={"kind": "party_member", "unit": world["unit_a"].pk, "branches": [world["b1"].pk]}
    )
    assert not form.is_valid()
    assert "不属于该单位" in str(form.errors)
    ok = RoleForm(
        data={"kind": "party_member", "unit": world["unit_a"].pk, "branches": [world["a1"].pk]}
    )
    assert ok.is_valid(), ok.errors
