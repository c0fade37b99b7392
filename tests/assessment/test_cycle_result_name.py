"""The cycle page names the three-year result as the cycle's rule computes it: the mean, or
the mean with the improvement weight (rules.three_year_result)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessment.models import Period, Phase, Standard
from assessment.scoring import engine
from tests.assessment.scoring_world import K, L, accept, make_item
from tests.factories import (
    AnnualPlanFactory,
    CycleFactory,
    IndicatorSystemFactory,
    PeriodFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def three_years(improvement_weight):
    """Cycle 2030–2032; one unit scoring 80, 85, 90 in the annual periods (the Q1 rate)."""
    cycle = CycleFactory(start_year=2030, improvement_weight=improvement_weight)
    unit = UnitFactory()
    for offset, score in enumerate((8, D("8.5"), 9)):
        plan = AnnualPlanFactory(
            year=2030 + offset,
            cycle=cycle,
            phase=Phase.values[offset],
            weight_quarterly=D("1"),
            weight_exam=D("0"),
            weight_satisfaction=D("0"),
        )
        system = IndicatorSystemFactory(plan=plan)
        dim = make_item(
            system, None, "D", K.DIMENSION, max_score=100, weight=100, standard=Standard.BELIEF
        )
        item = make_item(system, dim, "U", K.GRADED, max_score=10, weight=100, level=L.UNIT)
        q1 = PeriodFactory(plan=plan, kind=Period.Kind.Q1, system=system)
        PeriodFactory(
            plan=plan,
            kind=Period.Kind.ANNUAL,
            system=system,
            opens_on=dt.date(plan.year, 11, 1),
            deadline=dt.date(plan.year, 12, 20),
        )
        accept(q1, item, unit, score=score)
        plan.periods.update(status=Period.Status.CLOSED)
        engine.recompute_plan(plan)
    return cycle


def cycle_page(client, leader, cycle):
    client.force_login(leader)
    response = client.get(reverse("score_cycle", args=[cycle.pk]))
    assert response.status_code == 200
    return response.context["result"], response.content.decode()


def test_without_improvement_weight_the_result_is_the_mean(client, leader):
    result, html = cycle_page(client, leader, three_years(D("0")))
    assert result.name == "三年平均分"
    assert [r.mean for r in result.rows] == [D("85.00")]
    assert "三年平均分 = 各年度年度大考总分的平均。" in html
    assert '<th scope="col" class="num">三年平均分</th>' in html
    assert "三年平均分 85.00 分" in html
    assert "提升幅度" not in html


def test_with_improvement_weight_the_result_is_not_called_a_mean(client, leader):
    result, html = cycle_page(client, leader, three_years(D("0.5")))
    assert result.name == "三年结果（含提升幅度）"
    # 85 + 0.5 × (90 − 80)
    assert [r.mean for r in result.rows] == [D("90.00")]
    assert (
        "三年结果 = 各年度年度大考总分的平均 + 0.5 ×（问效年总分 − 对标年总分）；"
        "对标年或问效年尚未考核时只计平均。"
    ) in html
    assert '<th scope="col" class="num">三年结果（含提升幅度）</th>' in html
    assert "三年结果（含提升幅度） 90.00 分" in html
    assert "三年平均" not in html
