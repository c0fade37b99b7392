"""The whole quarter in Chromium: a secretary fills and submits with an attachment, staff
return one item, the secretary answers (surviving an expired session), staff accept and
score."""

from decimal import Decimal

import pytest

from assessment.models import Submission
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import PDF_BYTES
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_saved(page):
    page.wait_for_selector("#autosave-status:has-text('已自动保存')")


def test_secretary_submits_staff_return_secretary_answers_staff_accept(
    page, browser, live_server, world, secretary, committee, period, items, tmp_path
):
    attachment = tmp_path / "理论学习记录.pdf"
    attachment.write_bytes(PDF_BYTES)

    # 1. The secretary fills the quarter from the home page and submits.
    browser_login(page, "secretary")
    assert page.locator("h1").first.inner_text() == "本季度任务"
    page.click("text=B1 “三会一课”制度落实")
    page.fill("#id_narrative", "按月召开支委会，按季度讲党课。")
    page.click("button[name=save]")
    page.click(".breadcrumb >> text=本季度任务")
    # 「保存并填下一项」 follows the list: B2 (信念坚实), B3 (理论扎实), then the draft B1
    # (组织夯实).
    page.click("text=B2 开展主题党日")
    assert "第 1 / 3 项" in page.inner_text(".breadcrumb")
    page.fill("#id_value", "3")
    _wait_saved(page)  # autosave, no click
    page.click("button[name=save_next]")
    assert "第 2 / 3 项" in page.inner_text(".breadcrumb")
    page.set_input_files("#id_files", str(attachment))  # uploads and ticks at once
    page.wait_for_selector("text=已上传并勾选：理论学习记录.pdf")
    assert "正在上传" not in page.inner_text("#upload-status")  # gone once it succeeded
    page.click("button[name=save_next]")
    assert "第 3 / 3 项" in page.inner_text(".breadcrumb")
    assert page.input_value("#id_narrative") == "按月召开支委会，按季度讲党课。"
    page.click("button[name=save_next]")  # the last item leads back to the list
    page.click("button:has-text('提交')")
    assert "已提交 3 项" in page.locator(".alert-success").inner_text()
    assert Submission.objects.filter(status="submitted").count() == 3

    # 2. Staff return B1 with a reason, the next item opens by itself, accept the rest.
    staff = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    review = staff.new_page()
    review.base_url = page.base_url
    browser_login(review, "committee")
    review.goto(f"{page.base_url}/review/")
    assert "B1" in review.locator("#review-form").locator("..").inner_text()
    review.fill("#id_comment", "请补充党课签到表")
    review.keyboard.press("Escape")
    review.keyboard.press("r")
    review.wait_for_selector(".alert-success")
    assert "B2" in review.locator(".review-detail h2").inner_text()  # next opened by itself
    review.keyboard.press("a")  # quantitative: the computed score is confirmed
    review.wait_for_selector("text=已通过“开展主题党日”")
    assert "B3" in review.locator(".review-detail h2").inner_text()
    review.keyboard.press("1")
    review.keyboard.press("a")
    review.wait_for_selector("text=已通过“理论学习记录”")

    # 3. The secretary sees the reason and answers; the session expires while typing.
    page.goto(page.base_url + "/")
    assert "退回原因：请补充党课签到表" in page.content()
    page.click("text=B1 “三会一课”制度落实")
    page.context.clear_cookies()
    page.fill("#id_answer", "已补充党课签到表扫描件")
    page.wait_for_selector("#session-alert:not(.d-none)")
    assert "重新登录" in page.inner_text("#session-alert")
    item_url = page.url
    browser_login(page, "secretary")
    page.goto(item_url)
    assert page.input_value("#id_answer") == "已补充党课签到表扫描件"  # restored
    _wait_saved(page)
    page.goto(page.base_url + "/")
    page.click("button:has-text('提交')")
    assert "已提交 1 项" in page.locator(".alert-success").inner_text()

    # 4. Staff accept the answered item with grade C.
    review.goto(f"{page.base_url}/review/")
    assert "已补充党课签到表扫描件" in review.inner_text(".review-detail")
    review.keyboard.press("3")
    review.keyboard.press("a")
    review.wait_for_selector("text=已通过“‘三会一课’制度落实”")
    staff.close()

    scores = dict(Submission.objects.values_list("indicator__code", "reviewer_score").order_by())
    assert scores == {"B1": Decimal("6.00"), "B2": Decimal("6.00"), "B3": Decimal("5.00")}
    assert set(Submission.objects.values_list("status", flat=True)) == {"accepted"}
