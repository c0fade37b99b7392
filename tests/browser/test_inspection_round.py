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


def test_inspector_does_the_whole_assignment_with_the_keyboard(page, committee, round_):
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    zhang = round_.inspectors.get(user__full_name="丙委张三")
    li = round_.inspectors.get(user__full_name="丁办李四")
    order = list(
        zhang.assignments.order_by("submission__unit__name", "submission__indicator__position")
    )
    service.score_item(
        li.assignments.get(submission=order[0].submission), by=li.user, grade="C", comment="缺记录"
    )
    browser_login(page, zhang.user.username)
    page.goto(f"{page.base_url}/inspection/mine/")
    assert page.locator("#team-scores").inner_text().endswith("保存本人评分后显示。")
    assert "缺记录" not in page.content()
    for number, assignment in enumerate(order):
        assert page.locator(".queue-row.is-selected").get_attribute("id") == f"item-{assignment.pk}"
        page.keyboard.press("1234"[number])
        page.keyboard.press("c")
        page.keyboard.type(f"第{number + 1}项意见")
        page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press("a")
        if number == 0:
            assert "缺记录" in page.locator("#team-scores").inner_text()
            page.keyboard.press("f")
            page.keyboard.type("会议记录缺签到表")
            page.keyboard.press("Tab")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "会议记录缺签到表" in page.locator("#findings").inner_text()
        if number < len(order) - 1:
            with page.expect_navigation():
                page.keyboard.press("j")
    scores = {a.pk: (a.score.grade, a.score.comment) for a in zhang.assignments.all()}
    assert scores == {a.pk: ("ABCD"[n], f"第{n + 1}项意见") for n, a in enumerate(order)}
    assert order[0].findings.get().problem.unit == order[0].submission.unit


def test_round_page_settles_shows_figures_and_arbitrates(page, committee, round_, items):
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    grades = {"丙委张三": "A", "丁办李四": "B"}
    for assignment in round_.assignments.select_related("inspector__user"):
        user = assignment.inspector.user
        grade = grades[user.full_name]
        if assignment.submission_id == items[0].pk and user.full_name == "丁办李四":
            grade = "D"  # four points apart on one item: arbitration
        service.score_item(assignment, by=user, grade=grade, comment=f"{user.full_name}{grade}")
    browser_login(page, "committee")
    page.goto(f"{page.base_url}/inspection/{round_.pk}/")
    with page.expect_navigation():
        page.click("#btn-settle")
    assert page.locator("#fig-items").inner_text() == "3"
    assert page.locator("#fig-within").inner_text() == "66.7%"
    assert page.locator("#fig-mad").inner_text() == "33.3%"
    lenient = page.locator(".leniency-row").first.inner_text()
    assert "丙委张三" in lenient and "偏宽" in lenient
    item = page.locator(".arbitration-item")
    assert item.count() == 1
    assert "丙委张三A" in item.inner_text() and "丁办李四D" in item.inner_text()
    item.locator("select[name=grade]").select_option("B")
    item.locator("input[name=comment]").fill("现场核实后认定B档")
    with page.expect_navigation():
        item.locator("button[type=submit]").click()
    assert page.locator(".arbitration-item").count() == 0
    items[0].refresh_from_db()
    assert (items[0].grade, str(items[0].reviewer_score)) == ("B", "8.00")
