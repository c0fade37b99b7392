"""为基层减负: evidence items per branch of each category per period, with a cap."""

from decimal import Decimal

from assessment.models import Indicator
from assessment.selectors.indicators import burden, preview
from tests.factories import IndicatorFactory

from .plan_helpers import small_system


def by_category(rows):
    return {row.category.name: row for row in rows}


def test_counts_branch_items_per_period_kind(db, unit_a, unit_b):
    w = small_system()
    rows = by_category(burden(w["plan"], w["system"]))
    assert rows["经济调节类"].counts == {"q1": 3, "q2": 3, "q3": 3, "q4": 3, "h1": 0, "annual": 1}


def test_unit_level_and_retired_items_are_not_a_branch_burden(db, unit_a, unit_b):
    w = small_system()
    IndicatorFactory(parent=w["d2"], code="U1", level=Indicator.Level.UNIT, weight=0)
    IndicatorFactory(parent=w["d2"], code="R1", weight=0, retired_at="2024-01-01T00:00:00Z")
    rows = by_category(burden(w["plan"], w["system"]))
    assert rows["经济调节类"].counts["q1"] == 3


def test_category_specific_items_count_for_that_category_only(db, unit_a, unit_b):
    w = small_system()
    extra = IndicatorFactory(
        parent=w["d2"], code="W1", kind=Indicator.Kind.BONUS, max_score=Decimal("2"), weight=0
    )
    extra.categories.set([unit_b.category])
    rows = by_category(burden(w["plan"], w["system"]))
    assert (rows["经济调节类"].counts["q1"], rows["窗口服务类"].counts["q1"]) == (3, 4)


def test_a_warning_above_the_plans_cap(db, unit_a, unit_b):
    w = small_system()
    w["plan"].burden_cap = 2
    w["plan"].save()
    rows = by_category(burden(w["plan"], w["system"]))
    assert rows["经济调节类"].over["q1"] is True
    assert rows["经济调节类"].over["annual"] is False
    assert rows["经济调节类"].any_over


def test_attachments_are_counted(db, unit_a):
    w = small_system()
    Indicator.objects.filter(pk=w["i1"].pk).update(requires_attachment=True)
    rows = by_category(burden(w["plan"], w["system"]))
    assert rows["经济调节类"].attachments["q1"] == 1


def test_burden_takes_the_same_queries_whatever_the_size(
    db, unit_a, unit_b, django_assert_num_queries
):
    w = small_system()
    with django_assert_num_queries(3):
        burden(w["plan"], w["system"])
    for n in range(20):
        item = IndicatorFactory(parent=w["d2"], code=f"X{n}", weight=0)
        item.categories.set([unit_a.category])
    with django_assert_num_queries(3):
        burden(w["plan"], w["system"])


def test_preview_groups_a_secretarys_items_by_standard(db, unit_a, unit_b):
    w = small_system()
    groups, total = preview(w["system"], unit_a.category, "q1")
    assert total == 3
    assert [(str(label), [i.code for i in items]) for label, items in groups] == [
        ("组织夯实", ["I1", "I2"]),
        ("服务求实", ["J1"]),
    ]


def test_preview_of_the_annual_exam_shows_annual_items(db, unit_a):
    w = small_system()
    groups, total = preview(w["system"], unit_a.category, "annual")
    assert (total, [i.code for _label, items in groups for i in items]) == (1, ["B1"])


def test_preview_without_category_shows_items_common_to_all(db, unit_a, unit_b):
    w = small_system()
    w["j1"].categories.set([unit_b.category])
    _groups, total = preview(w["system"], None, "q1")
    assert total == 2
