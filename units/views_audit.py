"""/audit/: committee staff and leaders search the audit log. Read-only: GET only."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import audit
from .forms import AuditFilterForm

PAGE_SIZE = 50


@require_GET
@login_required
def audit_log(request):
    if not audit.may_read_audit(request.user):
        raise PermissionDenied
    types = audit.audited_models()
    form = AuditFilterForm(request.GET or None, content_types=types)
    data = form.cleaned_data if form.is_valid() else {}
    query = audit.AuditQuery(
        content_type=form.content_types.get(data.get("model") or ""),
        object_pk=data.get("object", "").strip(),
        actor=data.get("actor", "").strip(),
        action=int(data["action"]) if data.get("action") else None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        text=data.get("text", "").strip(),
    )
    page = Paginator(audit.search(query), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.describe_page(page.object_list)
    return render(request, "units/audit.html", {"form": form, "page": page})
