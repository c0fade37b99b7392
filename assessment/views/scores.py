"""Scores, rankings, completeness, indicator analytics, the three-year result and dashboards.

Views parse the request, ask ``assessment.selectors.scores`` and render. Scope: every list is
narrowed to ``units_visible_to`` / ``branches_visible_to``; an out-of-scope unit is a 404.
Publishing and corrections are committee actions behind a recent password entry.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from feedback.selectors import satisfaction
from units.decorators import recent_login_required
from units.forms import StyledFormMixin
from units.models import Branch, CoordinationGroup, UnitCategory
from units.numbers import TENTH, rounded
from units.selectors import (
    branches_visible_to,
    can_manage,
    scope_of,
    units_visible_to,
)
from units.workflow import TransitionNotAllowed

from ..models import AnnualPlan, Cycle, Period, Standard
from ..scoring import engine
from ..selectors import home
from ..selectors import rectification as rectification_selectors
from ..selectors import scores as selectors
from ..selectors.plans import current_plan
from ..services import periods as period_service
from . import score_charts as charts


class CorrectionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("更正原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("原因会随新版次保存，并显示在得分页上。"),
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _visible_unit_ids(user):
    scope = scope_of(user)
    if scope.sees_everything:
        return None
    return list(units_visible_to(user).values_list("pk", flat=True))


def _visible_branch_ids(user):
    scope = scope_of(user)
    if scope.sees_everything:
        return None
    return list(branches_visible_to(user).values_list("pk", flat=True))


def _require_role(user):
    if not scope_of(user).has_any_role:
        raise PermissionDenied


def _period_choices():
    return list(Period.objects.select_related("plan").order_by("-plan__year", "-opens_on"))


def _filters(request):
    category = _int(request.GET.get("category"))
    group = _int(request.GET.get("group"))
    return category, group


# --- ranking -----------------------------------------------------------------------------


@login_required
def score_index(request):
    """Jump to a period's ranking (or completeness page): ?period=ID&to=completeness."""
    _require_role(request.user)
    chosen = _int(request.GET.get("period"))
    period = (
        Period.objects.filter(pk=chosen).first() if chosen else None
    ) or selectors.default_period()
    if period is None:
        return render(request, "assessment/scores/no_period.html", {})
    if request.GET.get("to") == "completeness":
        return redirect("score_completeness", period_pk=period.pk)
    return redirect("score_ranking", period_pk=period.pk)


@login_required
def ranking(request, period_pk):
    _require_role(request.user)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    category, group = _filters(request)
    revision = _int(request.GET.get("revision"))
    level = "branch" if request.GET.get("level") == "branch" else "unit"
    if level == "branch":
        visible = {"branches": True, "branch_ids": _visible_branch_ids(request.user)}
    else:
        visible = {"unit_ids": _visible_unit_ids(request.user)}
    # One read gives the rows and their source (live or which published revision).
    source, rows = selectors.rows_for(
        [period], revision=revision, category=category, group=group, **visible
    )[period.pk]
    rule = engine.grading_rule(period.plan)
    data = {"charts": {}}
    if rows and level == "unit":
        data["charts"]["ranking"] = charts.ranking_chart(rows)
    return render(
        request,
        "assessment/scores/ranking.html",
        {
            "period": period,
            "periods": _period_choices(),
            "rows": rows,
            "level": level,
            "tab": "branches" if level == "branch" else "ranking",
            "source": source,
            "revisions": selectors.revisions(period),
            "categories": UnitCategory.objects.order_by("sort_order", "name"),
            "groups": CoordinationGroup.objects.order_by("sort_order", "name"),
            "category": category,
            "group": group,
            "rule": rule,
            "grade_counts": selectors.grade_counts(rows) if level == "unit" else [],
            "may_manage": can_manage(request.user),
            "correction_form": CorrectionForm(),
            "data": data,
        },
    )


# --- one unit ----------------------------------------------------------------------------


