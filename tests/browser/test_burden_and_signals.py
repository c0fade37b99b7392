"""为基层减负 and 形式主义预警 in the browser: the calendar in the indicator editor with a
change tried; a flagged item in the review queue with its evidence; the period's page."""

import pytest

from assessment.models import FormalismSignal
from assessment.services import signals
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_default_periods
from tests.assessment.signals_world import *  # noqa: F403
from tests.assessment.signals_world import ONE_SENTENCE_CHANGED, REPORT, filed
from tests.factories import AnnualPlanFactory
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    page.screenshot(path=f"/tmp/shots/{name}.png", full_page=True)


def test_the_editor_shows_the_calendar_and_a_designer_tries_a_change(page, committee, unit_a):
    plan = AnnualPlanFactory(year=2026)
    create_default_periods(plan)
    system = load_template(plan, by=committee)
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/indicators/{system.pk}/")
    card = page.locator("#burden-calendar")
    assert "全年 60 项" in card.inner_text()
    assert "6月29日–7月12日 窗口重叠，同时报送 17 项，超过上限 15" in card.inner_text()
    assert card.locator(".wk.over").count() == 4  # two weeks in July, two in December
    card.screenshot(path="/tmp/shots/editor-calendar.png")

    page.click("text=按周查看、试着调整、实测用时")
    page.click("summary:has-text('试着调整')")
    page.fill("input[name=h1_opens]", "2026-07-13")
    page.fill("input[name=h1_deadline]", "2026-07-31")
    with page.expect_navigation():
        page.click("button:has-text('试算')")
    tried = page.locator("#tried-calendar").inner_text()
    assert "试算结果（尚未保存）" in tried
    assert "6月29日" not in tried and "11月30日–12月13日" in tried
    shot(page, "plan-burden-tried")
    page.goto(f"{page.base_url}/indicators/{system.pk}/preview/")
    shot(page, "preview")


def test_a_flagged_item_in_the_review_queue_shows_its_evidence(page, sw, committee):
    filed(sw, sw["q1"], sw["a1"], sw["i1"], REPORT)
    mine = filed(sw, sw["q2"], sw["a1"], sw["i1"], ONE_SENTENCE_CHANGED)
    filed(sw, sw["q2"], sw["b1"], sw["i2"], REPORT)
    signals.compute_period(sw["q2"])
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/review/?period={sw['q2'].pk}&status=&signal=any")
    rows = page.locator("tr.queue-row")
    assert rows.count() == 1
    assert "与本支部上期雷同" in rows.first.inner_text()
    page.click(f"tr.queue-row >> text={mine.indicator.code}")
    evidence = page.locator(".signals-card")
    assert "相似度 0.70" in evidence.inner_text()
    assert "与本支部 2026 第一季度 对同一指标的填报几乎相同。" in evidence.inner_text()
    assert evidence.locator("ins.new").count() >= 1
    shot(page, "queue-flagged")
    evidence.locator("input[name=reason]").fill("本季度工作与上季度延续，已电话核实")
    with page.expect_navigation():
        evidence.locator("button:has-text('排除')").click()
    assert "已排除该预警" in page.inner_text("main")
    assert FormalismSignal.objects.get().status == "dismissed"


def test_the_periods_signals_page_counts_by_unit_and_kind(page, sw, committee):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT + "。")
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/signals/{sw['q2'].pk}/")
    assert "本节点没有待核实的预警" in page.inner_text("main")
    with page.expect_navigation():
        page.click("button:has-text('重新检查本节点')")
    page.goto(f"{page.base_url}/signals/{sw['q2'].pk}/")
    counts = page.locator("#signal-counts").inner_text()
    assert "省甲厅" in counts and "省乙局" in counts
    assert "待核实预警 2 条" in counts
    assert page.locator("#signal-list .signal").count() == 2
    shot(page, "period-signals")
