"""Copying a system into the next year with phase presets, and the diff between systems."""

from decimal import Decimal

import pytest

from assessment.models import Indicator, Phase
from assessment.services import indicators as svc
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_cycle
from tests.factories import IndicatorFactory

from .plan_helpers import small_system

D = Decimal


@pytest.fixture
def cycle(db, committee):
    cycle = create_cycle(by=committee, title="2024—2026", start_year=2024)
    load_template(cycle.plans.get(year=2024), by=committee)
    return cycle


def plan(cycle, year):
    return cycle.plans.get(year=year)


def weights(system, parent_code):
    return dict(
        system.indicators.filter(parent__code=parent_code, retired_at__isnull=True)
        .exclude(kind__in=svc.OUTSIDE_WEIGHTS)
        .values_list("code", "weight")
    )


def test_a_breakthrough_year_leans_towards_rectification_items(cycle):
    source = plan(cycle, 2024).systems.get()
    new, changed = svc.copy_to_plan(source, plan(cycle, 2025))
    # ZF02 (rectification) × 1.5, then the group is rescaled to 100 %.
    assert weights(new, "ZF") == {
        "ZF01": D("26.09"),
        "ZF02": D("39.13"),
        "ZF03": D("17.39"),
        "ZF04": D("17.39"),
    }
    assert weights(new, "ZF")["ZF02"] > weights(source, "ZF")["ZF02"]
    assert weights(new, "ZF")["ZF01"] < weights(source, "ZF")["ZF01"]
    assert sorted(changed) == [
        "JL01",
        "JL02",
        "JL03",
        "JL04",
        "ZF01",
        "ZF02",
        "ZF03",
        "ZF04",
        "ZZ01",
        "ZZ02",
        "ZZ03",
        "ZZ04",
        "ZZ05",
        "ZZ06",
    ]


def test_presets_keep_every_group_at_100_and_the_system_valid(cycle):
    source = plan(cycle, 2024).systems.get()
    for year in (2025, 2026):
        new, _changed = svc.copy_to_plan(source, plan(cycle, year))
        assert svc.validate_system(new) == []
        assert sum(n.effective for n in svc.build_tree(new)) == D("100")


def test_full_marks_follow_the_new_effective_points(cycle):
    source = plan(cycle, 2024).systems.get()
    new, _changed = svc.copy_to_plan(source, plan(cycle, 2025))
    points = svc.effective_points(new)
    zf02 = new.indicators.get(code="ZF02")
    assert zf02.max_score == points["ZF02"]
    assert zf02.max_score > D("4.5")


def test_a_results_year_leans_towards_outcomes_and_satisfaction(cycle):
    source = plan(cycle, 2024).systems.get()
    target = plan(cycle, 2026)
    new, _changed = svc.copy_to_plan(source, target)
    assert weights(new, "FW")["FW01"] > weights(source, "FW")["FW01"]
    assert weights(new, "FW")["FW04"] < weights(source, "FW")["FW04"]
    target.refresh_from_db()
    assert (target.weight_satisfaction, target.weight_quarterly) == (D("0.20"), D("0.40"))


def test_a_benchmark_year_copy_leans_on_the_standards(cycle, committee):
    later = create_cycle(by=committee, title="2027—2029", start_year=2027)
    source = plan(cycle, 2024).systems.get()
    new, changed = svc.copy_to_plan(source, later.plans.get(year=2027))
    assert "XN01" in changed
    assert weights(new, "XN")["XN01"] > weights(source, "XN")["XN01"]
    assert sum(weights(new, "XN").values()) == D("100")


def test_copy_without_preset_keeps_weights(cycle):
    source = plan(cycle, 2024).systems.get()
    new, changed = svc.copy_to_plan(source, plan(cycle, 2025), apply_preset=False)
    assert (changed, svc.diff_systems(source, new)["reweighted"]) == ([], [])


def test_retired_items_are_not_copied_forward(cycle, committee):
    source = plan(cycle, 2024).systems.get()
    svc.retire_item(source.indicators.get(code="XN04"), reason="并入 XN02", by=committee)
    new, _changed = svc.copy_to_plan(source, plan(cycle, 2025), apply_preset=False)
    assert not new.indicators.filter(code="XN04").exists()


def test_spread_to_hundred_rounds_to_cents_and_sums_exactly():
    result = svc.spread_to_hundred({1: D("1"), 2: D("1"), 3: D("1")})
    assert result == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}


def test_diff_names_added_removed_retired_reweighted_and_changed(db, committee):
    a = small_system()["system"]
    b = svc.create_version(a, by=committee)
    b.indicators.filter(code="I1").update(weight=D("50"))
    b.indicators.filter(code="I2").update(weight=D("50"), name="主题党日活动")
    b.indicators.filter(code="B1").delete()
    svc.retire_item(b.indicators.get(code="J1"), reason="由群众评议替代", by=committee)
    IndicatorFactory(parent=b.indicators.get(code="D2"), code="J2", name="办结率")
    diff = svc.diff_systems(a, b)
    summary = {k: [c.code for c in v] for k, v in diff.items()}
    assert summary == {
        "added": ["J2"],
        "removed": ["B1"],
        "retired": ["J1"],
        "reweighted": ["I1", "I2"],
        "changed": ["I2"],
    }
    assert diff["changed"][0].fields == ("name",)
    assert [(c.points_before, c.points_after) for c in diff["reweighted"]] == [
        (D("36.00"), D("30.00")),
        (D("24.00"), D("30.00")),
    ]


def test_diff_reports_reparenting(db, committee):
    a = small_system()["system"]
    b = svc.create_version(a, by=committee)
    b.indicators.filter(code="I2").update(parent=b.indicators.get(code="D2"))
    changed = svc.diff_systems(a, b)["changed"]
    assert [(c.code, c.fields) for c in changed] == [("I2", ("parent_code",))]


def test_phase_presets_are_defined_for_every_phase():
    assert svc.PHASE_FOCUS == {
        Phase.BENCHMARK: Indicator.Focus.STANDARDS,
        Phase.BREAKTHROUGH: Indicator.Focus.RECTIFICATION,
        Phase.RESULTS: Indicator.Focus.OUTCOME,
    }
