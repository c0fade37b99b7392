from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.selectors import duty as duty_selectors
from units.downloads import private_file
from units.selectors import scope_of

from . import selectors, services
from .duty import duty_filename, render_duty_grades_xlsx, render_duty_pdf
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


def _attachment(content: bytes, ext: str, filename: str, *, inline=False) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[ext])
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"duty.{ext}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def duty_report_pdf(request, pk):
    """One 述职报告 as PDF, for whoever may read it (opened in the browser)."""
    report = get_object_or_404(duty_selectors.duty_reports_visible_to(request.user), pk=pk)
    return _attachment(render_duty_pdf(report), "pdf", duty_filename(report, "pdf"), inline=True)


@login_required
@require_GET
def duty_grades_xlsx(request):
    """The 述职评议 list as on the page (same filters, same scope)."""
    if not scope_of(request.user).has_any_role:
        raise PermissionDenied
    year = request.GET.get("year", "")
    reports = duty_selectors.grade_list(
        request.user,
        year=int(year) if year.isdigit() else None,
        author_kind=request.GET.get("author_kind", ""),
        status=request.GET.get("status", ""),
        grade=request.GET.get("grade", ""),
    )
    return _attachment(render_duty_grades_xlsx(reports), "xlsx", _("述职评议结果.xlsx"))
