"""Public pages: no account, no JavaScript needed, mobile first."""

import logging

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from units.models import Unit, UnitCategory

from ..forms import PublicRatingForm, ReceiptLookupForm, UnitSearchForm, dimensions_for_form
from ..models import Publication, Rating
from ..services import abuse
from ..services.ratings import RatingInput, submit_public_rating

logger = logging.getLogger(__name__)

# The receipts this browser was given, so that a repeated submission (Back, then send
# again) leads to the citizen's first receipt. The rating's source is the network address,
# which many citizens may share: its receipt is shown only to the browser that holds it.
RECEIPTS_COOKIE = "ma_receipts"
RECEIPTS_KEPT = 20


def _receipts_of_browser(request) -> list[str]:
    value = request.get_signed_cookie(RECEIPTS_COOKIE, default="", salt=RECEIPTS_COOKIE)
    return [code for code in value.split(",") if code]


def _remember_receipt(request, response, code):
    kept = [code, *(c for c in _receipts_of_browser(request) if c != code)][:RECEIPTS_KEPT]
    response.set_signed_cookie(
        RECEIPTS_COOKIE,
        ",".join(kept),
        salt=RECEIPTS_COOKIE,
        max_age=settings.FEEDBACK_DUPLICATE_WINDOW_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def unit_index(request):
    form = UnitSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    units = Unit.objects.filter(active=True).select_related("category")
    if query:
        units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    groups = {}
    for unit in units.order_by("category__sort_order", "category__name", "name"):
        groups.setdefault(unit.category, []).append(unit)
    return render(
        request,
        "feedback/public/unit_index.html",
        {
            "form": form,
            "groups": groups,
            "query": query,
            "categories": UnitCategory.objects.count(),
        },
    )


@require_http_methods(["GET", "POST"])
def rate_unit(request, slug):
    units = Unit.objects.filter(active=True)
    if request.method == "GET":
        units = units.select_related("category")  # shown on the page; a stored POST needs none
    unit = get_object_or_404(units, slug=slug)
    refusal, status = None, 200
    if request.method == "POST":
        # Most citizens rate no dimension: their POST validates and stores without them.
        rated = PublicRatingForm.rates_dimensions(request.POST)
        form = PublicRatingForm(request.POST, dimensions=dimensions_for_form() if rated else ())
        if form.is_bot:
            status = 400
            refusal = _(
                "提交未被接受：表单中一个应留空的隐藏项被填写了，这通常是自动程序所为。"
                "如果您是正常填写，请刷新页面后重新评价。"
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                rating = submit_public_rating(
                    RatingInput(
                        unit=unit,
                        level=data["level"],
                        comment=data["comment"],
                        dimensions=form.dimension_levels(),
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        contact_consent=data["contact_consent"],
                    ),
                    address=request.META.get("REMOTE_ADDR", ""),
                )
            except abuse.RateLimited as exc:
                refusal, status = str(exc), 429
            else:
                return _to_receipt(request, rating)
        if not rated:
            form.add_dimensions(dimensions_for_form())  # shown again, unrated
    else:
        form = PublicRatingForm(dimensions=dimensions_for_form())
    return render(
        request,
        "feedback/public/rate.html",
        {"unit": unit, "form": form, "refusal": refusal},
        status=status,
    )


def _to_receipt(request, rating):
    """The new rating's receipt; a repeat of this browser's earlier rating of the unit
    leads back to that first receipt, the one that will carry the unit's reply."""
    if rating.duplicate_of_id is not None:
        first = Rating.objects.values_list("receipt", flat=True).get(pk=rating.duplicate_of_id)
        if first in _receipts_of_browser(request):
            url = reverse("feedback:receipt", args=[first])
            return HttpResponseRedirect(url + "?repeat=1")
    # Not redirect(): it would first try the URL as a view name to reverse.
    url = reverse("feedback:receipt", args=[rating.receipt])
    return _remember_receipt(request, HttpResponseRedirect(url + "?new=1"), rating.receipt)


def receipt_lookup(request):
    form = ReceiptLookupForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if Rating.objects.filter(receipt=code).exists():
            return redirect("feedback:receipt", code=code)
        form.add_error("code", _("没有找到这个回执号，请核对后重新输入（不区分大小写）。"))
    return render(request, "feedback/public/lookup.html", {"form": form})


def receipt(request, code):
    rating = (
        Rating.objects.select_related("unit", "unit__category", "case")
        .filter(receipt=code.upper())
        .first()
    )
    if rating is None:
        raise Http404
    case = getattr(rating, "case", None)
    return render(
        request,
        "feedback/public/receipt.html",
        {
            "rating": rating,
            "case": case,
            "just_sent": request.GET.get("new") == "1",
            "repeated": request.GET.get("repeat") == "1",
            "window_hours": settings.FEEDBACK_DUPLICATE_WINDOW_HOURS,
        },
    )


def results_index(request):
    publications = Publication.objects.filter(withdrawn=False)
    return render(request, "feedback/public/results_index.html", {"publications": publications})


def results(request, pk):
    publication = get_object_or_404(Publication.objects.filter(withdrawn=False), pk=pk)
    figures = publication.figures.select_related("unit", "unit__category").order_by(
        "unit__category__sort_order", "-score", "unit__name"
    )
    figures = list(figures)
    return render(
        request,
        "feedback/public/results.html",
        {
            "publication": publication,
            "figures": figures,
            "insufficient": sum(1 for f in figures if not f.sufficient),
            "min_sample": settings.FEEDBACK_MIN_SAMPLE,
        },
    )
