import pytest

from assessment.models import InspectionRound
from assessment.services import inspection as service
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


def test_inspector_scores_blind_then_sees_the_team(page, committee, round_):
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    zhang = round_.inspectors.get(user__full_name="丙委张三")
    li = round_.inspectors.get(user__full_name="丁办李四")
    first = zhang.assignments.order_by("submission__unit__name").first()
    service.score_item(
        li.assignments.get(submission=first.submission), by=li.user, grade="C", comment="缺记录"
    )
    browser_login(page, zhang.user.username)
    page.goto(f"{page.base_url}/inspection/mine/")
    card = page.locator(f"#item-{first.pk}")
    assert card.locator(".team-scores").count() == 0
    card.locator("select[name=grade]").select_option("A")
    card.locator("button[type=submit]").click()
    assert "缺记录" in page.locator(f"#item-{first.pk} .team-scores").inner_text()
