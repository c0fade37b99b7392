"""The unfinished period in no trend (issue 18 §5): the Q1 scorecard PDF, the bulletin
.xlsx and the web pages plot the plan's finished periods only — one rule,
``assessment.selectors.scores.trend_periods`` (``Period.objects.finished()``) — while Q2 is
still open and already has live scores."""

import io

import pytest
from openpyxl import load_workbook

from assessment.models import Period
from assessment.scoring import engine
from assessment.selectors import scores as score_selectors
from reports import builders, services
from tests.factories import PeriodFactory

from .conftest import _accept


@pytest.fixture
def q2_open(scored):
    q1 = scored["period"]
    q2 = PeriodFactory(plan=q1.plan, kind=Period.Kind.Q2, system=q1.system)
    Period.objects.filter(pk=q2.pk).update(status=Period.Status.OPEN)
    q2.refresh_from_db()
    _accept(q2, scored["items"][0], scored["a1"], 3)  # a quarter barely begun
    engine.recompute_period(q2)
    assert score_selectors.period_ranking(q2)  # it has live scores to leak
    return q2


def test_the_rule_is_the_finished_periods_in_calendar_order(scored, q2_open):
    q1 = scored["period"]
    assert score_selectors.trend_periods(q1.plan) == [q1]
    Period.objects.filter(pk=q2_open.pk).update(status=Period.Status.CLOSED)
    assert score_selectors.trend_periods(q1.plan) == [q1, q2_open]


def test_the_scorecard_pdf_leaves_the_open_quarter_out(scored, q2_open):
    card = builders.build_scorecard(scored["period"], scored["unit_a"])
    assert [t.period_label for t in card.trend] == ["第一季度"]
    context = services.scorecard_context(scored["period"], scored["unit_a"])
    html = services.scorecard_html(scored["period"], scored["unit_a"])
    assert "第二季度" not in html
    assert context["trend_chart"].startswith("data:image/svg+xml")


def test_the_bulletin_xlsx_trend_leaves_the_open_quarter_out(scored, q2_open):
    book = load_workbook(io.BytesIO(services.render_bulletin_xlsx(scored["period"])))
    sheet = book["得分率走势"]
    assert [c.value for c in sheet[2]] == ["单位", "第一季度得分率（%）"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3)] == [
        ["省甲厅", 85.0],
        ["省乙局", 70.0],
    ]


def test_the_web_pages_leave_the_open_quarter_out(client, committee, scored, q2_open):
    q1, unit = scored["period"], scored["unit_a"]
    client.force_login(committee)
    page = client.get(f"/scores/{q1.pk}/units/{unit.pk}/")
    assert page.context["data"]["charts"]["trend"]["xAxis"]["data"] == ["第一季度"]
    dashboard = client.get("/dashboard/", {"period": q2_open.pk})
    assert [str(q) for q in dashboard.context["quarters"]] == [str(q1)]
    assert dashboard.context["trend_labels"] == ["第一季度"]


def test_the_unit_page_words_each_period_status_as_the_plans_page_does(
    client, committee, scored, q2_open
):
    """One wording from one rule: a draft annual exam is 未开放 there as on /plans/, not
    进行中."""
    q1, unit = scored["period"], scored["unit_a"]
    PeriodFactory(plan=q1.plan, kind=Period.Kind.ANNUAL, system=q1.system)
    client.force_login(committee)
    html = client.get(f"/scores/{q1.pk}/units/{unit.pk}/").content.decode()
    assert "进行中" not in html
    aside = ' <span class="small text-muted">暂不计入走势'
    assert '<span class="badge badge-muted">未开放</span>' + aside in html
    assert '<span class="badge badge-ok">报送中</span>' + aside in html
    assert '<span class="badge badge-warn">已截止</span></td>' in html
