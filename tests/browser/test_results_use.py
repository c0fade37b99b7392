"""结果运用 in Chromium (issue 16): committee staff open the three uses of the published 2025
annual result from the navigation and download each export; the files are opened and
checked (title rows, columns, values of tests/assessment/results_world.py)."""

import io

import pytest
from openpyxl import load_workbook

from tests.assessment.results_world import *  # noqa: F403
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = [
    ("评先评优", "awards-2025.xlsx", "评先评优候选名单 · 2025 年度", "不列入原因"),
    ("绩效奖励", "performance-rewards-2025.xlsx", "绩效奖励等次名单 · 2025 年度", "考核等次"),
    ("干部考核参考", "cadre-reference-2025.xlsx", "干部考核参考 · 2025 年度", "述职评议等次"),
]


def test_committee_downloads_the_three_exports(page, results_world, committee):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(page, "committee")
    page.click("nav >> text=考核")
    with page.expect_navigation():
        page.click("nav >> text=结果运用")
    assert page.url.endswith("/results/2025/awards/")
    assert "评先评优候选单位（1 个）" in page.locator("main").inner_text()
    books = {}
    for tab, filename, title, column in TABS:
        with page.expect_navigation():
            page.click(f"main .nav-tabs >> text={tab}")
        assert "发布版次：第 1 版" in page.locator("main").inner_text()
        with page.expect_download() as download:
            page.click("main >> text=导出 Excel")
        assert download.value.suggested_filename == filename
        with open(download.value.path(), "rb") as handle:
            book = load_workbook(io.BytesIO(handle.read()))
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        assert rows[0][0] == title
        assert rows[1][0].startswith("考核节点：2025 年度大考 · 发布版次：第 1 版（")
        assert rows[2][0].startswith("导出时间：")
        assert column in rows[3]
        books[tab] = rows
    assert [r[1] for r in books["评先评优"][4:]] == ["省甲厅", "省乙局", "省丙办", "省丁委"]
    assert [r[7] for r in books["评先评优"][4:]] == ["候选", "不列入", "不列入", "不列入"]
    assert [(r[1], r[5], r[6]) for r in books["绩效奖励"][4:]] == [
        ("省甲厅", "优秀", 92.5),
        ("省乙局", "良好", 85.0),
        ("省丙办", "一般", 81.0),
        ("省丁委", "较差", 55.0),
    ]
    assert [(r[1], r[8], r[9], r[10]) for r in books["干部考核参考"][4:]] == [
        ("省甲厅", "—", 2, 1),
        ("省乙局", "—", 0, 0),
        ("省丙办", "—", 0, 0),
        ("省丁委", "—", 1, 1),
    ]
    assert errors == []


def test_the_pages_fit_a_phone(page, results_world, committee):
    browser_login(page, "committee")
    page.set_viewport_size({"width": 390, "height": 844})
    for use in ("awards", "rewards", "cadres"):
        page.goto(f"{page.base_url}/results/2025/{use}/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{use}: sideways scroll ({width}px)"
    page.goto(f"{page.base_url}/turnaround/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
