"""Pages that compose several apps: the home page each role lands on, and health."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

from assessment.selectors import home as home_selectors
from assessment.selectors import rectification as rectification_selectors
from assessment.selectors import review as review_selectors
from assessment.selectors import scores as score_selectors
from assessment.selectors import submissions as submission_selectors
from config import api
from feedback import selectors as feedback_selectors
from feedback.selectors import case_stats
from units import selectors as unit_selectors
from units.models import Branch


@login_required
def home(request):
    scope = unit_selectors.scope_of(request.user)
    context = {
        "units": unit_selectors.unit_list(request.user)[:12],
        "branches": unit_selectors.branch_list(request.user)[:12],
        "unit_count": unit_selectors.units_visible_to(request.user).filter(active=True).count(),
        "branch_count": unit_selectors.branches_visible_to(request.user)
        .filter(active=True)
        .count(),
    }
    period = submission_selectors.open_periods().first()
    context["period"] = period
    if scope.sees_everything or scope.is_unit_admin:
        context["calendar_missing_years"] = feedback_selectors.provisional_deadline_years(
            request.user
        )
    if scope.sees_everything:
        template = "home/committee.html"
        if period is not None:
            context["unit_progress"] = submission_selectors.unit_progress(period, request.user)
        context["awaiting_review"] = review_selectors.awaiting_count(request.user, period)
        context["rectification"] = rectification_selectors.rate(
            rectification_selectors.problems_visible_to(request.user)
        )
        context["cases"] = case_stats(request.user)
    elif scope.is_unit_admin:
        template = "home/unit_admin.html"
        branches = Branch.objects.filter(unit_id__in=scope.unit_ids)
        if period is not None:
            context["branch_progress"] = submission_selectors.branch_progress(period, branches)
        context["due"] = home_selectors.due_for_unit_admin(request.user, period, branches)
        context["awaiting_check"] = context["due"].awaiting_check
        scored = score_selectors.default_period()
        unit = context["units"][0] if context["units"] else None
        if scored is not None and unit is not None:
            context["scored_period"] = scored
            context["standing"] = home_selectors.unit_standing(scored, unit)
    elif scope.is_party_secretary or scope.is_party_member:
        template = "home/party.html"
        branches = unit_selectors.branches_visible_to(request.user)
        if period is not None:
            context["branch_progress"] = submission_selectors.branch_progress(period, branches)
        context["desk"] = home_selectors.party_desk(request.user, period, branches)
        context["due"] = context["desk"].due
        scored = score_selectors.default_period()
        party_units = [u for u in context["units"] if u.pk in scope.party_unit_ids]
        if scored is not None and party_units:
            context["scored_period"] = scored
            context["standing"] = home_selectors.unit_standing(scored, party_units[0])
    elif scope.is_secretary:
        template = "home/secretary.html"
        if period is not None:
            context["boards"] = [
                submission_selectors.board(period, branch)
                for branch in Branch.objects.filter(pk__in=scope.branch_ids).select_related(
                    "unit", "unit__category"
                )
            ]
    else:
        template = "home/no_role.html"
    return render(request, template, context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return api.not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return api.server_error(request)
    return defaults.server_error(request)
