"""Scoring rules, validation with Chinese explanations, effective points and tree edits."""

from decimal import Decimal

import pytest

from assessment.models import Indicator, Period
from assessment.services import indicators as svc
from assessment.services.indicators import score_quantitative
from tests.factories import IndicatorFactory

from .plan_helpers import messages_of, q1, small_system

D = Decimal

# --- score_quantitative -------------------------------------------------------------------

STEPS = {"type": "thresholds", "steps": [[2, 60], [4, 100], [1, 30]]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, "6.00"), (4, "6.00"), (3, "3.60"), (2, "3.60"), (1, "1.80"), (0, "0.00")],
)
def test_thresholds_score_the_highest_step_reached(value, expected):
    assert score_quantitative(STEPS, value, D("6")) == D(expected)


def test_thresholds_accept_decimal_values_and_strings():
    assert score_quantitative(STEPS, D("3.99"), "10") == D("6.00")


@pytest.mark.parametrize(
    ("value", "expected"), [(0, "0.00"), (1, "1.50"), (2, "3.00"), (3, "4.50"), (9, "4.50")]
)
def test_ratio_scores_in_proportion_to_the_target_and_caps_at_full_marks(value, expected):
    assert score_quantitative({"type": "ratio", "target": 3}, value, D("4.5")) == D(expected)


def test_ratio_rounds_half_up_to_cents():
    assert score_quantitative({"type": "ratio", "target": 3}, 1, D("1")) == D("0.33")
    assert score_quantitative({"type": "ratio", "target": 8}, 1, D("0.2")) == D("0.03")


def test_missing_value_scores_zero():
    assert score_quantitative({"type": "ratio", "target": 3}, None, D("5")) == D("0.00")


def test_negative_value_scores_zero_on_a_ratio():
    assert score_quantitative({"type": "ratio", "target": 3}, -2, D("5")) == D("0.00")


def test_unknown_rule_type_raises():
    with pytest.raises(ValueError):
        score_quantitative({"type": "magic"}, 1, D("5"))


def test_ratio_without_positive_target_raises():
    with pytest.raises(ValueError):
        score_quantitative({"type": "ratio", "target": 0}, 1, D("5"))


def test_describe_rule_in_words():
    assert (
        svc.describe_rule({"type": "ratio", "target": 3}) == "达到目标值 3 得满分，未达到按比例得分"
    )
    assert svc.describe_rule({"type": "thresholds", "steps": [[2, 60], [4, 100]]}) == (
        "≥4 得 100%；≥2 得 60%"
    )


# --- effective points ----------------------------------------------------------------------


def test_effective_points_flow_down_from_base_points(db):
    w = small_system()
    points = svc.effective_points(w["system"])
    assert points == {
        "D1": D("60.00"),
        "D2": D("40.00"),
        "I1": D("36.00"),
        "I2": D("24.00"),
        "J1": D("40.00"),
    }


def test_bonus_items_have_no_effective_points(db):
    w = small_system()
    assert "B1" not in svc.effective_points(w["system"])


# --- validation ----------------------------------------------------------------------------


def test_a_well_formed_system_has_no_faults(db):
    assert svc.validate_system(small_system()["system"]) == []


def test_sibling_weights_not_summing_to_100_are_explained(db):
    w = small_system()
    Indicator.objects.filter(pk=w["i2"].pk).update(weight=D("30"))
    assert messages_of(svc.validate_system(w["system"])) == [
        "“D1 组织夯实”的下级指标权重合计为 90%，应为 100%（加分、扣分和一票否决项不计入）。"
    ]


def test_root_dimension_weights_must_sum_to_100(db):
    w = small_system()
    Indicator.objects.filter(pk=w["d2"].pk).update(weight=D("45.5"))
    assert messages_of(svc.validate_system(w["system"])) == [
        "一级维度权重合计为 105.50%，应为 100%（加分、扣分和一票否决项不计入）。"
    ]


def test_bonus_deduction_and_veto_sit_outside_the_weight_sum(db):
    w = small_system()
    for kind, code in [(Indicator.Kind.DEDUCTION, "K1"), (Indicator.Kind.VETO, "V1")]:
        IndicatorFactory(
            parent=w["d2"],
            code=code,
            kind=kind,
            weight=D("50"),
            max_score=D("5"),
            frequency=Indicator.Frequency.ANNUAL,
        )
    assert svc.validate_system(w["system"]) == []


def test_scores_must_be_positive(db):
    w = small_system()
    Indicator.objects.filter(pk=w["i1"].pk).update(max_score=0)
    Indicator.objects.filter(pk=w["bonus"].pk).update(max_score=0)
    assert messages_of(svc.validate_system(w["system"])) == [
        "“I1 三会一课”的满分须大于 0。",
        "“B1 一支部一品牌”的满分须大于 0。",
    ]


def test_codes_must_be_unique_ignoring_case(db):
    w = small_system()
    Indicator.objects.filter(pk=w["i2"].pk).update(code="i1")
    assert "编码“i1”重复，每个指标的编码须唯一。" in messages_of(svc.validate_system(w["system"]))


