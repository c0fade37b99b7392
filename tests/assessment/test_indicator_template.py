"""The default 四个模范/六实 system shipped with the platform."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from assessment.models import Indicator, Standard
from assessment.services import indicators as svc
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_default_periods
from tests.factories import AnnualPlanFactory

K = Indicator.Kind


@pytest.fixture
def system(db, unit_a, unit_b, committee):
    plan = AnnualPlanFactory(year=2024)
    create_default_periods(plan)
    return load_template(plan, by=committee)


def test_the_template_validates_without_faults(system):
    assert svc.validate_system(system) == []


def test_six_dimensions_one_per_standard_share_100_points(system):
    dims = system.indicators.filter(kind=K.DIMENSION, parent=None)
    assert sorted(dims.values_list("standard", flat=True)) == sorted(Standard.values)
    tree = svc.build_tree(system)
    assert sum(n.effective for n in tree) == Decimal("100")


def test_at_least_24_regular_scored_items(system):
    regular = system.indicators.exclude(kind__in=[K.DIMENSION, K.BONUS, K.DEDUCTION, K.VETO])
    assert regular.count() == 27


def test_every_item_is_tagged_with_standard_and_goal_and_quotes_the_seed(system):
    items = system.indicators.exclude(kind=K.DIMENSION)
    assert not items.filter(standard="").exists()
    assert not items.filter(goal="").exists()
    descriptions = dict(items.values_list("code", "description"))
    for code, text in descriptions.items():
        assert re.match(r"依据 00[0-4]", text) or text.startswith("平台建议"), code


def test_citations_name_their_real_source_and_mark_the_platform_proposals(system):
    descriptions = dict(system.indicators.values_list("code", "description"))
    assert descriptions["JL04"].startswith("依据 001“健全……廉政风险点排查等防控体系”")
    assert "002“开展政治生日、主题党日活动”" in descriptions["ZZ02"]
    assert "001“抓实‘一支部一品牌’”" in descriptions["ZZ91"]
    assert "004“建立负面清单机制" in descriptions["JL82"]
    assert descriptions["FW91"].startswith("平台建议")
    guides = dict(system.indicators.values_list("code", "evidence_guide"))
    assert guides["ZF02"].startswith("平台建议（系统取数）")
    assert guides["FW03"].startswith("平台建议（系统取数）")


def test_full_marks_equal_effective_points(system):
    points = svc.effective_points(system)
    for item in system.indicators.exclude(kind__in=[K.BONUS, K.DEDUCTION, K.VETO]):
        assert item.max_score == points[item.code], item.code


def test_bonus_deduction_and_veto_items(system):
    kinds = dict(
        (kind, sorted(system.indicators.filter(kind=kind).values_list("code", flat=True)))
        for kind in (K.BONUS, K.DEDUCTION, K.VETO)
    )
    assert kinds == {
        K.BONUS: ["FW91", "ZZ91", "ZZ92"],
        K.DEDUCTION: ["JL81", "JL82", "JL83"],
        K.VETO: ["JL99"],
    }
    assert system.indicators.get(code="ZZ91").name == "一支部一品牌"


def test_the_window_service_bonus_applies_to_that_category_only(system, unit_b):
    assert list(system.indicators.get(code="FW91").categories.all()) == [unit_b.category]


def test_quantitative_items_carry_a_usable_rule(system):
    for item in system.indicators.filter(kind=K.QUANTITATIVE):
        assert svc.rule_problem(item.rule) is None, item.code
        assert item.requires_number


def test_a_branch_is_asked_for_no_more_than_the_cap_each_quarter(system):
    from assessment.selectors.indicators import burden

    rows = burden(system.plan, system)
    assert {row.counts["q1"] for row in rows} == {11}  # ZF02 is measured, not asked
    assert not any(row.over["q1"] for row in rows)


def test_the_command_loads_the_template_for_a_plan(db, capsys):
    plan = AnnualPlanFactory(year=2026)
    create_default_periods(plan)
    call_command("load_indicator_template", "--plan", "2026")
    out = capsys.readouterr().out
    assert "2026 年指标体系第 1 版：34 项指标，基础分 100.00，校验问题 0 处。" in out
    call_command("load_indicator_template", "--plan", "2026", "--if-empty")
    assert plan.systems.count() == 1


def test_the_command_names_a_missing_plan(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有 2030 年度计划"):
        call_command("load_indicator_template", "--plan", "2030")
