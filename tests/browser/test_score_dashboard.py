"""The dashboard draws its charts from the page's JSON, with no inline script."""

import pytest

from assessment.scoring import engine
from tests.assessment import scoring_world
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_draws_charts_and_switches_the_radar(page, world, committee):
    w = scoring_world.build(existing=world)
    engine.recompute_plan(w["plan"])
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/dashboard/?period={w['q1'].pk}")
    for name in ("progress", "distribution", "ranking", "radar", "trend"):
        page.wait_for_selector(f'[data-chart="{name}"] svg')
    page.select_option("#radar-unit", index=2)
    assert errors == []
    assert "80.50" in page.inner_text("main")
