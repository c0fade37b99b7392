"""结果运用 pages (committee staff and leaders): 评先评优, 绩效奖励, 干部考核参考 of a
year whose annual result is published, each printable and with its .xlsx export. Before
publication the page says so; the exports answer 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from assessment.selectors import results_use as selectors

from . import results_use as exports
from .views import CONTENT_TYPES

TABS = ("awards", "rewards", "cadres")


def _context(request, year, use):
    if not selectors.may_view(request.user):
        raise PermissionDenied
    return {
        "year": year,
        "use": use,
        "years": selectors.published_years(),
        "result": selectors.published_result(year),
    }


@login_required
@require_GET
def index(request):
    if not selectors.may_view(request.user):
        raise PermissionDenied
    years = selectors.published_years()
    if years:
        return redirect("reports:results_awards", year=years[0][0])
    return render(request, "reports/results/page.html", {"years": [], "result": None})


@login_required
@require_GET
def awards(request, year):
    context = _context(request, year, "awards")
    if context["result"] is not None:
        context["awards"] = selectors.awards(context["result"])
    return render(request, "reports/results/page.html", context)


@login_required
@require_GET
def rewards(request, year):
    context = _context(request, year, "rewards")
    if context["result"] is not None:
        context["groups"] = selectors.rewards(context["result"])
    return render(request, "reports/results/page.html", context)


@login_required
@require_GET
def cadres(request, year):
    context = _context(request, year, "cadres")
    if context["result"] is not None:
        context["cadre_rows"] = selectors.cadre_reference(context["result"])
    return render(request, "reports/results/page.html", context)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _published(request, year):
    if not selectors.may_view(request.user):
        raise PermissionDenied
    result = selectors.published_result(year)
    if result is None:
        raise Http404
    return result


@login_required
@require_GET
def awards_export(request, year):
    result = _published(request, year)
    return _xlsx(exports.awards_xlsx(selectors.awards(result)), f"awards-{year}.xlsx")


@login_required
@require_GET
def rewards_export(request, year):
    result = _published(request, year)
    return _xlsx(
        exports.rewards_xlsx(result, selectors.rewards(result)), f"performance-rewards-{year}.xlsx"
    )


@login_required
@require_GET
def cadres_export(request, year):
    result = _published(request, year)
    return _xlsx(
        exports.cadres_xlsx(result, selectors.cadre_reference(result)),
        f"cadre-reference-{year}.xlsx",
    )