def test_an_item_no_period_collects_is_explained(db):
    w = small_system()
    Period.objects.filter(plan=w["plan"], kind=Period.Kind.ANNUAL).delete()
    assert messages_of(svc.validate_system(w["system"])) == [
        "“B1 一支部一品牌”的频次为“年度”，但本年度没有收集该频次的考核节点，永远不会被报送。"
    ]


def test_quantitative_items_need_a_rule_and_a_number(db):
    w = small_system()
    Indicator.objects.filter(pk=w["i1"].pk).update(kind=Indicator.Kind.QUANTITATIVE, rule={})
    assert messages_of(svc.validate_system(w["system"])) == [
        "“I1 三会一课”：定量指标须设置计分规则（分档 thresholds 或目标比例 ratio）。",
        "“I1 三会一课”是定量指标，须要求填报数值。",
    ]


def test_items_need_a_standard_and_a_goal(db):
    w = small_system()
    Indicator.objects.filter(pk=w["i1"].pk).update(standard="", goal="")
    assert messages_of(svc.validate_system(w["system"])) == [
        "“I1 三会一课”未标明所属“六实”标准。",
        "“I1 三会一课”未标明服务的“四个模范”目标。",
    ]


def test_a_dimension_must_be_a_root_and_an_item_must_not(db):
    w = small_system()
    Indicator.objects.filter(pk=w["d2"].pk).update(parent=w["d1"].pk)
    faults = messages_of(svc.validate_system(w["system"]))
    assert "“D2 服务求实”是维度，只能作为一级节点。" in faults


def test_an_empty_system_says_to_add_a_dimension(db):
    w = small_system()
    w["system"].indicators.all().delete()
    assert messages_of(svc.validate_system(w["system"])) == [
        "指标体系还没有任何维度，请先添加一级维度（如“信念坚实”）。"
    ]


def test_retired_items_leave_the_weight_sum(db, committee):
    w = small_system()
    svc.retire_item(w["i2"], reason="已无区分度", by=committee)
    assert messages_of(svc.validate_system(w["system"])) == [
        "“D1 组织夯实”的下级指标权重合计为 60%，应为 100%（加分、扣分和一票否决项不计入）。"
    ]


def test_category_specific_siblings_are_checked_per_category(db, unit_a, unit_b):
    w = small_system()
    only_b = IndicatorFactory(parent=w["d2"], code="J2", weight=D("20"))
    only_b.categories.set([unit_b.category])
    Indicator.objects.filter(pk=w["j1"].pk).update(weight=D("80"))
    assert messages_of(svc.validate_system(w["system"])) == [
        "“D2 服务求实”的下级指标（适用于“经济调节类”的）权重合计为 80%，应为 100%"
        "（加分、扣分和一票否决项不计入）。"
    ]


# --- tree edits ----------------------------------------------------------------------------


def test_a_new_item_goes_last_among_its_siblings(db, committee):
    w = small_system()
    item = Indicator(
        system=w["system"],
        parent=w["d1"],
        code="I3",
        name="新指标",
        kind=Indicator.Kind.YES_NO,
        weight=D("10"),
        max_score=D("1"),
    )
    svc.save_item(item, by=committee)
    assert item.position == 3


def test_move_up_swaps_with_the_previous_sibling(db, committee):
    w = small_system()
    svc.move_item(w["i2"], "up", by=committee)
    codes = list(
        w["system"]
        .indicators.filter(parent=w["d1"])
        .order_by("position")
        .values_list("code", flat=True)
    )
    assert codes == ["I2", "I1", "B1"]


def test_moving_the_first_item_up_changes_nothing(db, committee):
    w = small_system()
    svc.move_item(w["i1"], "up", by=committee)
    codes = list(
        w["system"]
        .indicators.filter(parent=w["d1"])
        .order_by("position")
        .values_list("code", flat=True)
    )
    assert codes == ["I1", "I2", "B1"]


def test_reparenting_moves_an_item_under_another_dimension(db, committee):
    w = small_system()
    item = w["i2"]
    item.parent = w["d2"]
    svc.save_item(item, by=committee)
    item.refresh_from_db()
    assert (item.parent_id, item.position) == (w["d2"].pk, 1)


def test_an_item_cannot_move_under_its_own_sub_item(db, committee):
    w = small_system()
    sub = IndicatorFactory(parent=w["i1"], code="I1a", weight=D("100"))
    item = w["i1"]
    item.parent = sub
    with pytest.raises(svc.InvalidEdit, match="不能把指标移到它自己或它的下级之下"):
        svc.save_item(item, by=committee)


def test_the_tree_is_at_most_three_levels_deep(db, committee):
    w = small_system()
    sub = IndicatorFactory(parent=w["i1"], code="I1a", weight=D("100"))
    item = Indicator(
        system=w["system"],
        parent=sub,
        code="X",
        name="太深",
        kind=Indicator.Kind.YES_NO,
        weight=D("100"),
        max_score=D("1"),
    )
    with pytest.raises(svc.InvalidEdit, match="层级过深"):
        svc.save_item(item, by=committee)


