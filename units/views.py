from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services, tokens
from .decorators import mark_password_confirmed, recent_login_required
from .forms import (
    BranchFilterForm,
    ConfirmPasswordForm,
    ImportForm,
    PasswordChangeForm,
    TokenForm,
    UnitFilterForm,
)
from .importing import ImportFileError
from .models import ApiToken
from .resources import RESOURCES

PAGE_SIZE = 50


@login_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = selectors.unit_list(
        request.user,
        category=filters.get("category"),
        group=filters.get("group"),
        search=filters.get("q", ""),
    )
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {"form": form, "page": page})


@login_required
def unit_detail(request, slug):
    unit = get_object_or_404(
        selectors.units_visible_to(request.user).select_related("category", "group"), slug=slug
    )
    branches = list(selectors.branch_list(request.user, unit=unit))
    accounts = selectors.secretaries_by_branch(b.pk for b in branches)
    for branch in branches:
        branch.accounts = accounts.get(branch.pk, [])
    return render(request, "units/unit_detail.html", {"unit": unit, "branches": branches})


@login_required
def branch_list(request):
    form = BranchFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    branches = selectors.branch_list(
        request.user, search=filters.get("q", ""), oversized_only=filters.get("oversized", False)
    )
    page = Paginator(branches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "units/branch_list.html", {"form": form, "page": page})


@login_required
def branch_detail(request, pk):
    branch = get_object_or_404(
        selectors.branches_visible_to(request.user).select_related("unit", "unit__category"),
        pk=pk,
    )
    accounts = selectors.secretaries_by_branch([branch.pk]).get(branch.pk, [])
    return render(request, "units/branch_detail.html", {"branch": branch, "accounts": accounts})


@login_required
@recent_login_required
def import_page(request):
    outcome = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                outcome = services.import_organisation(
                    form.cleaned_data["kind"], form.cleaned_data["file"], by=request.user
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if outcome.ok:
                    messages.success(
                        request,
                        _("导入完成：新增 %(new)d 行，更新 %(updated)d 行，未变 %(same)d 行。")
                        % {
                            "new": outcome.new,
                            "updated": outcome.updated,
                            "same": outcome.unchanged,
                        },
                    )
    else:
        form = ImportForm()
    return render(
        request,
        "units/import.html",
        {"form": form, "outcome": outcome, "resources": RESOURCES},
    )


@require_GET
@login_required
def export(request, kind, file_format):
    if not selectors.can_manage(request.user):
        raise PermissionDenied
    if kind not in RESOURCES or file_format not in ("xlsx", "csv"):
        raise Http404
    content = services.export_organisation(kind, file_format)
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    if file_format == "csv":
        content = "\ufeff" + content  # Excel opens UTF-8 CSV correctly only with a BOM
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}.{file_format}"'
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view; the form needs the request so wrong old passwords count toward lock-out."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@login_required
def confirm_password(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    form = ConfirmPasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        mark_password_confirmed(request)
        return redirect(next_url)
    return render(request, "registration/confirm_password.html", {"form": form, "next": next_url})


@login_required
@recent_login_required
def token_list(request):
    key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, key = tokens.create_token(
            name=data["name"],
            user=data["user"],
            unit=data["unit"],
            read_only=data["read_only"],
            days=data["days"],
            created_by=request.user,
        )
        messages.success(request, _("令牌已创建。请立即复制保存，关闭本页后将无法再次查看。"))
        form = TokenForm()
    return render(
        request,
        "units/tokens.html",
        {
            "form": form,
            "new_key": key,
            "tokens": ApiToken.objects.select_related("user", "unit", "created_by"),
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
@recent_login_required
def token_revoke(request, pk):
    tokens.revoke_token(get_object_or_404(ApiToken, pk=pk), by=request.user)
    messages.success(request, _("令牌已撤销，使用它的系统将立即无法访问。"))
    return redirect("token_list")
