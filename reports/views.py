from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from units.downloads import private_file

from . import selectors, services
from .forms import JobFilterForm, ReportRequestForm
from .models import ReportJob

PAGE_SIZE = 30
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def _list_page(request, request_form=None, status=200):
    filters = JobFilterForm(request.GET or None, auto_id="filter_%s")
    data = filters.cleaned_data if filters.is_valid() else {}
    jobs = selectors.job_list(request.user, kind=data.get("kind"), status=data.get("status"))
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = selectors.requestable_kinds(request.user)
    if request_form is None and kinds:
        request_form = ReportRequestForm(request.user, kinds)
    return render(
        request,
        "reports/job_list.html",
        {"page": page, "filters": filters, "form": request_form},
        status=status,
    )


@login_required
@require_GET
def job_list(request):
    return _list_page(request)


@login_required
@require_POST
def request_report(request):
    kinds = selectors.requestable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    form = ReportRequestForm(request.user, kinds, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kind = ReportJob.Kind(data["kind"])
        try:
            outcome = services.request_report(
                kind=kind,
                period=data["period"],
                unit=data["unit"],
                branch=data["branch"],
                by=request.user,
            )
        except services.ReportRequestError as exc:
            form.add_error(exc.field, str(exc))
        else:
            job = outcome.job
            job.refresh_from_db()
            if job.status == ReportJob.Status.DONE:
                messages.success(request, _("报告已生成，可在下方列表中下载。"))
            elif outcome.created or outcome.requeued:
                messages.success(request, _("已加入生成队列。列表会自动刷新进度，完成后即可下载。"))
            else:
                messages.info(request, _("同样的报告正在生成中，无需重复申请。"))
            return redirect(reverse("reports:job_list"))
    return _list_page(request, request_form=form, status=400)


@login_required
@require_GET
def job_status(request):
    """JSON for the poller in static/js/reports-list.js."""
    try:
        ids = [int(x) for x in request.GET.get("ids", "").split(",") if x.strip()]
    except ValueError:
        ids = []
    jobs = selectors.job_statuses(request.user, ids)
    return JsonResponse(
        {
            "jobs": [
                {
                    "id": job.pk,
                    "status": job.status,
                    "status_label": str(job.get_status_display()),
                    "done": job.progress_done,
                    "total": job.progress_total,
                    "percent": job.percent,
                    "error": job.error,
                    "download_url": reverse("reports:download", args=[job.pk])
                    if job.status == ReportJob.Status.DONE
                    else None,
                }
                for job in jobs
            ]
        }
    )


@login_required
@require_GET
def download(request, pk):
    job = get_object_or_404(
        selectors.jobs_visible_to(request.user), pk=pk, status=ReportJob.Status.DONE
    )
    if not job.file:
        raise Http404
    ext = job.file.name.rsplit(".", 1)[-1]
    return private_file(
        job.file,
        filename=job.filename or f"report-{job.pk}.{ext}",
        content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
    )
