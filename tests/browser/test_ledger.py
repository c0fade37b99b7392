"""整改台账 in Chromium: the ledger filtered by source, standard, status and unit; a notice of
three problems answered by the unit and verified by the committee on the notice page; an
import with one bad row refused whole, its line and reason on the page."""

import datetime as dt

import pytest

from assessment.models import Problem
from assessment.services import ledger
from assessment.services import rectification as notices
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import today
from tests.helpers import browser_login, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(page):
    return sorted(page.locator("#ledger-table tbody tr td:nth-child(2) a").all_inner_texts())


def test_ledger_filters(page, world, committee, unit_admin, graded, quantitative, tmp_path):
    def raise_(unit, source, text, indicator):
        return ledger.raise_problem(
            committee, unit=world[unit], source=source, description=text, indicators=[indicator]
        )

    first = raise_("unit_a", "audit", "审计问题甲", graded)
    raise_("unit_a", "tour", "巡察问题乙", quantitative)
    raise_("unit_b", "audit", "审计问题丙", graded)
    ledger.answer(first, by=unit_admin, text="已整改")
    browser_login(page, "committee")
    page.goto(page.base_url + "/rectification/")
    assert _rows(page) == ["审计问题丙", "审计问题甲", "巡察问题乙"]
    assert "整改问题 3 个，整改措施 0 条" in page.inner_text("#ledger-line")
    page.select_option("#f-source", "audit")
    with page.expect_navigation():
        page.click("form[aria-label] button[type=submit]")
    assert _rows(page) == ["审计问题丙", "审计问题甲"]
    page.select_option("#f-status", "answered")
    with page.expect_navigation():
        page.click("form[aria-label] button[type=submit]")
    assert _rows(page) == ["审计问题甲"]
    page.select_option("#f-source", "")
    page.select_option("#f-status", "")
    page.select_option("#f-standard", "belief")
    with page.expect_navigation():
        page.click("form[aria-label] button[type=submit]")
    assert _rows(page) == ["巡察问题乙"]
    page.select_option("#f-standard", "")
    page.select_option("#f-unit", str(world["unit_b"].pk))
    with page.expect_navigation():
        page.click("form[aria-label] button[type=submit]")
    assert _rows(page) == ["审计问题丙"]
    assert "整改问题 1 个" in page.inner_text("#ledger-line")
    page.screenshot(path=str(tmp_path / "ledger.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/rectification/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_notice_with_three_problems_answered_and_verified(
    page, world, committee, unit_admin, plan, tmp_path
):
    notice = notices.issue_notice(
        by=committee,
        plan=plan,
        unit=world["unit_a"],
        deadline=today() + dt.timedelta(days=20),
        problems=[{"description": f"第{n}个问题"} for n in "一二三"],
    )
    browser_login(page, "unitadmin")
    url = f"{page.base_url}/rectification/{notice.pk}/"
    for n in range(3):
        page.goto(url)
        form = page.locator("form.answer-form").first
        form.locator("textarea").fill(f"整改情况{n + 1}")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    assert page.locator("form.answer-form").count() == 0
    assert "已反馈" in page.inner_text(".page-header")
    page.context.clear_cookies()
    browser_login(page, "committee")
    for _n in range(3):
        page.goto(url)
        with page.expect_navigation():
            page.locator("form.decide-form").first.locator("button[value=verify]").click()
    page.goto(url)
    assert page.locator("form.decide-form").count() == 0
    assert "已销号" in page.inner_text(".page-header")
    assert set(notice.problems.values_list("status", flat=True)) == {"verified"}
    page.screenshot(path=str(tmp_path / "notice.png"), full_page=True)


def test_import_with_one_bad_row_is_refused_whole(page, world, committee, tmp_path):
    path = tmp_path / "问题导入.xlsx"
    path.write_bytes(
        xlsx_bytes(
            ["单位", "问题来源", "问题描述"],
            [["省甲厅", "审计发现", "账目问题"], ["省甲厅", "外星发现", "另一个问题"]],
        )
    )
    browser_login(page, "committee")
    page.goto(page.base_url + "/rectification/import/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    message = page.inner_text("#import-problems")
    assert "没有导入任何问题" in message
    assert "第 3 行" in message and "“问题来源”应为" in message
    assert Problem.objects.count() == 0
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)


def test_a_measure_marked_done_on_a_phone(page, world, committee, unit_admin, tmp_path):
    problem = ledger.raise_problem(
        committee, unit=world["unit_a"], source="audit", description="审计问题甲"
    )
    measure = ledger.add_measure(
        by=unit_admin,
        problems=[problem],
        description="建立台账月检制度",
        owner="王五",
        due_on=today() - dt.timedelta(days=2),
    )
    evidence = tmp_path / "月检台账.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "unitadmin")
    page.goto(page.base_url + f"/rectification/problems/{problem.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill(f"#done-on-{measure.pk}", today().isoformat())
    page.set_input_files(f"#done-files-{measure.pk}", str(evidence))
    with page.expect_navigation():
        page.click(f"form[action$='/measures/{measure.pk}/done/'] button[type=submit]")
    text = page.inner_text("main")
    assert "逾期完成" in text and "月检台账.pdf" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "measure-done.png"), full_page=True)
