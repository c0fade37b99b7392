"""系统取数 and checked numbers in Chromium: a secretary's quarter shows no measured item,
an out-of-range number gets its message on the page (autosave and save), and the review
queue shows the platform's value with its badge."""

from decimal import Decimal

import pytest

from assessment.models import Indicator, Problem, Submission
from assessment.rules import period_dates
from assessment.services.measures import record_measures
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import item_url
from tests.factories import IndicatorFactory
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MESSAGE = "“主题党日次数”填写了 250，应为 0 到 100 之间的整数。"


@pytest.fixture
def measured(dimension):
    return IndicatorFactory(
        parent=dimension,
        code="R1",
        name="督查反馈问题整改完成率",
        kind=Indicator.Kind.QUANTITATIVE,
        requires_number=True,
        requires_text=False,
        number_label="整改完成率（%）",
        number_kind=Indicator.NumberKind.PERCENTAGE,
        measure=Indicator.Measure.RECTIFICATION_RATE,
        rule={"type": "ratio", "target": 100},
        position=9,
    )


def test_measured_items_and_checked_numbers(
    page, live_server, world, secretary, committee, period, items, measured, tmp_path
):
    Indicator.objects.filter(pk=items["quantitative"].pk).update(
        number_kind=Indicator.NumberKind.COUNT, number_max=Decimal("100")
    )
    browser_login(page, "secretary")
    board = page.locator("main").inner_text()
    assert "B2 开展主题党日" in board and "督查反馈问题整改完成率" not in board

    page.goto(page.base_url + item_url(period, world["a1"], items["quantitative"]))
    page.fill("#id_value", "250")
    page.wait_for_selector("#session-alert:not(.d-none)")  # autosave refused it
    assert page.inner_text("#session-alert") == MESSAGE
    with page.expect_navigation():
        page.click("button[name=save]")
    page.get_by_text(MESSAGE).first.wait_for()
    page.screenshot(path=str(tmp_path / "out-of-range.png"), full_page=True)
    assert not Submission.objects.filter(indicator=items["quantitative"]).exists()

    Problem.objects.create(
        unit=world["unit_a"],
        branch=world["a1"],
        source=Problem.Source.REVIEW,
        description="台账不全",
        found_on=period_dates(period.plan.year, period.kind)[0],
        deadline=period_dates(period.plan.year, period.kind)[1],
    )
    record_measures(period, by=committee)
    row = Submission.objects.get(indicator=measured, branch=world["a1"])
    page.context.clear_cookies()
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/review/?period={period.pk}&s={row.pk}")
    value = page.locator("#review-value").inner_text()
    assert value.startswith("0") and "系统自动取数" in value
    assert "平台计算值" in page.locator(".review-detail").inner_text()
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)

    # The secretary preview lists the measured item as 系统自动取数 and does not count it.
    page.goto(
        f"{page.base_url}/indicators/{period.system_id}/preview/"
        f"?category={world['unit_a'].category_id}&kind=q4&level=branch"
    )
    preview = page.locator("main").inner_text()
    assert "共 3 项" in preview and "R1 督查反馈问题整改完成率" in preview
    assert "系统自动取数" in preview
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
