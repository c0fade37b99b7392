"""The unit scorecard summarises items per indicator and lists branches one line each.

The world is ``tests.assessment.scoring_world`` (worked out by hand there): unit A has
branches a1 (40 members) and a2 (120 members) and one unit-level item U1.
"""

import re
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AnnualPlan
from assessment.scoring import engine
from reports import builders, services
from tests.assessment import scoring_world
from tests.factories import BranchFactory

from .conftest import pdf_text


def _scored(world, aggregation=AnnualPlan.Aggregation.MEAN):
    w = scoring_world.build(aggregation=aggregation, existing=world)
    engine.recompute_plan(w["plan"])
    return w


def _line(i):
    return (i.code, i.points, i.max_points, i.low, i.high, i.submitted, i.asked, i.full)


def test_scorecard_lists_each_indicator_once_with_the_units_figure_and_the_spread(world):
    w = _scored(world)
    card = builders.build_scorecard(w["q1"], w["a"])
    assert [_line(i) for i in card.indicators] == [
        # a1 8 → 24, a2 6 → 18: mean 21 of 30
        ("I1", D("21.00"), D("30.00"), D("18.00"), D("24.00"), 2, 2, 0),
        ("I2", D("22.50"), D("30.00"), D("15.00"), D("30.00"), 2, 2, 1),
        # a1 −2, a2 nothing: a deduction shows negative, a missing answer counts 0
        ("X1", D("-1.00"), None, D("-2.00"), D("0.00"), 1, 2, 0),
        ("B1", D("3.00"), D("3.00"), D("3.00"), D("3.00"), 2, 2, 2),
        # unit-level: the unit's own points, no spread over branches
        ("U1", D("20.00"), D("20.00"), None, None, 1, 1, 1),
        ("I3", D("15.00"), D("20.00"), D("10.00"), D("20.00"), 2, 2, 1),
        ("X2", D("0.00"), None, None, None, 0, 1, 0),
        ("V1", D("0.00"), None, None, None, 0, 1, 0),
    ]
    assert [i.dimension for i in card.indicators] == ["指标D1"] * 4 + ["指标D2"] * 4
    assert card.indicators[0].percent == D("70.0")
    assert card.aggregation == "各支部平均"


def test_the_units_figure_weighs_branches_as_the_engine_does(world):
    w = _scored(world, AnnualPlan.Aggregation.MEMBERS)
    card = builders.build_scorecard(w["q1"], w["a"])
    figures = {i.code: i.points for i in card.indicators}
    # a1 ¼, a2 ¾ (40 and 120 members): I1 24 × ¼ + 18 × ¾, I2 30 × ¼ + 15 × ¾
    assert (figures["I1"], figures["I2"]) == (D("19.50"), D("18.75"))


def test_a_triggered_veto_item_is_counted(world):
    w = _scored(world)
    card = builders.build_scorecard(w["q1"], w["c"])
    veto = next(i for i in card.indicators if i.code == "V1")
    assert (veto.vetoes, veto.submitted) == (1, 1)


def test_scorecard_lists_the_units_branches_by_rank_with_total_rate_and_tier(world):
    w = _scored(world)
    card = builders.build_scorecard(w["q1"], w["a"])
    assert [(b.rank, b.name, b.total, b.rate, b.tier) for b in card.branches] == [
        (1, "甲厅第一党支部", D("75.00"), D("93.75"), "先进"),
        (2, "甲厅第二党支部", D("46.00"), D("57.50"), "后进"),
    ]


def test_scorecard_keeps_only_the_units_own_evidence_item_by_item(world):
    w = _scored(world)
    card = builders.build_scorecard(w["q1"], w["b"])
    assert [(i.code, i.branch, i.reviewer_score) for i in card.items] == [
        ("U1", "", D("10.00")),
        ("X2", "", D("-45.00")),
    ]


def test_building_a_scorecard_takes_the_same_queries_whatever_the_number_of_branches(world):
    w = _scored(world)
    with CaptureQueriesContext(connection) as two:
        builders.build_scorecard(w["q1"], w["a"])
    for n in range(5):
        branch = BranchFactory(unit=w["a"], name=f"甲厅新{n}党支部", member_count=10)
        for code in ("I1", "I2", "I3"):
            scoring_world.accept(w["q1"], w["items"][code], w["a"], branch, score=5)
    engine.recompute_plan(w["plan"])
    with CaptureQueriesContext(connection) as seven:
        card = builders.build_scorecard(w["q1"], w["a"])
    assert [(i.code, i.asked) for i in card.indicators][:2] == [("I1", 7), ("I2", 7)]
    assert len(card.branches) == 7
    assert len(seven) == len(two)


def test_scorecard_pdf_shows_items_per_indicator_and_points_to_the_feedback_sheets(world, tmp_path):
    w = _scored(world)
    text = pdf_text(services.render_scorecard_pdf(w["q1"], w["a"]), tmp_path)
    assert re.search(r"I1\s+指标I1\s+30\.00\s+21\.00\s+70\.0\s+18\.00–24\.00\s+2/2\s+0", text)
    assert re.search(r"X1\s+指标X1\s+—\s+-1\.00\s+—\s+-2\.00–0\.00\s+1/2\s+—", text)
    assert re.search(r"U1\s+指标U1\s+20\.00\s+20\.00\s+100\.0\s+单位级指标 · 已报送", text)
    assert re.search(r"V1\s+指标V1\s+—\s+未触发", text)
    assert re.search(r"1\s+甲厅第一党支部\s+75\.00\s+93\.75\s+先进", text)
    assert "《党支部考核反馈单》" in text
