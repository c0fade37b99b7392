"""为基层减负 and 形式主义预警 pages: calendar in the editor, plan page and preview; the trial
calendar; signals in the review queue and on the period's page; dismissal."""

import datetime as dt

from django.urls import reverse

from assessment.models import FormalismSignal
from assessment.services import signals as service
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_default_periods
from tests.assessment.signals_world import *  # noqa: F403
from tests.assessment.signals_world import ONE_SENTENCE_CHANGED, REPORT, filed
from tests.factories import AnnualPlanFactory


def default_plan():
    plan = AnnualPlanFactory(year=2026)
    create_default_periods(plan)
    return plan, load_template(plan, by=None)  # set-up as the platform


def test_the_editor_shows_each_categorys_calendar_with_its_flags(client, committee, unit_a):
    _plan, system = default_plan()
    client.force_login(committee)
    html = client.get(reverse("system_detail", args=[system.pk])).content.decode()
    assert "基层负担日历" in html
    assert "6月29日–7月12日 窗口重叠，同时报送 17 项，超过上限 15" in html
    assert "11月30日–12月13日 窗口重叠，同时报送 21 项，超过上限 15" in html
    assert "全年 60 项" in html


def test_the_plan_page_and_the_preview_show_the_calendar(client, committee, unit_a):
    plan, system = default_plan()
    client.force_login(committee)
    assert "全年 60 项" in client.get(reverse("plan_detail", args=[2026])).content.decode()
    preview = client.get(reverse("system_preview", args=[system.pk])).content.decode()
    assert "最忙一周 21 项（2026年11月30日 起）" in preview


def test_a_plan_without_items_claims_no_busiest_week(client, committee, unit_a):
    plan = AnnualPlanFactory(year=2028)
    create_default_periods(plan)
    client.force_login(committee)
    html = client.get(reverse("plan_burden", args=[2028])).content.decode()
    assert "最忙一周" not in html


def test_trying_a_change_shows_the_new_calendar_and_saves_nothing(client, committee, unit_a):
    plan, _system = default_plan()
    client.force_login(committee)
    response = client.get(
        reverse("plan_burden", args=[2026]),
        {
            "category": unit_a.category.pk,
            "level": "branch",
            "h1_opens": "2026-07-13",
            "h1_deadline": "2026-07-31",
        },
    )
    tried = response.context["tried"]
    assert [first.start for first, _l, _t in tried.overload_spans()] == [dt.date(2026, 11, 30)]
    assert "试算结果（尚未保存）" in response.content.decode()
    assert plan.periods.get(kind="h1").opens_on == dt.date(2026, 7, 1)


def test_a_window_ending_before_it_opens_is_refused(client, committee, unit_a):
    default_plan()
    client.force_login(committee)
    response = client.get(
        reverse("plan_burden", args=[2026]),
        {"h1_opens": "2026-07-13", "h1_deadline": "2026-07-01"},
    )
    assert response.context["tried"] is None
    assert "截止日期不能早于开始报送日期。" in response.content.decode()


def test_burden_pages_are_for_committee_and_leaders(client, secretary):
    default_plan()
    client.force_login(secretary)
    assert client.get(reverse("plan_burden", args=[2026])).status_code == 403


def flagged(sw):
    filed(sw, sw["q1"], sw["a1"], sw["i1"], REPORT)
    a = filed(sw, sw["q2"], sw["a1"], sw["i1"], ONE_SENTENCE_CHANGED)
    b = filed(sw, sw["q2"], sw["b1"], sw["i1"], ONE_SENTENCE_CHANGED + "。")
    filed(sw, sw["q2"], sw["a2"], sw["i2"], REPORT)
    service.compute_period(sw["q2"])
    return a, b


def test_the_queue_filters_on_signals_and_shows_the_evidence(client, sw, committee):
    a, b = flagged(sw)
    client.force_login(committee)
    response = client.get(reverse("review_queue"), {"period": sw["q2"].pk, "signal": "copied_own"})
    assert [r.pk for r in response.context["rows"]] == [a.pk]
    html = client.get(
        reverse("review_queue"), {"period": sw["q2"].pk, "signal": "any", "s": a.pk}
    ).content.decode()
    assert "与本支部上期雷同" in html and "与其他支部雷同" in html
    assert "与 乙局第一党支部 本节点对同一指标的填报几乎相同。" in html
    assert '<del class="gone">走访联系</del><ins class="new">到结对</ins>社区' in html


def test_unit_administrators_see_no_signals(client, sw, unit_admin):
    a, _b = flagged(sw)
    client.force_login(unit_admin)
    response = client.get(reverse("review_queue"), {"period": sw["q2"].pk, "status": ""})
    assert "signal" not in response.context["form"].fields
    assert all(r.signal_kinds == [] for r in response.context["rows"])


def test_the_period_page_counts_by_unit_and_kind(client, sw, committee):
    flagged(sw)
    client.force_login(committee)
    response = client.get(reverse("period_signals", args=[sw["q2"].pk]))
    assert response.context["by_unit"] == [
        ("省甲厅", [1, 1, 0, 0, 0], 2),
        ("省乙局", [0, 1, 0, 0, 0], 1),
    ]
    assert response.context["total"] == 3


def test_dismissing_from_the_page_keeps_the_reason(client, sw, committee, leader):
    a, _b = flagged(sw)
    signal = FormalismSignal.objects.get(kind="copied_own")
    url = reverse("signal_dismiss", args=[signal.pk])
    client.force_login(leader)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(committee)
    response = client.post(url, {"reason": "上季度工作延续，内容确实相近"})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.dismiss_reason) == ("dismissed", "上季度工作延续，内容确实相近")


def test_recomputing_a_period_runs_the_bulk_check(
    client, sw, committee, django_capture_on_commit_callbacks
):
    filed(sw, sw["q2"], sw["a1"], sw["i1"], REPORT)
    filed(sw, sw["q2"], sw["b1"], sw["i1"], REPORT)
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("period_signals_compute", args=[sw["q2"].pk]))
    assert FormalismSignal.objects.count() == 2
