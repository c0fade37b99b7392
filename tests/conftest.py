"""Shared fixtures: the named actors every specification uses.

The world: unit A (branches A1, A2) and unit B (branch B1) in different categories.
- committee: work-committee staff, sees and changes everything
- leader: sees everything, changes nothing
- unit_admin: administers unit A
- secretary: leads branch A1
- outsider: leads branch B1 in unit B
- nobody: an account without roles
"""

import os
import shutil

import pytest
from django.core.cache import caches

from tests.factories import BranchFactory, UnitCategoryFactory, UnitFactory, user_with_role
from units.models import Role


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures, rate-limit windows and
    recompute claims of one test must not answer another (ids repeat across tests). On Redis
    only the cache's own keys go (config.cache.RedisCache), so a Celery worker a test has
    started keeps its queue."""
    try:
        caches["default"].clear()
    except Exception:  # noqa: BLE001 - a test that takes Redis down finds nothing to clear
        pass


@pytest.fixture
def unit_a(db):
    return UnitFactory(
        name="省甲厅",
        short_name="甲厅",
        slug="jia",
        category=UnitCategoryFactory(code="economic", name="经济调节类"),
    )


@pytest.fixture
def unit_b(db):
    return UnitFactory(
        name="省乙局",
        short_name="乙局",
        slug="yi",
        category=UnitCategoryFactory(code="service", name="窗口服务类"),
    )


@pytest.fixture
def branch_a1(unit_a):
    return BranchFactory(unit=unit_a, name="甲厅第一党支部", member_count=40)


@pytest.fixture
def branch_a2(unit_a):
    return BranchFactory(unit=unit_a, name="甲厅第二党支部", member_count=120)


@pytest.fixture
def branch_b1(unit_b):
    return BranchFactory(unit=unit_b, name="乙局第一党支部", member_count=25)


@pytest.fixture
def committee(db):
    return user_with_role(Role.Kind.COMMITTEE, username="committee")


@pytest.fixture
def leader(db):
    return user_with_role(Role.Kind.LEADER, username="leader")


@pytest.fixture
def unit_admin(unit_a):
    return user_with_role(Role.Kind.UNIT_ADMIN, unit=unit_a, username="unitadmin")


@pytest.fixture
def secretary(branch_a1):
    return user_with_role(Role.Kind.SECRETARY, branch=branch_a1, username="secretary")


@pytest.fixture
def outsider(branch_b1):
    return user_with_role(Role.Kind.SECRETARY, branch=branch_b1, username="outsider")


@pytest.fixture
def nobody(db):
    from tests.factories import UserFactory

    return UserFactory(username="nobody")


@pytest.fixture
def world(unit_a, unit_b, branch_a1, branch_a2, branch_b1):
    return {"unit_a": unit_a, "unit_b": unit_b, "a1": branch_a1, "a2": branch_a2, "b1": branch_b1}


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped with a reason where it is absent."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        pytest.skip("browser tests need the playwright package")
    # Playwright runs an event loop in this thread; Django's ORM calls from the test body
    # (fixtures, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()
