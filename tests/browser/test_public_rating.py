"""A citizen rates a unit 非常不满意 from a phone; the unit answers; the citizen reads it."""

import re
from pathlib import Path

import pytest

from feedback.models import FollowUpCase, Rating
from feedback.workdays import add_working_days, seed_from_library
from tests.factories import BranchFactory, UnitCategoryFactory, UnitFactory, user_with_role
from tests.helpers import browser_login
from units.models import Role

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # lets the test inject axe-core; the pages themselves run no inline JS
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def test_citizen_rates_from_a_phone_and_reads_the_units_reply(phone, page):
    seed_from_library()
    unit = UnitFactory(
        name="省政务服务局",
        short_name="政务服务局",
        slug="zwfw",
        category=UnitCategoryFactory(code="service", name="窗口服务类"),
    )
    BranchFactory(unit=unit)
    user_with_role(Role.Kind.UNIT_ADMIN, unit=unit, username="zwfwadmin")

    # The citizen finds the unit and rates it, without an account.
    phone.goto(f"{phone.base_url}/rate/")
    assert serious_violations(phone) == []
    phone.get_by_role("link", name=re.compile("省政务服务局")).click()
    phone.wait_for_url(re.compile("/rate/zwfw/"))
    assert serious_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    overall = phone.get_by_role("group", name=re.compile("总体评价"))
    choice = overall.get_by_label("非常不满意", exact=True)
    box = phone.locator("label[for=id_level_4]").bounding_box()
    assert box["height"] >= 44  # a big touch target
    phone.locator("label[for=id_level_4]").tap()
    assert choice.is_checked()
    phone.get_by_label("意见建议（选填）").fill("窗口中午无人值守，等了一个小时。")
    phone.get_by_label("手机号码（选填）").fill("13812345678")
    phone.get_by_label(re.compile("我同意该单位")).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.wait_for_url(re.compile("/rate/receipt/"))
    assert "评价已提交" in phone.content()
    receipt = phone.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", receipt)
    assert serious_violations(phone) == []

    rating = Rating.objects.get(receipt=receipt)
    assert (rating.level, rating.contact_phone_masked) == ("very_dissatisfied", "138****5678")
    case = FollowUpCase.objects.get(rating=rating)
    assert case.reply_due == add_working_days(rating.received_on, 5)

    # The unit administrator sees the case with its deadline and replies.
    page.base_url = phone.base_url
    browser_login(page, "zwfwadmin")
    page.goto(f"{page.base_url}/feedback/cases/")
    page.get_by_role("link", name=receipt).click()
    assert page.locator("#reply-due").inner_text().startswith(case.reply_due.strftime("%Y-%m-%d"))
    assert "138****5678" in page.content() and "13812345678" not in page.content()
    page.get_by_label("答复内容").fill("已调整午间值班安排，感谢您的监督。")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    assert "答复已保存" in page.content()

    # The citizen looks the receipt up and reads the reply.
    phone.goto(f"{phone.base_url}/rate/receipt/")
    phone.get_by_label("回执号").fill(receipt.lower())
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_url(re.compile(f"/rate/receipt/{receipt}/"))
    assert phone.locator("#reply-text").inner_text() == "已调整午间值班安排，感谢您的监督。"
    assert serious_violations(phone) == []


def test_public_form_works_without_javascript(browser, live_server):
    seed_from_library()
    UnitFactory(name="省教育厅", slug="jyt")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/rate/jyt/")
    page.locator("label[for=id_level_0]").click()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url(re.compile("/rate/receipt/"))
    assert Rating.objects.get().level == "very_satisfied"
    context.close()
