"""The scores pages and dashboards for each named actor."""

import json
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Period, ScoreSnapshot, Submission
from assessment.scoring import engine
from assessment.services import periods as period_service
from tests.assessment import scoring_world
from tests.factories import AnnualPlanFactory, BranchFactory, PeriodFactory, UnitFactory
from tests.helpers import confirm_password

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    """The dashboards keep satisfaction figures in the cache: every test starts without."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scored(world):
    w = scoring_world.build(existing=world)
    engine.recompute_plan(w["plan"])
    return w


def chart_data(response):
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_ranking_shows_totals_and_shared_ranks(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("score_ranking", args=[scored["q1"].pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.unit_short_name, r.rank, r.total) for r in rows] == [
        ("丙委", 1, D("80.50")),
        ("甲厅", 1, D("80.50")),
        ("乙局", 3, D("63.00")),
    ]
    assert "ranking" in chart_data(response)["charts"]


def test_ranking_filters_by_category_and_group(client, leader, scored):
    client.force_login(leader)
    url = reverse("score_ranking", args=[scored["q1"].pk])
    by_category = client.get(url, {"category": scored["service"].pk}).context["rows"]
    assert [r.unit_short_name for r in by_category] == ["乙局"]
    by_group = client.get(url, {"group": scored["group"].pk}).context["rows"]
    assert [r.unit_short_name for r in by_group] == ["丙委", "甲厅"]


def test_branch_ranking_shows_tiers(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("score_ranking", args=[scored["q1"].pk]), {"level": "branch"})
    names = [(r.branch_name, r.tier_label) for r in response.context["rows"]]
    assert names[0] == ("乙局第一党支部", "先进")
    assert "后进" in response.content.decode()


def test_unit_admin_sees_only_the_own_unit_in_the_ranking(client, unit_admin, scored):
    client.force_login(unit_admin)
    response = client.get(reverse("score_ranking", args=[scored["q1"].pk]))
    assert [r.unit_name for r in response.context["rows"]] == ["省甲厅"]
    assert "省乙局" not in response.content.decode()


def test_unit_page_total_matches_the_ranking_and_the_explanation(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("score_unit", args=[scored["q1"].pk, scored["a"].pk]))
    assert response.status_code == 200
    assert response.context["row"].total == D("80.50")
    assert response.context["explanation"].computed_total == D("80.50")
    assert "核对一致" in response.content.decode()
    charts = chart_data(response)["charts"]
    assert set(charts) >= {"radar", "goals"}
    assert charts["trend"]["series"][0]["data"] == [80.5]


def test_unit_page_trend_leaves_out_open_quarters(client, committee, scored):
    period_service.reopen_period(scored["q1"], by=committee, reason="补交材料")
    client.force_login(committee)
    response = client.get(reverse("score_unit", args=[scored["q1"].pk, scored["a"].pk]))
    assert "trend" not in chart_data(response)["charts"]


def test_unit_page_of_another_unit_is_404(client, unit_admin, scored):
    client.force_login(unit_admin)
    response = client.get(reverse("score_unit", args=[scored["q1"].pk, scored["b"].pk]))
    assert response.status_code == 404


def test_unit_page_shows_the_self_score_gap(client, unit_admin, scored):
    client.force_login(unit_admin)
    response = client.get(reverse("score_unit", args=[scored["q1"].pk, scored["a"].pk]))
    gaps = [(g.code, g.branch, g.gap) for g in response.context["gaps"]]
    # Largest gap first: a2 self-scored 9 and got 6, a1 self-scored 10 and got 8.
    assert gaps == [("I1", "甲厅第二党支部", D("-3")), ("I1", "甲厅第一党支部", D("-2"))]


def test_unit_page_shows_a_secretary_only_their_own_branch(client, secretary, scored):
    client.force_login(secretary)
    response = client.get(reverse("score_unit", args=[scored["q1"].pk, scored["a"].pk]))
    body = response.content.decode()
    assert [b.branch_name for b, _w in response.context["branch_weights"]] == ["甲厅第一党支部"]
    assert "甲厅第二党支部" not in body
    assert response.context["hidden_branches"] == 1


def test_completeness_page(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("score_completeness", args=[scored["q1"].pk]))
    assert response.status_code == 200
    units = {r.unit_name: r for r in response.context["report"].units}
    assert (units["省甲厅"].expected, units["省甲厅"].submitted, units["省甲厅"].on_time) == (
        13,
        10,
        9,
    )


def test_leader_may_not_publish(client, leader, scored):
    client.force_login(leader)
    confirm_password(client)
    response = client.post(reverse("score_publish", args=[scored["q1"].pk]))
    assert response.status_code == 403
    assert not ScoreSnapshot.objects.exists()


def test_committee_publishes_and_corrects_with_a_reason(client, committee, scored):
    client.force_login(committee)
    confirm_password(client)
    url = reverse("score_ranking", args=[scored["q1"].pk])
    response = client.post(reverse("score_publish", args=[scored["q1"].pk]), follow=True)
    assert "已发布并冻结为第 1 版" in response.content.decode()
    assert Period.objects.get(pk=scored["q1"].pk).status == Period.Status.PUBLISHED

    Submission.objects.filter(branch=scored["b1"], indicator__code="I1").update(
        reviewer_score=D("0")
    )
    engine.recompute_plan(scored["plan"])
    assert client.get(url).context["rows"][-1].total == D("63.00")  # frozen

    response = client.post(reverse("score_correct", args=[scored["q1"].pk]), {"reason": ""})
    assert ScoreSnapshot.objects.count() == 1
    client.post(reverse("score_correct", args=[scored["q1"].pk]), {"reason": "复核更正乙局得分"})
    assert ScoreSnapshot.objects.filter(revision=2, reason="复核更正乙局得分").exists()
    assert client.get(url).context["rows"][-1].total == D("33.00")
    assert client.get(url, {"revision": 1}).context["rows"][-1].total == D("63.00")


def test_committee_dashboard(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("dashboard"), {"period": scored["q1"].pk})
    assert response.status_code == 200
    assert response.context["mode"] == "staff"
    assert len(response.context["rows"]) == 3
    data = chart_data(response)
    assert set(data["charts"]) >= {"progress", "distribution", "ranking", "radar", "trend"}
    assert len(data["radar_units"]) == 3


def test_dashboard_trend_of_a_published_quarter_shows_the_frozen_totals(client, committee, scored):
    period_service.publish_period(scored["q1"], by=committee)
    Submission.objects.filter(branch=scored["b1"], indicator__code="I1").update(
        reviewer_score=D("0")
    )
    engine.recompute_plan(scored["plan"])  # live: 乙局 63 → 33
    client.force_login(committee)
    response = client.get(reverse("dashboard"), {"period": scored["q1"].pk})
    table = {row.unit_short_name: cells for row, cells in response.context["trend_table"]}
    assert table == {"丙委": [D("80.50")], "甲厅": [D("80.50")], "乙局": [D("63.00")]}
    assert dict(response.context["trend_lines"]) == {
        "窗口服务类": [D("63.00")],
        "经济调节类": [D("80.50")],
    }


def test_unit_admin_dashboard_is_the_own_unit(client, unit_admin, scored):
    client.force_login(unit_admin)
    response = client.get(reverse("dashboard"), {"period": scored["q1"].pk})
    assert response.context["mode"] == "unit"
    assert response.context["unit"].short_name == "甲厅"
    assert {r.branch_name for r in response.context["branch_rows"]} == {
        "甲厅第一党支部",
        "甲厅第二党支部",
    }
    # No charts of one unit: its rank among all, in its category and group, and the
    # category beside it instead.
    assert set(response.context["data"]["charts"]) == {"progress", "radar", "trend"}
    html = response.content.decode()
    assert 'data-chart="ranking"' not in html and 'data-chart="distribution"' not in html
    assert "全部单位 第 1 / 3" in html
    assert "经济调节类内 第 1 / 2" in html and "第一协作组内 第 1 / 2" in html
    assert "2024 年各季度得分率：本单位与经济调节类平均" in html


def test_secretary_dashboard_compares_with_the_unit_and_the_category(client, secretary, scored):
    client.force_login(secretary)
    response = client.get(reverse("dashboard"), {"period": scored["q1"].pk})
    assert response.context["mode"] == "branch"
    assert response.context["mine"].total == D("75")
    # a1 93.75 %; 甲厅's branches a1 and a2 average 75.63 %, the economic ones (with c1) too.
    (line,) = response.context["branch_trend"]
    assert (line.own, line.unit, line.category) == (D("93.75"), D("75.63"), D("75.63"))
    html = response.content.decode()
    assert "省乙局" not in html
    assert "甲厅各支部平均" in html and "2024 第一季度 本支部总分" in html


def test_analytics_flags_items_everyone_maxes(client, committee, scored):
    # I3 had 10, 5, 10 and 7.25 of 10; with 20 more at full marks 22 of 24 (91.7 %) are.
    for _n in range(20):
        unit = UnitFactory(category=scored["economic"])
        branch = BranchFactory(unit=unit)
        scoring_world.accept(scored["q1"], scored["items"]["I3"], unit, branch, score=10)
    client.force_login(committee)
    response = client.get(reverse("score_analytics", args=[scored["plan"].pk]))
    flagged = {s.code for s in response.context["flagged"]}
    assert "I3" in flagged
    assert "I1" not in flagged


@pytest.mark.parametrize(
    "plan_years, opened",
    [((0, 2), 0), ((-1, 1), -1), ((1, 3), 1)],
    ids=["this year's", "the latest before", "the first"],
)
def test_analytics_opens_on_the_current_plan_not_a_future_one(
    client, committee, plan_years, opened
):
    year = timezone.localdate().year
    plans = {offset: AnnualPlanFactory(year=year + offset) for offset in plan_years}
    client.force_login(committee)
    response = client.get(reverse("score_analytics_index"))
    assert response.url == reverse("score_analytics", args=[plans[opened].pk])


def test_analytics_is_staff_only(client, unit_admin, scored):
    client.force_login(unit_admin)
    assert client.get(reverse("score_analytics", args=[scored["plan"].pk])).status_code == 403


def test_cycle_page(client, leader, scored):
    client.force_login(leader)
    response = client.get(reverse("score_cycle", args=[scored["plan"].cycle_id]))
    assert response.status_code == 200
    flags = dict(response.context["red_flags"])[scored["plan"]]
    assert [f.row.branch_name for f in flags] == ["乙局第一党支部", "甲厅第一党支部"]


def test_nobody_gets_no_dashboard(client, nobody):
    client.force_login(nobody)
    assert client.get(reverse("dashboard")).status_code == 403


# --- query counts do not grow with units ---------------------------------------------------


def _grow(scored, count):
    """Add `count` units with two branches each, every branch answering I1 and I3."""
    items = scored["items"]
    subs = []
    for n in range(count):
        unit = UnitFactory(category=scored["economic"] if n % 2 else scored["service"])
        for m in range(2):
            branch = BranchFactory(unit=unit, member_count=10 + m)
            for code, score in (("I1", (n + m) % 11), ("I3", 10 - (n % 5))):
                subs.append(
                    Submission(
                        period=scored["q1"],
                        indicator=items[code],
                        unit=unit,
                        branch=branch,
                        status=Submission.Status.ACCEPTED,
                        reviewer_score=D(score),
                    )
                )
    Submission.objects.bulk_create(subs)
    engine.recompute_plan(scored["plan"])


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["dashboard", "score_ranking", "score_completeness", "score_unit"])
def test_page_query_count_is_the_same_with_8_and_80_units(
    client, committee, scored, name, django_assert_max_num_queries
):
    client.force_login(committee)
    if name == "dashboard":
        url, params = reverse("dashboard"), {"period": scored["q1"].pk}
    elif name == "score_unit":
        url, params = reverse(name, args=[scored["q1"].pk, scored["a"].pk]), {}
    else:
        url, params = reverse(name, args=[scored["q1"].pk]), {}
    _grow(scored, 5)  # 8 units
    client.get(url, params)  # warm caches (content types, sessions)
    small = _queries(client, url, params)
    _grow(scored, 72)  # 80 units
    with django_assert_max_num_queries(small):
        client.get(url, params)
    assert _queries(client, url, params) == small


def test_committee_dashboard_cards_speak_of_the_headers_period(client, committee, scored):
    from assessment.models import Period

    q2 = PeriodFactory(
        plan=scored["plan"], kind=Period.Kind.Q2, system=scored["system"], status="open"
    )
    client.force_login(committee)
    response = client.get(reverse("dashboard"), {"period": scored["q1"].pk})
    assert response.context["progress_period"] == scored["q1"]
    html = response.content.decode()
    assert "2024 第一季度 报送率" in html and "2024 第一季度 已计分单位" in html
    assert "2024 年整改率" in html and "2024 年群众满意度" in html
    assert "第二季度报送率" not in html
    assert f"正在报送：{q2} 报送进度" in html
