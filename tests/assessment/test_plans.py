"""Cycles and annual plans: phases by position, default periods, edits."""

import datetime as dt
from decimal import Decimal

import pytest

from assessment.models import AnnualPlan, Period
from assessment.services import plans as svc
from assessment.services.indicator_template import load_template
from tests.factories import AnnualPlanFactory, PeriodFactory


def test_a_cycle_gets_three_plans_with_phases_by_position(db, committee):
    cycle = svc.create_cycle(by=committee, title="2027—2029年三年行动", start_year=2027)
    assert list(cycle.plans.order_by("year").values_list("year", "phase")) == [
        (2027, "benchmark"),
        (2028, "breakthrough"),
        (2029, "results"),
    ]
    assert cycle.end_year == 2029


def test_each_plan_gets_six_periods_with_default_windows(db, committee):
    cycle = svc.create_cycle(by=committee, title="t", start_year=2027)
    plan = cycle.plans.get(year=2027)
    assert list(plan.periods.order_by("opens_on").values_list("kind", "opens_on", "deadline")) == [
        ("q1", dt.date(2027, 3, 15), dt.date(2027, 4, 10)),
        ("q2", dt.date(2027, 6, 15), dt.date(2027, 7, 10)),
        ("h1", dt.date(2027, 7, 1), dt.date(2027, 7, 25)),
        ("q3", dt.date(2027, 9, 15), dt.date(2027, 10, 10)),
        ("q4", dt.date(2027, 11, 15), dt.date(2027, 12, 10)),
        ("annual", dt.date(2027, 12, 1), dt.date(2028, 1, 15)),
    ]
    assert set(plan.periods.values_list("status", flat=True)) == {"draft"}


@pytest.mark.parametrize("start_year", [2028, 2029, 2018, 2020])
def test_cycles_leave_no_year_uncovered(db, committee, start_year):
    svc.create_cycle(by=committee, title="2024—2026", start_year=2024)
    with pytest.raises(svc.PlanError) as refused:
        svc.create_cycle(by=committee, title="t", start_year=start_year)
    assert str(refused.value) == (
        "三年行动计划应与已有的 2024–2026 年首尾相接："
        "下一轮从 2027 年开始（或补前一轮，从 2021 年开始）。"
    )


@pytest.mark.parametrize("start_year", [2027, 2021])
def test_a_cycle_follows_or_precedes_the_plans_there_are(db, committee, start_year):
    svc.create_cycle(by=committee, title="2024—2026", start_year=2024)
    cycle = svc.create_cycle(by=committee, title="t", start_year=start_year)
    assert list(cycle.plans.values_list("year", flat=True).order_by("year")) == [
        start_year,
        start_year + 1,
        start_year + 2,
    ]


def test_cycles_cannot_overlap_years(db, committee):
    AnnualPlanFactory(year=2028)
    with pytest.raises(svc.PlanError, match="2028 年已有年度计划"):
        svc.create_cycle(by=committee, title="t", start_year=2026)
    assert not AnnualPlan.objects.filter(year=2026).exists()


def test_the_next_cycle_copies_the_last_years_system_into_its_first_year(db, committee):
    first = svc.create_cycle(by=committee, title="2024—2026", start_year=2024)
    load_template(first.plans.get(year=2026), by=committee)
    second = svc.create_cycle(
        by=committee, title="2027—2029", start_year=2027, previous=first, copy_forward=True
    )
    plan = second.plans.get(year=2027)
    assert plan.systems.count() == 1
    assert plan.systems.get().indicators.count() == (
        first.plans.get(year=2026).systems.get().indicators.count()
    )
    assert first.next_cycle == second


def test_without_copy_forward_the_first_year_starts_empty(db, committee):
    first = svc.create_cycle(by=committee, title="2024—2026", start_year=2024)
    load_template(first.plans.get(year=2026), by=committee)
    second = svc.create_cycle(by=committee, title="2027—2029", start_year=2027, previous=first)
    assert not second.plans.get(year=2027).systems.exists()


