"""The pages committee staff use for plans, periods and the indicator tree; leaders read."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import AnnualPlan, Cycle, Indicator, IndicatorSystem, Period
from assessment.services import periods as period_service
from assessment.services.indicator_io import export_system
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_cycle
from tests.helpers import confirm_password

from .plan_helpers import q1, small_system


def text(response):
    return response.content.decode()


@pytest.fixture
def demo_cycle(db, committee):
    cycle = create_cycle(by=committee, title="2024—2026年创建模范机关三年行动计划", start_year=2024)
    for plan in cycle.plans.all():
        load_template(plan, by=committee)
    return cycle


def login(client, user):
    client.force_login(user)
    # staff actions (period moves, imports) ask for a recent password (units.decorators)
    return confirm_password(client)


# --- who may see and do what --------------------------------------------------------------


READ_PAGES = [
    lambda w: reverse("plan_list"),
    lambda w: reverse("plan_detail", args=[w["plan"].year]),
    lambda w: reverse("period_detail", args=[q1(w["plan"]).pk]),
    lambda w: reverse("system_list"),
    lambda w: reverse("system_detail", args=[w["system"].pk]),
    lambda w: reverse("system_preview", args=[w["system"].pk]),
    lambda w: reverse("system_diff") + f"?a={w['system'].pk}&b={w['system'].pk}",
    lambda w: reverse("system_export", args=[w["system"].pk]),
]

WRITE_PAGES = [
    lambda w: reverse("cycle_create"),
    lambda w: reverse("plan_edit", args=[w["plan"].year]),
    lambda w: reverse("item_create", args=[w["system"].pk]),
    lambda w: reverse("item_edit", args=[w["i1"].pk]),
    lambda w: reverse("item_retire", args=[w["i1"].pk]),
    lambda w: reverse("reweight", args=[w["system"].pk, w["d1"].pk]),
    lambda w: reverse("system_import", args=[w["system"].pk]),
    lambda w: reverse("system_copy", args=[w["system"].pk]),
]

POSTS = [
    lambda w: reverse("period_transition", args=[q1(w["plan"]).pk, "open"]),
    lambda w: reverse("plan_load_template", args=[w["plan"].year]),
    lambda w: reverse("system_new_version", args=[w["system"].pk]),
    lambda w: reverse("item_move", args=[w["i1"].pk]),
    lambda w: reverse("item_restore", args=[w["i1"].pk]),
    lambda w: reverse("period_detail", args=[q1(w["plan"]).pk]),
]


@pytest.mark.parametrize("url", READ_PAGES + WRITE_PAGES)
def test_committee_opens_every_page(client, committee, unit_a, url):
    w = small_system()
    assert login(client, committee).get(url(w)).status_code == 200


@pytest.mark.parametrize("url", READ_PAGES)
def test_leaders_read_plans_and_systems(client, leader, url):
    w = small_system()
    assert login(client, leader).get(url(w)).status_code == 200


@pytest.mark.parametrize("url", WRITE_PAGES)
def test_leaders_get_no_edit_pages(client, leader, url):
    w = small_system()
    assert login(client, leader).get(url(w)).status_code == 403


@pytest.mark.parametrize("url", POSTS)
def test_leaders_change_nothing(client, leader, url):
    w = small_system()
    assert login(client, leader).post(url(w), {"direction": "up"}).status_code == 403
    assert q1(w["plan"]).status == "draft"
    assert IndicatorSystem.objects.count() == 1


@pytest.mark.parametrize("user", ["secretary", "unit_admin", "nobody"])
@pytest.mark.parametrize("url", READ_PAGES[:5])
def test_secretaries_unit_admins_and_accounts_without_role_are_refused(
    client, db, request, user, url
):
    w = small_system()
    assert login(client, request.getfixturevalue(user)).get(url(w)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("plan_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_offers_plans_and_indicators_to_staff_and_leaders(
    client, committee, leader, secretary
):
    assert "创建计划" in text(login(client, committee).get(reverse("home")))
    page = text(login(client, leader).get(reverse("home")))
    assert "年度计划" in page and "指标体系" in page
    assert "指标体系" not in text(login(client, secretary).get(reverse("home")))


# --- cycles, plans, periods ----------------------------------------------------------------


def test_creating_a_cycle_from_the_page(client, committee):
    response = login(client, committee).post(
        reverse("cycle_create"), {"title": "2027—2029年三年行动", "start_year": 2027, "goals": ""}
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(start_year=2027)
    assert cycle.plans.count() == 3
    assert Period.objects.filter(plan__cycle=cycle).count() == 18


def test_an_overlapping_cycle_is_refused_next_to_the_field(client, committee, demo_cycle):
    response = login(client, committee).post(
        reverse("cycle_create"), {"title": "重叠", "start_year": 2025}
    )
    assert response.status_code == 200
    assert "2025、2026 年已有年度计划，三年行动计划的年份不能重叠。" in text(response)


def test_the_plan_list_shows_the_three_phases(client, committee, demo_cycle):
    page = text(login(client, committee).get(reverse("plan_list")))
    assert all(word in page for word in ["对标年", "突破年", "问效年", "第 1 版"])


def test_the_plan_list_query_count_does_not_grow(
    client, committee, demo_cycle, django_assert_max_num_queries
):
    login(client, committee)
    client.get(reverse("plan_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("plan_list"))
    create_cycle(by=committee, title="2027—2029", start_year=2027)
    with django_assert_max_num_queries(12):
        client.get(reverse("plan_list"))


def test_editing_a_plan(client, committee, demo_cycle):
    response = login(client, committee).post(
        reverse("plan_edit", args=[2025]),
        {
            "phase": "breakthrough",
            "key_tasks": "建立整改台账",
            "special_tasks": "",
            "burden_cap": 12,
            "weight_quarterly": "0.5",
            "weight_exam": "0.4",
            "weight_satisfaction": "0.1",
            "unit_aggregation": "mean",
        },
    )
    assert response.status_code == 302
    assert AnnualPlan.objects.get(year=2025).key_tasks == "建立整改台账"


def test_plan_weights_not_summing_to_one_are_refused_on_the_page(client, committee, demo_cycle):
    response = login(client, committee).post(
        reverse("plan_edit", args=[2025]),
        {
            "phase": "breakthrough",
            "burden_cap": 12,
            "weight_quarterly": "0.5",
            "weight_exam": "0.5",
            "weight_satisfaction": "0.1",
            "unit_aggregation": "mean",
        },
    )
    assert "三项权重合计为 1.1，应为 1。" in text(response)
    assert AnnualPlan.objects.get(year=2025).weight_exam == Decimal("0.40")


def test_opening_closing_publishing_from_the_page(client, committee, unit_a):
    w = small_system()
    period = q1(w["plan"])
    login(client, committee)
    for action, status in [("open", "open"), ("close", "closed"), ("publish", "published")]:
        response = client.post(reverse("period_transition", args=[period.pk, action]), follow=True)
        period.refresh_from_db()
        assert period.status == status
    assert "结果已发布" in text(response)


def test_publishing_from_the_period_page_freezes_the_scores(client, committee, unit_a):
    from assessment.models import ScoreSnapshot

    w = small_system()
    period = q1(w["plan"])
    login(client, committee)
    for action in ("open", "close", "publish"):
        client.post(reverse("period_transition", args=[period.pk, action]))
    assert list(ScoreSnapshot.objects.filter(period=period).values_list("revision", flat=True)) == [
        1
    ]


def test_opening_an_invalid_system_shows_why(client, committee):
    w = small_system()
    Indicator.objects.filter(pk=w["i2"].pk).update(weight=30)
    response = login(client, committee).post(
        reverse("period_transition", args=[q1(w["plan"]).pk, "open"]), follow=True
    )
    assert "权重合计为 90%，应为 100%" in text(response)
    assert q1(w["plan"]).status == "draft"


def test_reopening_needs_a_reason_on_the_page(client, committee):
    w = small_system()
    period = q1(w["plan"])
    period_service.open_period(period, by=committee)
    period_service.close_period(period, by=committee)
    url = reverse("period_transition", args=[period.pk, "reopen"])
    response = login(client, committee).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "该字段是必填项。" in text(response)
    client.post(url, {"reason": "两个支部因断网未能提交"})
    period.refresh_from_db()
    assert period.status == "open"
    page = text(client.get(reverse("period_detail", args=[period.pk])))
    assert "两个支部因断网未能提交" in page


def test_moving_a_deadline_from_the_page(client, committee):
    w = small_system()
    period = q1(w["plan"])
    login(client, committee).post(
        reverse("period_detail", args=[period.pk]),
        {"w-opens_on": "2024-03-20", "w-deadline": "2024-04-20"},
    )
    period.refresh_from_db()
    assert str(period.deadline) == "2024-04-20"


def test_a_deadline_before_the_opening_is_refused_in_plain_words(client, committee):
    w = small_system()
    period = q1(w["plan"])
    response = login(client, committee).post(
        reverse("period_detail", args=[period.pk]),
        {"w-opens_on": "2024-04-20", "w-deadline": "2024-03-20"},
    )
    assert response.status_code == 200
    form = response.context["window_form"]
    assert form.errors.get("__all__", []) + form.errors.get("deadline", []) == [
        "截止日期不能早于开始报送日期。"
    ]
    period.refresh_from_db()
    assert str(period.deadline) != "2024-03-20"


def test_loading_the_template_from_the_plan_page(client, committee, db):
    cycle = create_cycle(by=committee, title="t", start_year=2030)
    response = login(client, committee).post(reverse("plan_load_template", args=[2030]))
    system = cycle.plans.get(year=2030).systems.get()
    assert response["Location"] == reverse("system_detail", args=[system.pk])


# --- the tree editor -----------------------------------------------------------------------


def test_the_editor_shows_effective_points_faults_and_burden(client, committee, unit_a):
    w = small_system()
    page = text(login(client, committee).get(reverse("system_detail", args=[w["system"].pk])))
    assert "校验通过" in page and "36.00" in page and "基层负担" in page


def test_the_editor_query_count_does_not_grow(
    client, committee, unit_a, unit_b, demo_cycle, django_assert_max_num_queries
):
    system = demo_cycle.plans.get(year=2024).systems.get()
    login(client, committee)
    with django_assert_max_num_queries(20):
        client.get(reverse("system_detail", args=[system.pk]))


def test_adding_an_item_from_the_page(client, committee):
    w = small_system()
    response = login(client, committee).post(
        reverse("item_create", args=[w["system"].pk]),
        {
            "parent": w["d2"].pk,
            "code": "J2",
            "name": "办结率",
            "kind": "quantitative",
            "standard": "service",
            "goal": "efficiency",
            "level": "branch",
            "weight": "20",
            "max_score": "8",
            "frequency": "quarterly",
            "requires_number": "on",
            "rule": '{"type": "ratio", "target": 100}',
            "focus": "",
        },
    )
    assert response.status_code == 302
    item = w["system"].indicators.get(code="J2")
    assert (item.rule, item.parent_id) == ({"type": "ratio", "target": 100}, w["d2"].pk)


def test_a_bad_rule_is_explained_next_to_the_field(client, committee):
    w = small_system()
    response = login(client, committee).post(
        reverse("item_create", args=[w["system"].pk]),
        {
            "parent": w["d2"].pk,
            "code": "J2",
            "name": "办结率",
            "kind": "quantitative",
            "level": "branch",
            "weight": "20",
            "max_score": "8",
            "frequency": "quarterly",
            "rule": "{oops",
        },
    )
    assert "不是有效的 JSON" in text(response)


def test_reweighting_on_the_page_refuses_a_sum_other_than_100(client, committee):
    w = small_system()
    url = reverse("reweight", args=[w["system"].pk, w["d1"].pk])
    response = login(client, committee).post(url, {f"w{w['i1'].pk}": "70", f"w{w['i2'].pk}": "40"})
    assert "同级权重合计为 110%，应为 100%，未保存。" in text(response)
    response = client.post(url, {f"w{w['i1'].pk}": "70", f"w{w['i2'].pk}": "30"})
    assert response.status_code == 302


def test_retiring_from_the_page_keeps_the_item(client, committee):
    w = small_system()
    login(client, committee).post(
        reverse("item_retire", args=[w["i2"].pk]), {"reason": "已无区分度"}
    )
    w["i2"].refresh_from_db()
    assert w["i2"].retired_reason == "已无区分度"
    page = text(client.get(reverse("system_detail", args=[w["system"].pk])))
    assert "已淘汰" in page and "主题党日" in page


def test_a_locked_system_refuses_edits_and_offers_a_new_version(client, committee):
    w = small_system()
    period_service.open_period(q1(w["plan"]), by=committee)
    login(client, committee)
    response = client.get(reverse("item_edit", args=[w["i1"].pk]), follow=True)
    page = text(response)
    assert "不能再悄悄改动" in page and "创建新版本" in page
    response = client.post(reverse("system_new_version", args=[w["system"].pk]))
    new = IndicatorSystem.objects.get(plan=w["plan"], version=2)
    assert response["Location"] == reverse("system_detail", args=[new.pk])
    assert (
        client.get(reverse("item_edit", args=[new.indicators.get(code="I1").pk])).status_code == 200
    )


def test_export_then_import_from_the_pages_shows_the_diff(client, committee, demo_cycle):
    system = demo_cycle.plans.get(year=2024).systems.get()
    login(client, committee)
    data = client.get(reverse("system_export", args=[system.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        # The 对标年 preset leaned XN01 to 50 and XN02–04 to 16.67/16.67/16.66.
        if row[0].value == "XN01":
            row[8].value = 40
        if row[0].value == "XN02":
            row[8].value = 26.67
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse("system_import", args=[system.pk]),
        {"file": SimpleUploadedFile("edited.xlsx", out.getvalue())},
        follow=True,
    )
    page = text(response)
    assert "已导入为第 2 版" in page
    assert "共 2 处变化" in page and "XN01" in page and "XN02" in page


def test_a_bad_import_on_the_page_lists_rows_and_imports_nothing(client, committee, demo_cycle):
    system = demo_cycle.plans.get(year=2024).systems.get()
    book = openpyxl.load_workbook(io.BytesIO(export_system(system)))
    book.active["I3"] = 55  # XN01 weight, 50 after the 对标年 preset
    out = io.BytesIO()
    book.save(out)
    response = login(client, committee).post(
        reverse("system_import", args=[system.pk]),
        {"file": SimpleUploadedFile("bad.xlsx", out.getvalue())},
    )
    page = text(response)
    assert "未导入任何数据" in page and "第 2 行" in page and "权重合计为 105%" in page
    assert system.plan.systems.count() == 1


def test_copying_to_the_next_year_from_the_page(client, committee, demo_cycle):
    system = demo_cycle.plans.get(year=2025).systems.get()
    target = demo_cycle.plans.get(year=2026)
    response = login(client, committee).post(
        reverse("system_copy", args=[system.pk]),
        {"plan": target.pk, "apply_preset": "on"},
        follow=True,
    )
    assert "按阶段调整了" in text(response)
    assert target.systems.count() == 2


def test_the_preview_shows_what_a_secretary_is_asked(client, committee, demo_cycle, unit_b):
    system = demo_cycle.plans.get(year=2024).systems.get()
    url = reverse("system_preview", args=[system.pk])
    page = text(
        login(client, committee).get(
            url, {"category": unit_b.category.pk, "kind": "annual", "level": "branch"}
        )
    )
    assert "“好差评”好评率领先" in page and "一支部一品牌" in page
    page = text(client.get(url, {"category": unit_b.category.pk, "kind": "q1", "level": "branch"}))
    # ZF02 is measured by the platform: listed as 系统自动取数, not counted.
    assert "共 11 项" in page and "在 15 项上限以内" in page
    assert "督查反馈问题整改完成率" in page and "系统自动取数" in page