def test_an_item_without_parent_must_be_a_dimension(db, committee):
    w = small_system()
    item = Indicator(
        system=w["system"],
        code="X",
        name="孤立",
        kind=Indicator.Kind.YES_NO,
        weight=D("10"),
        max_score=D("1"),
    )
    with pytest.raises(svc.InvalidEdit, match="只有维度可以作为一级节点"):
        svc.save_item(item, by=committee)


def test_codes_are_unique_within_a_system_on_save(db, committee):
    w = small_system()
    item = Indicator(
        system=w["system"],
        parent=w["d1"],
        code="i1",
        name="重复",
        kind=Indicator.Kind.YES_NO,
        weight=D("10"),
        max_score=D("1"),
    )
    with pytest.raises(svc.InvalidEdit, match="编码“i1”已被本体系的其他指标使用"):
        svc.save_item(item, by=committee)


def test_reweight_saves_siblings_that_sum_to_100(db, committee):
    w = small_system()
    svc.reweight(w["system"], w["d1"], {w["i1"].pk: D("70"), w["i2"].pk: D("30")}, by=committee)
    w["i1"].refresh_from_db()
    assert w["i1"].weight == D("70")


def test_reweight_refuses_a_sum_other_than_100_and_changes_nothing(db, committee):
    w = small_system()
    with pytest.raises(svc.InvalidEdit) as exc:
        svc.reweight(w["system"], w["d1"], {w["i1"].pk: D("70"), w["i2"].pk: D("40")}, by=committee)
    assert str(exc.value) == "同级权重合计为 110%，应为 100%，未保存。请调整后再保存。"
    w["i1"].refresh_from_db()
    assert w["i1"].weight == D("60")


def test_retiring_keeps_the_item_and_its_sub_items_in_history(db, committee):
    w = small_system()
    sub = IndicatorFactory(parent=w["i1"], code="I1a", weight=D("100"))
    svc.retire_item(w["i1"], reason="连续两年满分，已无区分度", by=committee)
    w["i1"].refresh_from_db()
    sub.refresh_from_db()
    assert (w["i1"].retired_reason, sub.retired_reason) == ("连续两年满分，已无区分度",) * 2
    assert w["system"].indicators.filter(code__in=["I1", "I1a"]).count() == 2


def test_retiring_needs_a_reason(db, committee):
    w = small_system()
    with pytest.raises(svc.InvalidEdit, match="淘汰指标须写明原因"):
        svc.retire_item(w["i1"], reason="  ", by=committee)


def test_a_retired_item_can_be_restored(db, committee):
    w = small_system()
    svc.retire_item(w["i1"], reason="试行", by=committee)
    svc.restore_item(w["i1"], by=committee)
    w["i1"].refresh_from_db()
    assert (w["i1"].retired_at, w["i1"].retired_reason) == (None, "")


# --- locks and versions --------------------------------------------------------------------


def test_edits_to_a_system_used_by_an_open_period_are_refused(db, committee):
    w = small_system()
    from assessment.services.periods import open_period

    open_period(q1(w["plan"]), by=committee)
    with pytest.raises(svc.SystemLocked) as exc:
        svc.reweight(w["system"], w["d1"], {w["i1"].pk: D("50"), w["i2"].pk: D("50")}, by=committee)
    assert "2024 第一季度" in str(exc.value)
    assert "请“创建新版本”后在新版本中修改" in str(exc.value)


@pytest.mark.parametrize("action", ["move", "retire", "save"])
def test_every_kind_of_edit_is_refused_on_a_locked_system(db, committee, action):
    w = small_system()
    from assessment.services.periods import open_period

    open_period(q1(w["plan"]), by=committee)
    with pytest.raises(svc.SystemLocked):
        if action == "move":
            svc.move_item(w["i2"], "up", by=committee)
        elif action == "retire":
            svc.retire_item(w["i2"], reason="x", by=committee)
        else:
            w["i2"].name = "改名"
            svc.save_item(w["i2"], by=committee)


def test_a_new_version_copies_every_item_and_is_editable(db, committee, unit_a):
    w = small_system()
    w["j1"].categories.set([unit_a.category])
    svc.retire_item(w["i2"], reason="旧", by=committee)
    # valid again: it may open
    svc.reweight(w["system"], w["d1"], {w["i1"].pk: D("100")}, by=committee)
    from assessment.services.periods import open_period

    open_period(q1(w["plan"]), by=committee)
    new = svc.create_version(w["system"], by=committee)
    assert new.version == 2
    assert svc.diff_systems(w["system"], new) == {
        "added": [],
        "removed": [],
        "retired": [],
        "reweighted": [],
        "changed": [],
    }
    assert list(new.indicators.get(code="J1").categories.all()) == [unit_a.category]
    assert new.indicators.get(code="I2").retired_reason == "旧"
    svc.ensure_editable(new)  # no exception


def test_a_draft_period_does_not_lock_the_system(db):
    w = small_system()
    assert not svc.is_locked(w["system"])
