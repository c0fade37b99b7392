import pytest

from assessment.models import InspectionRound
from tests.assessment.inspection_world import *  # noqa: F403
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_draw_check_the_plan_and_publish(page, committee, round_):
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/inspection/{round_.pk}/")
    page.fill("#id_seed", "21")
    page.click("button:has-text('抽签')")
    assert page.locator("#seed").inner_text() == "21"
    assert page.locator("#plan tbody tr").count() == 6
    page.click("text=确认分工并发布")
    assert page.locator(".page-header .badge").inner_text() == "检查中"
    assert InspectionRound.objects.get().status == InspectionRound.Status.PUBLISHED
