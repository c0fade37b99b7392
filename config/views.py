"""Pages that compose several apps: the home page each role lands on, and health."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from units import selectors as unit_selectors


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
    if scope.sees_everything:
        template = "home/committee.html"
    elif scope.is_unit_admin:
        template = "home/unit_admin.html"
    elif scope.is_secretary:
        template = "home/secretary.html"
    else:
        template = "home/no_role.html"
    return render(request, template, context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