@login_required
def unit_page(request, period_pk, unit_pk):
    _require_role(request.user)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    unit = get_object_or_404(
        units_visible_to(request.user).select_related("category", "group"), pk=unit_pk
    )
    # The explanation carries the unit's row, its source and its branches' rows: read once.
    explanation = selectors.unit_score_explanation(period, unit)
    row = explanation.row
    visible = _visible_branch_ids(request.user)
    visible = None if visible is None else set(visible)
    # A secretary sees the unit's figures but only their own branch's.
    branch_weights = [
        (b, w) for b, w in explanation.branches if visible is None or b.branch_id in visible
    ]
    branch_rows = [b for b, _w in branch_weights]
    shown = {b.name for b in branch_rows}
    explanation.items = [i for i in explanation.items if not i.branch or i.branch in shown]
    trend = selectors.unit_trend(period.plan, unit)
    gaps = sorted(
        (i for i in explanation.items if i.gap is not None and i.gap != 0),
        key=lambda i: (-abs(i.gap), i.code),
    )
    data = {"charts": {}}
    if row is not None:
        average = _average_percents(selectors.period_ranking(period, category=unit.category_id))
        data["charts"]["radar"] = charts.radar_chart(
            [(unit.short_name, charts.standard_percents(row)), (_("同类平均"), average)]
        )
        data["charts"]["goals"] = charts.bar_compare_chart(
            [p.label for p in row.goals], [(unit.short_name, [p.percent for p in row.goals])]
        )
    quarter_trend = [t for t in trend if t.rate is not None and not t.in_progress]
    if quarter_trend:
        data["charts"]["trend"] = charts.trend_chart(
            [t.label for t in quarter_trend], [(_("得分率"), [t.rate for t in quarter_trend])]
        )
    return render(
        request,
        "assessment/scores/unit.html",
        {
            "period": period,
            "periods": _period_choices(),
            "unit": unit,
            "row": row,
            "source": explanation.source,
            "explanation": explanation,
            "branch_rows": branch_rows,
            "branch_weights": branch_weights,
            "hidden_branches": len(explanation.branches) - len(branch_weights),
            "trend": trend,
            "gaps": gaps,
            "standard_rows": _standard_table(row, data),
            "data": data,
        },
    )


def _average_percents(rows):
    if not rows:
        return [0] * len(Standard.choices)
    sums = [0.0] * len(Standard.choices)
    for row in rows:
        for i, value in enumerate(charts.standard_percents(row)):
            sums[i] += value or 0
    return [round(s / len(rows), 2) for s in sums]


def _standard_table(row, data):
    if row is None:
        return []
    radar = data["charts"].get("radar")
    average = radar["series"][0]["data"][1]["value"] if radar else []
    out = []
    by_code = {p.code: p for p in row.standards}
    for i, (code, label) in enumerate(Standard.choices):
        part = by_code.get(code)
        out.append(
            {
                "label": label,
                "points": part.points if part else None,
                "max": part.max_points if part else None,
                "percent": part.percent if part else None,
                "average": average[i] if average else None,
            }
        )
    return out


# --- completeness ------------------------------------------------------------------------


@login_required
def completeness_page(request, period_pk):
    _require_role(request.user)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    report = selectors.completeness(period, unit_ids=_visible_unit_ids(request.user))
    visible = _visible_branch_ids(request.user)
    if visible is not None:
        report.branches = [b for b in report.branches if b.branch_id in set(visible)]
    data = {"charts": {}}
    if report.units:
        data["charts"]["progress"] = charts.progress_chart(report.units)
    return render(
        request,
        "assessment/scores/completeness.html",
        {
            "period": period,
            "periods": _period_choices(),
            "report": report,
            "data": data,
            "tab": "completeness",
            "to": "completeness",
        },
    )


# --- publishing --------------------------------------------------------------------------


@require_POST
@recent_login_required
def publish(request, period_pk):
    period = get_object_or_404(Period, pk=period_pk)
    try:
        period_service.perform("publish", period, by=request.user)
    except (period_service.ScoringError, TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(period)s 得分已发布并冻结为第 1 版。此后的更正须写明原因，生成新版次。")
            % {"period": period},
        )
    return redirect("score_ranking", period_pk=period.pk)


@require_POST
@recent_login_required
def correct(request, period_pk):
    period = get_object_or_404(Period, pk=period_pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("更正已发布的得分必须写明原因。"))
        return redirect("score_ranking", period_pk=period.pk)
    try:
        snap = period_service.correct_published(
            period, by=request.user, reason=form.cleaned_data["reason"]
        )
    except period_service.ScoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已按当前数据生成第 %(n)s 版；此前各版仍可查阅。") % {"n": snap.revision},
        )
    return redirect("score_ranking", period_pk=period.pk)


# --- indicator analytics and the three-year result ---------------------------------------


def _require_staff_view(user):
    if not scope_of(user).sees_everything:
        raise PermissionDenied


@login_required
def analytics(request, plan_pk=None):
    _require_staff_view(request.user)
    plans = list(AnnualPlan.objects.order_by("-year"))
    if plan_pk is None:
        plan = current_plan()
        if plan is None:
            return render(request, "assessment/scores/no_period.html", {})
        return redirect("score_analytics", plan_pk=plan.pk)
    plan = get_object_or_404(AnnualPlan, pk=plan_pk)
    stats = selectors.indicator_analytics(plan)
    flagged = [s for s in stats if s.flagged]
    return render(
        request,
        "assessment/scores/analytics.html",
        {
            "plan": plan,
            "plans": plans,
            "stats": stats,
            "flagged": flagged,
            "buckets": [label for label, _n in selectors.distribution([])],
            "min_sample": selectors.ANALYTICS_MIN_SAMPLE,
            "at_max_share": selectors.ANALYTICS_AT_MAX_SHARE,
            "min_spread": selectors.ANALYTICS_MIN_SPREAD,
        },
    )


