"""Committee staff build a small indicator system in the browser and open Q1."""

import pytest
from playwright.sync_api import expect

from assessment.models import Period
from assessment.services.plans import create_cycle
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_item(page, *, code, name, weight, max_score, kind=None, standard=None, goal=None):
    page.fill("#id_code", code)
    page.fill("#id_name", name)
    if kind:
        page.select_option("#id_kind", kind)
    if standard:
        page.select_option("#id_standard", standard)
    if goal:
        page.select_option("#id_goal", goal)
    page.fill("#id_weight", weight)
    page.fill("#id_max_score", max_score)
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('保存')")


def test_committee_builds_a_small_system_and_opens_q1(page, committee, world):
    create_cycle(by=committee, title="2027—2029年创建模范机关三年行动计划", start_year=2027)
    browser_login(page, "committee")
    page.click("nav >> text=计划与指标")
    page.click("nav .dropdown-menu >> text=创建计划")
    page.click("text=2027 年")
    with page.expect_navigation():
        page.click("button:has-text('新建空白指标体系')")
    assert "体系还是空的" in page.inner_text("main")

    page.click("text=添加维度")
    add_item(
        page, code="D1", name="组织夯实", weight="100", max_score="100", standard="organisation"
    )
    page.locator("tr:has-text('D1') >> text=添加下级").click()
    add_item(
        page,
        code="I1",
        name="三会一课",
        weight="60",
        max_score="60",
        kind="graded",
        goal="politics",
    )
    page.locator("tr:has-text('D1') >> text=添加下级").click()
    add_item(
        page,
        code="I2",
        name="主题党日",
        weight="30",
        max_score="40",
        kind="yes_no",
        goal="politics",
    )

    # The editor explains the fault in Chinese before anything is opened.
    assert "“D1 组织夯实”的下级指标权重合计为 90%，应为 100%" in page.inner_text("main")

    page.locator("tr:has-text('D1') >> text=调整下级权重").click()
    inputs = page.locator("input.weight-input")
    inputs.nth(1).fill("40")
    # The sum is written by the page's script: wait for it rather than read at once.
    expect(page.locator("#weight-sum")).to_have_text("100.00")
    with page.expect_navigation():
        page.click("button:has-text('保存权重')")
    assert "校验通过" in page.inner_text("main")

    page.goto(f"{page.base_url}/plans/2027/")
    page.click("text=第一季度")
    with page.expect_navigation():
        page.click("button:has-text('开放报送')")
    assert "节点已开放" in page.inner_text("main")
    q1 = Period.objects.get(plan__year=2027, kind="q1")
    assert q1.status == "open"
    assert sorted(q1.system.indicators.values_list("code", "weight")) == [
        ("D1", 100),
        ("I1", 60),
        ("I2", 40),
    ]
