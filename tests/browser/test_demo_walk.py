"""The demo as its users meet it, in Chromium: every role opens every page of its navigation
at laptop (1366 px) and phone (390 px) width with no console error, no untranslated or raw
value and no sideways scroll, and no serious or critical axe-core violation at 1366 px; the
citizen's public pages pass axe at 390 px; the demo secretary's 「保存并填下一项」 visits exactly
the unfinished items, in the list's order. Screenshots of every dashboard go to
$WALK_SCREENSHOTS when it is set."""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from demo.organisation import DEMO_PASSWORD
from feedback.models import Publication
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe" / "axe.min.js"
WIDTHS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
ROLES = [
    "committee",
    "leader",
    "unitadmin",
    "secretary",
    "secretary2",
    "partysecretary",
    "partymember",
    "inspector",
]
# Raw values that must never reach a reader: template syntax, format placeholders, Python
# and JavaScript literals, English status codes.
RAW = re.compile(
    r"\{\{|\{%|%\(\w+\)s|\b(None|True|False|null|undefined|NaN|running|done|pending)\b"
)
# Pages that only act (log out) or are not the platform's own (Django admin).
SKIPPED = re.compile(r"^/(accounts/logout|admin)/")
# Swagger UI draws its own markup (no lang, its badges' contrast) and documents the API's
# own paths and values (/measures/{id}/done/, "status": "running"): checked for everything
# but axe and raw values.
SWAGGER = {"/api/docs/"}


@pytest.fixture
def demo(transactional_db):
    cache.clear()  # figures cached by an earlier test speak of rows flushed since
    call_command("load_demo", "--quiet")


def _context(browser, live_server, width):
    context = browser.new_context(
        locale="zh-CN",
        viewport=WIDTHS[width],
        bypass_csp=True,  # lets the test inject axe-core
        **({"is_mobile": True, "has_touch": True} if width == "phone" else {}),
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.base_url = live_server.url
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def _serious(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], [(n["target"], n["failureSummary"][-160:]) for n in v["nodes"]][:2])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _problems(page, path, *, axe):
    response = page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    found = []
    if response.status != 200:
        found.append(f"status {response.status}")
    text = page.inner_text("body")
    raw = {m.group(0) for m in RAW.finditer(text)}
    if raw and path not in SWAGGER:
        found.append(f"raw values {sorted(raw)}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        found.append(f"scrolls sideways by {overflow}px")
    clipped = page.evaluate(
        "[...document.querySelectorAll('.queue-who')]"
        ".filter(e => e.scrollWidth > e.clientWidth).map(e => e.innerText)"
    )
    if clipped:  # two items of one indicator differ only by the branch's name
        found.append(f"clipped branch names {clipped[:2]}")
    if page.errors:
        found.append(f"console {page.errors[:2]}")
        page.errors.clear()
    if axe and path not in SWAGGER:
        found.extend(f"axe {v}" for v in _serious(page))
    return found


def _navigation(page):
    hrefs = page.eval_on_selector_all(
        "nav a.nav-link[href], nav a.dropdown-item[href]", "els => els.map(e => e.pathname)"
    )
    return [h for h in dict.fromkeys(hrefs) if h != "/" and not SKIPPED.match(h)] + ["/"]


def _walk(browser, live_server, role, shots) -> dict:
    """{(width, path): problems} of every page in the role's navigation, laptop and phone."""
    problems = {}
    for width in WIDTHS:
        context, page = _context(browser, live_server, width)
        browser_login(page, role, DEMO_PASSWORD)
        paths = _navigation(page)
        assert "/dashboard/" in paths, role
        for path in paths:
            found = _problems(page, path, axe=width == "laptop")
            if found:
                problems[(width, path)] = found
            if shots and path in ("/", "/dashboard/"):
                name = "home" if path == "/" else "dashboard"
                page.screenshot(path=f"{shots}/{role}-{name}-{width}.png", full_page=True)
        context.close()
    return problems


def test_every_navigation_page_of_every_role(browser, live_server, demo):
    # One demo for every role (loading it takes longer than walking a role); the pages
    # only read, and the message names each role's problems.
    shots = os.environ.get("WALK_SCREENSHOTS")
    problems = {}
    for role in ROLES:
        for key, found in _walk(browser, live_server, role, shots).items():
            problems[(role, *key)] = found
    assert not problems, "\n".join(f"{key}: {found}" for key, found in problems.items())


def test_public_pages_on_a_phone(browser, live_server, demo):
    publication = Publication.objects.get()
    problems = {}
    context, page = _context(browser, live_server, "phone")
    for path in [
        "/rate/",
        "/rate/zwfw/",
        "/rate/receipt/",
        "/rate/results/",
        f"/rate/results/{publication.pk}/",
    ]:
        found = _problems(page, path, axe=True)
        if found:
            problems[path] = found
    page.goto(f"{page.base_url}/rate/results/{publication.pk}/")
    assert "样本不足" in page.inner_text("#insufficient-note")
    context.close()
    assert not problems, "\n".join(f"{key}: {found}" for key, found in problems.items())


UNFINISHED = ("未开始", "草稿", "已退回")


def test_secretary_save_and_next_visits_the_unfinished_items_in_the_lists_order(
    browser, live_server, demo
):
    context, page = _context(browser, live_server, "laptop")
    browser_login(page, "secretary", DEMO_PASSWORD)
    page.goto(page.base_url + "/quarter/")
    board_url = page.url
    rows = page.eval_on_selector_all(
        "table.board-table tbody tr",
        "rows => rows.map(r => [r.querySelector('a.item-link').innerText.split(' ')[0],"
        " r.querySelector('.badge').innerText])",
    )
    listed = [code for code, _status in rows]
    unfinished = [code for code, status in rows if status in UNFINISHED]
    assert len(unfinished) >= 3 and any(s == "已退回" for _c, s in rows)
    assert any(s not in UNFINISHED for _c, s in rows)  # something to skip

    page.click(f"a.item-link:has-text('{unfinished[0]} ')")
    visited = []
    while page.url != board_url:
        code = page.inner_text("h1").split(" ")[0]
        visited.append(code)
        position = listed.index(code) + 1
        assert f"第 {position} / {len(listed)} 项" in page.inner_text(".breadcrumb")
        if page.locator("#id_answer").count():
            page.fill("#id_answer", "已按意见补充会议纪要扫描件。")
        with page.expect_navigation():
            page.click("button[name=save_next]")
        assert len(visited) <= len(listed)
    assert visited == unfinished
    assert page.errors == []
    context.close()
