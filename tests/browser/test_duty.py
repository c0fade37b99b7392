"""Chromium: a 党组书记 signs off the unit's half-year submissions from the home page, and a
述职 goes from the platform's draft through edit, submit and grade to its PDF."""

import datetime as dt

import pytest

from assessment.models import DutyReport, Indicator, PartyConfirmation, Period
from assessment.services import duty as service
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import submitted_world, today
from tests.factories import PeriodFactory, UserFactory
from tests.helpers import browser_login
from units.models import Role
from units.services import grant_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def party_secretary(unit_a, committee):
    user = UserFactory(username="partysecretary", full_name="赵志刚")
    grant_role(user, Role.Kind.PARTY_SECRETARY, unit=unit_a, by=committee)
    return user


def _logout(page):
    page.context.clear_cookies()


def test_party_secretary_signs_off_and_the_committee_then_reviews(
    page, world, secretary, committee, party_secretary, plan, system, items
):
    plan.require_party_confirmation = True
    plan.save()
    Indicator.objects.filter(pk__in=[i.pk for i in items.values()]).update(
        frequency=Indicator.Frequency.HALF_YEAR
    )
    half_year = PeriodFactory(
        plan=plan,
        kind=Period.Kind.H1,
        opens_on=today() - dt.timedelta(days=5),
        deadline=today() + dt.timedelta(days=10),
        status=Period.Status.OPEN,
        system=system,
    )
    submitted_world(half_year, world["a1"], secretary, items)

    browser_login(page, "committee")
    page.goto(f"{page.base_url}/review/")
    assert "“三会一课”制度落实" not in page.inner_text("main")  # waits for the signature
    _logout(page)

    browser_login(page, "partysecretary")
    notice = page.locator("#needs-confirmation")
    assert f"甲厅 {today().year} 半年小考：待确认 3 项" in notice.inner_text()
    with page.expect_navigation():
        notice.locator("text=去签字确认").click()
    page.fill(f"#note-{half_year.pk}-{world['unit_a'].pk}", "经党组会审阅，情况属实")
    with page.expect_navigation():
        page.click(f"button[data-confirm-unit='{world['unit_a'].pk}']")
    assert "已签字确认" in page.locator(".alert").first.inner_text()
    assert "赵志刚" in page.inner_text("main")
    confirmation = PartyConfirmation.objects.get()
    assert (confirmation.status, confirmation.note) == ("confirmed", "经党组会审阅，情况属实")
    page.goto(page.base_url + "/")
    assert page.locator("#needs-confirmation").count() == 0
    _logout(page)

    browser_login(page, "committee")
    page.goto(f"{page.base_url}/confirmations/")
    assert "已签字确认" in page.inner_text("main")
    page.goto(f"{page.base_url}/review/")
    assert "“三会一课”制度落实" in page.inner_text("main")


def test_duty_report_draft_edit_submit_grade_and_pdf(
    page, world, committee, party_secretary, tmp_path
):
    service.draft_reports(2025, by=committee)
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)

    browser_login(page, "partysecretary")
    with page.expect_navigation():
        page.click("nav >> text=述职评议")
    with page.expect_navigation():
        page.click(f"a[href='/duty/{report.pk}/']")
    assert "2025年，省甲厅党组书记履行党建工作责任" in page.input_value("#id_duties")
    page.fill("#id_plans", "压紧压实主体责任，推进支部标准化建设。")
    with page.expect_navigation():
        page.click("button[name=save]")
    assert "已保存草稿" in page.locator(".alert").first.inner_text()
    assert page.input_value("#id_plans") == "压紧压实主体责任，推进支部标准化建设。"
    page.fill("#id_highlights", "1. 党组带头落实“第一议题”制度。")
    with page.expect_navigation():
        page.click("button[name=submit]")
    alert = page.locator(".alert").first.inner_text()
    assert "以下部分尚未填写：存在问题。请填写后再提交述职报告。" in alert
    assert page.locator("#duty-status").inner_text() == "草稿"
    assert page.input_value("#id_highlights") == "1. 党组带头落实“第一议题”制度。"
    page.fill("#id_problems", "1. 个别支部学用结合不紧。")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert page.locator("#duty-status").inner_text() == "已提交"
    assert page.locator("#duty-form").count() == 0
    _logout(page)

    browser_login(page, "committee")
    page.goto(f"{page.base_url}/duty/?status=submitted")
    with page.expect_navigation():
        page.click(f"a[href='/duty/{report.pk}/']")
    page.check("#grade-form input[value=good]")
    page.fill("#id_comment", "责任落实到位，整改还需加快。")
    with page.expect_navigation():
        page.click("#grade-form button")
    assert page.locator("#duty-status").inner_text() == "已评议"
    assert "评议等次：较好" in page.inner_text("main")

    href = page.get_attribute("#duty-pdf", "href")
    response = page.request.get(page.base_url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    from tests.reports.conftest import pdf_text

    text = pdf_text(body, tmp_path)
    assert "推进支部标准化建设" in text and "较好" in text
    report.refresh_from_db()
    assert (report.status, report.grade) == ("graded", "good")


def test_a_draft_being_edited_fits_a_phone(page, world, committee, party_secretary):
    service.draft_reports(2025, by=committee)
    report = DutyReport.objects.get(year=2025, unit=world["unit_a"], branch=None)
    # The year's six standards, as a scored year gives them: the widest table of the page.
    report.figures["score"] = {
        "period": "2025 年度大考",
        "total": "69.09",
        "max_points": "100.00",
        "standards": [
            [label, "100.00"]
            for label in ("信念坚实", "理论扎实", "组织夯实", "作风务实", "纪律压实", "服务求实")
        ],
    }
    report.save()
    browser_login(page, "partysecretary")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/duty/{report.pk}/")
    assert page.locator("#duty-form textarea").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
