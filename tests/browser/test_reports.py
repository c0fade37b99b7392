from unittest import mock

import pytest

from assessment.models import Period
from reports import services
from reports.models import ReportJob
from tests.factories import PeriodFactory
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closed_q1(world):
    period = PeriodFactory()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    return period


def test_committee_generates_the_bulletin_and_downloads_it(page, closed_q1, committee):
    browser_login(page, "committee")
    with page.expect_navigation():
        page.click("nav >> text=报告")
    assert page.locator("h1").first.inner_text() == "报告"
    assert page.locator("#id_unit").is_visible()  # a unit scorecard names its unit
    assert page.locator("#id_branch").is_hidden()
    page.select_option("#id_kind", "bulletin")
    assert page.locator("#id_unit").is_hidden()  # the bulletin covers every unit
    with page.expect_navigation():
        page.click("#report-request button[type=submit]")
    assert "报告已生成" in page.locator(".alert").first.inner_text()
    row = page.locator("#report-jobs tbody tr").first
    assert "考核结果通报（PDF）" in row.inner_text()
    assert "已完成" in row.inner_text()
    with page.expect_download() as download:
        row.locator("text=下载").click()
    assert download.value.suggested_filename == "2024年第一季度-考核结果通报.pdf"


def test_the_list_follows_a_running_job_until_it_can_be_downloaded(page, closed_q1, committee):
    with mock.patch.object(services, "send_job"):  # queued, as if a worker had not started
        job = services.request_report(
            kind=ReportJob.Kind.RECTIFICATION, period=closed_q1, by=committee
        ).job
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/reports/")
    row = page.locator(f'tr[data-job="{job.pk}"]')
    assert "排队中" in row.inner_text()
    services.run_job(job.pk)  # the "worker" finishes
    row.locator("text=下载").wait_for(timeout=10000)
    assert "已完成" in row.inner_text()
    assert row.locator(".progress").get_attribute("aria-valuenow") == "100"


def test_secretary_asks_for_the_own_branch_feedback_sheet(page, closed_q1, secretary):
    browser_login(page, "secretary")
    page.goto(f"{page.base_url}/reports/")
    assert page.locator("#id_kind option").all_inner_texts() == ["支部反馈单"]
    assert page.locator("#id_branch option").all_inner_texts() == [
        "请选择党支部",
        "甲厅 · 甲厅第一党支部",
    ]
    page.select_option("#id_branch", label="甲厅 · 甲厅第一党支部")
    with page.expect_navigation():
        page.click("#report-request button[type=submit]")
    assert "已完成" in page.locator("#report-jobs tbody tr").first.inner_text()