@login_required
def cycle_page(request, cycle_pk=None):
    _require_staff_view(request.user)
    cycles = list(Cycle.objects.order_by("-start_year"))
    if cycle_pk is None:
        if not cycles:
            return render(request, "assessment/scores/no_period.html", {})
        return redirect("score_cycle", cycle_pk=cycles[0].pk)
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    as_of_pk = _int(request.GET.get("as_of"))
    as_of = Period.objects.filter(pk=as_of_pk).select_related("plan").first() if as_of_pk else None
    result = selectors.cycle_result(cycle, as_of=as_of)
    red_flags = [
        (plan, selectors.red_flag_candidates(plan))
        for plan in AnnualPlan.objects.filter(cycle=cycle).order_by("year")
    ]
    return render(
        request,
        "assessment/scores/cycle.html",
        {"cycle": cycle, "cycles": cycles, "result": result, "red_flags": red_flags},
    )


# --- dashboards --------------------------------------------------------------------------


@login_required
def dashboard(request):
    scope = scope_of(request.user)
    if not scope.has_any_role:
        raise PermissionDenied
    period_pk = _int(request.GET.get("period"))
    if period_pk:
        period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    else:
        period = selectors.default_period()
    context = {"period": period, "periods": _period_choices(), "data": {"charts": {}}}
    if period is None:
        return render(request, "assessment/scores/dashboard.html", context)
    if scope.sees_everything:
        context.update(_staff_dashboard(request, period, scope))
        context["mode"] = "staff"
    elif scope.is_unit_admin or scope.is_party_secretary:
        context.update(_unit_dashboard(request, period, scope))
        context["mode"] = "unit"
    else:
        context.update(_secretary_dashboard(request, period))
        context["mode"] = "branch"
    return render(request, "assessment/scores/dashboard.html", context)


def _quarters(plan):
    """The plan's finished quarters: open ones are still partial."""
    return sorted(Period.objects.filter(plan=plan).quarters().finished(), key=lambda p: p.kind)


def _staff_dashboard(request, period, scope):
    category, group = _filters(request)
    plan = period.plan
    units = units_visible_to(request.user).filter(active=True)
    if category:
        units = units.filter(category_id=category)
    if group:
        units = units.filter(group_id=group)
    unit_ids = list(units.values_list("pk", flat=True))
    rows = selectors.period_ranking(period, unit_ids=unit_ids)
    # Every card speaks of the period in the header; the one open for reporting, if it is
    # another, is a link away.
    open_period = (
        Period.objects.filter(status=Period.Status.OPEN)
        .exclude(pk=period.pk)
        .select_related("plan")
        .order_by("-opens_on")
        .first()
    )
    progress_period = period
    progress = selectors.completeness(progress_period, unit_ids=unit_ids)
    quarters = selectors.trend_periods(plan, quarters_only=True)
    by_period = selectors.unit_totals(quarters, unit_ids=unit_ids)
    labels, lines = charts.category_trends(quarters, by_period)
    totals = {(pk, t.unit_id): t.total for pk, figures in by_period.items() for t in figures}
    trend_table = [
        (row, [totals.get((quarter.pk, row.unit_id)) for quarter in quarters]) for row in rows
    ]
    rectification = rectification_selectors.year_figures(
        rectification_selectors.problems_visible_to(request.user), plan.year
    )
    satisfaction = _satisfaction(plan, [r.unit_id for r in rows])
    branch_rows = []
    if not scope.sees_everything:
        branch_rows = selectors.branch_scores(period, branch_ids=_visible_branch_ids(request.user))
    buckets = selectors.distribution(rows)
    data = {"charts": {}}
    if progress.units:
        data["charts"]["progress"] = charts.progress_chart(
            progress.branches if not scope.sees_everything else progress.units
        )
    if rows:
        data["charts"]["distribution"] = charts.distribution_chart(buckets)
        data["charts"]["ranking"] = charts.ranking_chart(rows)
        data["charts"]["radar"] = charts.radar_chart(
            [(rows[0].unit_short_name, charts.standard_percents(rows[0]))]
        )
        data["radar_units"] = [
            {"name": r.unit_short_name, "value": charts.standard_percents(r)} for r in rows
        ]
    if lines:
        data["charts"]["trend"] = charts.trend_chart(labels, lines)
    return {
        "rows": rows,
        "branch_rows": branch_rows,
        "progress": progress,
        "progress_period": progress_period,
        "open_period": open_period,
        "buckets": buckets,
        "grade_counts": selectors.grade_counts(rows),
        "quarters": quarters,
        "trend_labels": labels,
        "trend_lines": lines,
        "trend_table": trend_table,
        "rectification": rectification,
        "satisfaction": satisfaction,
        "categories": UnitCategory.objects.order_by("sort_order", "name"),
        "groups": CoordinationGroup.objects.order_by("sort_order", "name"),
        "category": category,
        "group": group,
        "standards": [label for _c, label in Standard.choices],
        "data": data,
    }


