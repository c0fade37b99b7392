"""Cycles, annual plans and their periods: creation with sensible defaults, edits, and the
checked opening of a period."""

import datetime as dt

from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from units.errors import ensure

from ..models import AnnualPlan, Cycle, Period, Phase
from ..rules import window_problem
from ..selectors.plans import current_system, may_edit_plan
from .indicators import copy_to_plan, raise_satisfaction_weight

# A three-year cycle's years, in order: 对标年, 突破年, 问效年 (000 §三(一)).
PHASES_BY_POSITION = [Phase.BENCHMARK, Phase.BREAKTHROUGH, Phase.RESULTS]

# Default submission windows (month, day) → (month, day, year offset). Quarterly evidence is
# gathered in the last weeks of the quarter; the half-year test in July; the annual exam
# spans the turn of the year.
DEFAULT_WINDOWS = {
    Period.Kind.Q1: ((3, 15), (4, 10, 0)),
    Period.Kind.Q2: ((6, 15), (7, 10, 0)),
    Period.Kind.H1: ((7, 1), (7, 25, 0)),
    Period.Kind.Q3: ((9, 15), (10, 10, 0)),
    Period.Kind.Q4: ((11, 15), (12, 10, 0)),
    Period.Kind.ANNUAL: ((12, 1), (1, 15, 1)),
}


class PlanError(Exception):
    """A plan action that cannot be done; the message says why, in Chinese."""


def phase_for_position(position: int) -> str:
    return PHASES_BY_POSITION[position % 3]


def default_window(year: int, kind: str) -> tuple[dt.date, dt.date]:
    (om, od), (dm, dd, offset) = DEFAULT_WINDOWS[kind]
    return dt.date(year, om, od), dt.date(year + offset, dm, dd)


def _ensure_may_edit(by) -> None:
    ensure(may_edit_plan(by), _("只有工委工作人员可以修改行动计划和节点时间。"))


def create_default_periods(plan: AnnualPlan) -> list[Period]:
    existing = set(plan.periods.values_list("kind", flat=True))
    created = []
    for kind in DEFAULT_WINDOWS:
        if kind in existing:
            continue
        opens_on, deadline = default_window(plan.year, kind)
        created.append(
            Period.objects.create(plan=plan, kind=kind, opens_on=opens_on, deadline=deadline)
        )
    return created


@transaction.atomic
def create_cycle(
    *,
    by,
    title: str,
    start_year: int,
    goals: str = "",
    previous: Cycle | None = None,
    copy_forward: bool = False,
    improvement_weight=0,
) -> Cycle:
    """A three-year plan with its three annual plans (phases proposed by position) and each
    year's six periods. With copy_forward, the previous cycle's last system is copied into
    the first year."""
    _ensure_may_edit(by)
    taken = list(
        AnnualPlan.objects.filter(year__in=range(start_year, start_year + 3)).values_list(
            "year", flat=True
        )
    )
    if taken:
        raise PlanError(
            _("%(years)s 年已有年度计划，三年行动计划的年份不能重叠。")
            % {"years": "、".join(str(y) for y in sorted(taken))}
        )
    if Cycle.objects.filter(start_year=start_year).exists():
        raise PlanError(_("起始年份为 %(y)d 的三年行动计划已存在。") % {"y": start_year})
    years = AnnualPlan.objects.aggregate(first=Min("year"), last=Max("year"))
    if years["last"] is not None and start_year not in (years["last"] + 1, years["first"] - 3):
        # A gap could never be filled later: a cycle is three years and may not overlap.
        raise PlanError(
            _(
                "三年行动计划应与已有的 %(first)d–%(last)d 年首尾相接：下一轮从 %(next)d 年开始"
                "（或补前一轮，从 %(before)d 年开始）。"
            )
            % {
                "first": years["first"],
                "last": years["last"],
                "next": years["last"] + 1,
                "before": years["first"] - 3,
            }
        )
    cycle = Cycle.objects.create(
        title=title,
        start_year=start_year,
        goals=goals,
        previous=previous,
        improvement_weight=improvement_weight or 0,
    )
    for position in range(3):
        plan = AnnualPlan.objects.create(
            cycle=cycle, year=start_year + position, phase=phase_for_position(position)
        )
        if plan.phase == Phase.RESULTS:  # the phase preset's plan part (docs/scoring.md)
            raise_satisfaction_weight(plan)
        create_default_periods(plan)
    if copy_forward and previous is not None:
        last = previous.plans.order_by("-year").first()
        system = current_system(last) if last else None
        if system is not None:
            copy_to_plan(system, cycle.plans.order_by("year").first())
    return cycle


@transaction.atomic
def update_plan(plan: AnnualPlan, data: dict, *, by) -> AnnualPlan:
    """Save a plan's phase, tasks, cap and score weights (which must sum to 1)."""
    _ensure_may_edit(by)
    total = data["weight_quarterly"] + data["weight_exam"] + data["weight_satisfaction"]
    if total != 1:
        raise PlanError(
            _("季度平均、年度考核和群众满意度三项权重合计为 %(t)s，应为 1。") % {"t": total}
        )
    for name, value in data.items():
        setattr(plan, name, value)
    plan.save()
    return plan


@transaction.atomic
def update_period_window(period: Period, *, by, opens_on, deadline) -> Period:
    _ensure_may_edit(by)
    if period.status == Period.Status.PUBLISHED:
        raise PlanError(_("已发布的节点不能再修改时间。"))
    problem = window_problem(period.plan.year, opens_on, deadline)
    if problem:
        raise PlanError(problem)
    period.opens_on = opens_on
    period.deadline = deadline
    period.save(update_fields=["opens_on", "deadline"])
    return period


def next_plan(plan: AnnualPlan) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(year=plan.year + 1).first()