def test_plan_score_weights_must_sum_to_one(db, committee):
    from assessment.forms_plans import PlanForm

    plan = AnnualPlanFactory(year=2024)
    data = {
        "phase": "benchmark",
        "burden_cap": 15,
        "weight_quarterly": "0.5",
        "weight_exam": "0.4",
        "weight_satisfaction": "0.2",
        "unit_aggregation": "mean",
    }
    form = PlanForm(data, instance=plan)
    assert form.is_valid()
    with pytest.raises(svc.PlanError, match="三项权重合计为 1.1，应为 1"):
        svc.update_plan(plan, form.cleaned_data, by=committee)


def test_plan_phase_and_tasks_are_editable(db, committee):
    from assessment.forms_plans import PlanForm

    plan = AnnualPlanFactory(year=2024)
    data = {
        "phase": "breakthrough",
        "key_tasks": "整改台账",
        "burden_cap": 12,
        "weight_quarterly": "0.5",
        "weight_exam": "0.3",
        "weight_satisfaction": "0.2",
        "unit_aggregation": "mean",
    }
    form = PlanForm(data, instance=plan)
    assert form.is_valid()
    svc.update_plan(plan, form.cleaned_data, by=committee)
    plan.refresh_from_db()
    assert (plan.phase, plan.key_tasks, plan.burden_cap, plan.weight_satisfaction) == (
        "breakthrough",
        "整改台账",
        12,
        Decimal("0.20"),
    )


def test_a_period_window_can_be_moved_until_published(db, committee):
    period = PeriodFactory()
    svc.update_period_window(
        period, by=committee, opens_on=dt.date(2024, 3, 20), deadline=dt.date(2024, 4, 15)
    )
    period.refresh_from_db()
    assert (period.opens_on, period.deadline) == (dt.date(2024, 3, 20), dt.date(2024, 4, 15))


def test_a_deadline_before_the_opening_is_refused(db, committee):
    period = PeriodFactory()
    with pytest.raises(svc.PlanError, match="截止日期不能早于开始报送日期"):
        svc.update_period_window(
            period, by=committee, opens_on=dt.date(2024, 4, 1), deadline=dt.date(2024, 3, 1)
        )


def test_a_published_period_window_is_frozen(db, committee):
    period = PeriodFactory()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.PUBLISHED)
    period.refresh_from_db()
    with pytest.raises(svc.PlanError, match="已发布的节点不能再修改时间"):
        svc.update_period_window(
            period, by=committee, opens_on=period.opens_on, deadline=period.deadline
        )


@pytest.mark.parametrize(
    "opens_on, deadline, refusal",
    [
        (dt.date(2031, 1, 1), dt.date(2031, 2, 1), "开始报送日期应在 2024 年内。"),
        (dt.date(2023, 12, 20), dt.date(2024, 1, 10), "开始报送日期应在 2024 年内。"),
        (
            dt.date(2024, 12, 1),
            dt.date(2025, 4, 1),
            "截止日期不能晚于 2025-03-31（下一年第一季度末）。",
        ),
    ],
)
def test_a_window_stays_within_its_year_and_the_next_first_quarter(
    db, committee, opens_on, deadline, refusal
):
    period = PeriodFactory()
    with pytest.raises(svc.PlanError) as refused:
        svc.update_period_window(period, by=committee, opens_on=opens_on, deadline=deadline)
    assert str(refused.value) == refusal


def test_the_annual_exam_may_close_in_the_next_year(db, committee):
    period = PeriodFactory(kind=Period.Kind.ANNUAL)
    svc.update_period_window(
        period, by=committee, opens_on=dt.date(2024, 12, 1), deadline=dt.date(2025, 3, 31)
    )
    period.refresh_from_db()
    assert period.deadline == dt.date(2025, 3, 31)