def _unit_dashboard(request, period, scope):
    """A unit administrator's unit against all units, its category and its group: ranks,
    the quarters and the 六实 standards against the category's average, its branches."""
    unit = (
        units_visible_to(request.user)
        .filter(active=True, pk__in=scope.unit_ids | scope.party_unit_ids)
        .select_related("category", "group")
        .order_by("name")
        .first()
    )
    if unit is None:
        raise Http404
    plan = period.plan
    standing = home.unit_standing(period, unit)
    progress = selectors.completeness(period, unit_ids=[unit.pk])
    trend = home.unit_trend_against_category(home.finished_quarters(plan), unit)
    standards = home.unit_standards_against_category(period, unit)
    problems = rectification_selectors.problems_visible_to(request.user).filter(unit=unit)
    data = {"charts": {}}
    if progress.branches:
        data["charts"]["progress"] = charts.progress_chart(progress.branches)
    category_average = _("%(category)s平均") % {"category": unit.category.name}
    if standing is not None:
        data["charts"]["radar"] = charts.radar_chart(
            [
                (unit.short_name, [float(line.own or 0) for line in standards]),
                (category_average, [float(line.category or 0) for line in standards]),
            ]
        )
    if any(line.own is not None for line in trend):
        data["charts"]["trend"] = charts.trend_chart(
            [line.label for line in trend],
            [
                (unit.short_name, [line.own for line in trend]),
                (category_average, [line.category for line in trend]),
            ],
        )
    return {
        "unit": unit,
        "standing": standing,
        "progress": progress,
        "progress_period": period,
        "unit_trend": trend,
        "unit_standards": standards,
        "category_average": category_average,
        "rectification": rectification_selectors.year_figures(problems, plan.year),
        "satisfaction": _satisfaction(plan, [unit.pk]),
        "branch_rows": selectors.branch_scores(period, unit=unit),
        "data": data,
    }


def _satisfaction(plan, unit_ids):
    """The year's satisfaction so far: mean of the units' sufficient figures, the ratings
    counted, how many units have a figure and how many are 样本不足."""
    start = dt.date(plan.year, 1, 1)
    end = min(dt.date(plan.year, 12, 31), max(timezone.localdate(), start))
    # An overview: figures up to a few minutes old spare the aggregate over the year's ratings.
    figures = satisfaction(start, end, unit_ids, cached=True).values()
    scored = [f.value for f in figures if f.value is not None]
    return {
        "average": rounded(sum(scored) / len(scored), TENTH) if scored else None,
        "sample": sum(f.sample for f in figures),
        "units": len(scored),
        "insufficient": sum(1 for f in figures if f.sample and not f.sufficient),
    }


def _secretary_dashboard(request, period):
    """The secretary's branch against its unit's branches and its category's branches."""
    branch_ids = _visible_branch_ids(request.user) or []
    branch = Branch.objects.select_related("unit", "unit__category").filter(pk__in=branch_ids)
    branch = branch.order_by("unit__name", "name").first()
    if branch is None:
        raise Http404
    mine = next(iter(selectors.branch_scores(period, branch_ids=[branch.pk])), None)
    standards = home.branch_standards_against_unit_and_category(period, branch)
    trend = home.branch_trend_against_unit_and_category(home.finished_quarters(period.plan), branch)
    progress = selectors.completeness(period, unit_ids=[branch.unit_id])
    mine_progress = next((b for b in progress.branches if b.branch_id == branch.pk), None)
    unit_average = _("%(unit)s各支部平均") % {"unit": branch.unit.short_name}
    category_average = _("同类支部平均")
    data = {"charts": {}}
    if mine:
        data["charts"]["radar"] = charts.radar_chart(
            [
                (branch.name, [float(line.own or 0) for line in standards]),
                (unit_average, [float(line.unit or 0) for line in standards]),
                (category_average, [float(line.category or 0) for line in standards]),
            ]
        )
    if any(line.own is not None for line in trend):
        data["charts"]["trend"] = charts.trend_chart(
            [line.label for line in trend],
            [
                (branch.name, [line.own for line in trend]),
                (unit_average, [line.unit for line in trend]),
                (category_average, [line.category for line in trend]),
            ],
        )
    return {
        "branch": branch,
        "mine": mine,
        "standard_compare": standards,
        "branch_trend": trend,
        "unit_average": unit_average,
        "mine_progress": mine_progress,
        "data": data,
    }
