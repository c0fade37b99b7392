"""Report jobs: asking for one, moving its status, running it, fanning it out, sweeping.

Everything a task does lives here; ``reports.tasks`` only wraps these functions with the
Celery options (late acks, retries with backoff, time limits).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Period
from units.errors import ensure
from units.models import Branch, Unit
from units.selectors import branches_visible_to, scope_of, units_visible_to
from units.workflow import check_transition

from . import builders, charts, selectors
from .models import BATCH_KINDS, JOB_TRANSITIONS, ReportJob, ReportJobEvent, ReportPart
from .models import report_storage as _storage
from .pdf import render_pdf
from .xlsx import bulletin_xlsx

log = logging.getLogger(__name__)

Kind = ReportJob.Kind
Status = ReportJob.Status
Scope = ReportJob.Scope

# Faults worth another try: the database or a file system hiccup, a lost connection.
TRANSIENT_ERRORS = (OperationalError, ConnectionError, OSError)


def max_attempts() -> int:
    return getattr(settings, "REPORTS_MAX_ATTEMPTS", 4)


def backoff_seconds(retries: int) -> int:
    """Exponential backoff: 10 s, 20 s, 40 s … capped at 10 minutes."""
    return min(10 * 2**retries, 600)


SCOPE_OF_KIND = {
    Kind.SCORECARD: Scope.UNIT,
    Kind.FEEDBACK_SHEET: Scope.BRANCH,
}
BATCH_PART_KIND = {Kind.SCORECARD_BATCH: Kind.SCORECARD, Kind.FEEDBACK_BATCH: Kind.FEEDBACK_SHEET}
# What closing or publishing a period produces without anyone asking (see auto_request).
AUTOMATIC_KINDS = [
    Kind.BULLETIN,
    Kind.BULLETIN_XLSX,
    Kind.SCORECARD_BATCH,
    Kind.FEEDBACK_BATCH,
    Kind.RECTIFICATION,
]


def scope_for(kind) -> str:
    return SCOPE_OF_KIND.get(kind, Scope.ALL)


# --- who may ask for what -----------------------------------------------------------------


class ReportRequestError(Exception):
    """A request that cannot be made, with the form field it belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


UNIT_RESULT_STATUSES = {Period.Status.CLOSED, Period.Status.PUBLISHED}


def check_request(user, kind, period, unit=None, branch=None):
    """Raise ReportRequestError (or NotAllowed) unless ``user`` may ask for this."""
    ensure(selectors.may_request_report(user, kind), _("您没有生成该类报告的权限。"))
    if period.status == Period.Status.DRAFT:
        raise ReportRequestError(_("该考核节点尚未开放，没有可生成的数据。"), "period")
    scope = scope_for(kind)
    if scope == Scope.UNIT:
        if unit is None:
            raise ReportRequestError(_("请选择单位。"), "unit")
        if not units_visible_to(user).filter(pk=unit.pk).exists():
            raise ReportRequestError(_("只能为本人负责的单位生成报告。"), "unit")
        if not scope_of(user).acts_as_committee and period.status not in UNIT_RESULT_STATUSES:
            raise ReportRequestError(_("考核节点截止后才能生成单位得分报告。"), "period")
    if scope == Scope.BRANCH:
        if branch is None:
            raise ReportRequestError(_("请选择党支部。"), "branch")
        if not branches_visible_to(user).filter(pk=branch.pk).exists():
            raise ReportRequestError(_("只能为本人负责的党支部生成反馈单。"), "branch")


# --- the job workflow ---------------------------------------------------------------------


@transaction.atomic
def set_job_status(job: ReportJob, to_status: str, *, by=None, reason: str = "", **fields):
    """The only place a job's status changes; every move writes a ReportJobEvent."""
    locked = ReportJob.objects.select_for_update().get(pk=job.pk)
    check_transition(JOB_TRANSITIONS, locked.status, to_status, Status)
    ReportJobEvent.objects.create(
        job=locked, by=by, from_status=locked.status, to_status=to_status, reason=reason[:2000]
    )
    locked.status = to_status
    now = timezone.now()
    if to_status == Status.RUNNING:
        fields.setdefault("started_at", now)
    if to_status in (Status.DONE, Status.FAILED):
        fields.setdefault("finished_at", now)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    job.status = to_status
    for name, value in fields.items():
        setattr(job, name, value)
    return locked


def job_key(kind, period_id, unit_id=None, branch_id=None) -> str:
    return f"{kind}:p{period_id}:u{unit_id or '-'}:b{branch_id or '-'}"


@dataclass
class RequestOutcome:
    job: ReportJob
    created: bool  # a new job
    requeued: bool  # an existing finished job asked for again


def request_report(*, kind, period, unit=None, branch=None, by) -> RequestOutcome:
    """Ask for a report. The same request while one is queued or running returns that job;
    asked again after it finished, the same job is queued again and its file replaced.
    The task is sent after commit; if the broker is down the job stays queued and the
    sweep sends it later. A person's request (``by``) is checked by check_request first;
    ``by=None`` is the platform's own (auto_request)."""
    if by is not None:
        check_request(by, kind, period, unit=unit, branch=branch)
    scope = scope_for(kind)
    unit = unit if scope == Scope.UNIT else None
    branch = branch if scope == Scope.BRANCH else None
    key = job_key(kind, period.pk, unit and unit.pk, branch and branch.pk)
    defaults = {
        "kind": kind,
        "scope": scope,
        "period": period,
        "unit": unit,
        "branch": branch,
        "requested_by": by,
        "progress_total": 1,
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                job, created = ReportJob.objects.select_for_update().get_or_create(
                    key=key, defaults=defaults
                )
                requeued = False
                if created:
                    ReportJobEvent.objects.create(
                        job=job,
                        by=by,
                        from_status="",
                        to_status=Status.QUEUED,
                        reason=_("申请生成"),
                    )
                elif not job.is_active:
                    _reset_parts(job)
                    set_job_status(
                        job,
                        Status.QUEUED,
                        by=by,
                        reason=_("重新生成"),
                        requested_by=by,
                        requested_at=timezone.now(),
                        enqueued_at=None,
                        progress_done=0,
                        progress_total=1,
                        attempts=0,
                        error="",
                        started_at=None,
                        finished_at=None,
                    )
                    requeued = True
                if created or requeued:
                    transaction.on_commit(partial(send_job, job.pk))
                return RequestOutcome(job=job, created=created, requeued=requeued)
        except IntegrityError:  # a concurrent identical request won the insert
            continue
    raise RuntimeError("could not create or find the report job")  # pragma: no cover


def _reset_parts(job):
    for name in job.parts.exclude(file="").values_list("file", flat=True):
        _storage().delete(name)
    job.parts.all().delete()


def _is_eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _task(name: str):
    """A task of ``reports.tasks`` by its registered name: the tasks wrap this module, so
    this module does not import them back."""
    return current_app.tasks[f"reports.tasks.{name}"]


def _broker_errors():
    from kombu.exceptions import OperationalError as KombuOperationalError

    return (KombuOperationalError, ConnectionError, OSError)


def send_job(job_id) -> bool:
    """Hand the job to Celery. A broker that is down is logged, not raised: the job stays
    queued and ``sweep_stale`` sends it again."""
    run_report = _task("run_report")
    if _is_eager():
        ReportJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
        run_report.apply_async(args=[job_id])
        return True
    try:
        run_report.apply_async(args=[job_id], retry=False)
    except _broker_errors():
        log.warning("broker unavailable: report job %s stays queued for the sweep", job_id)
        return False
    ReportJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    return True


def send_part(part_id) -> bool:
    run_report_part = _task("run_report_part")
    if _is_eager():
        ReportPart.objects.filter(pk=part_id).update(enqueued_at=timezone.now())
        run_report_part.apply_async(args=[part_id])
        return True
    try:
        run_report_part.apply_async(args=[part_id], retry=False)
    except _broker_errors():
        log.warning("broker unavailable: report part %s stays pending for the sweep", part_id)
        return False
    ReportPart.objects.filter(pk=part_id).update(enqueued_at=timezone.now())
    return True


# --- running a job ------------------------------------------------------------------------


def start_attempt(job_id) -> ReportJob | None:
    """Claim a job for this run and count the attempt. Returns None when there is nothing
    to do (done, failed, gone) or when the attempts are used up (the job then fails).
    A job already running is a message redelivered after its worker died: it goes on."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("period__plan", "unit", "branch")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status in (Status.DONE, Status.FAILED):
            return None
        job.attempts += 1
        ReportJob.objects.filter(pk=job.pk).update(attempts=job.attempts)
        if job.attempts > max_attempts():
            set_job_status(
                job,
                Status.FAILED,
                reason=_("已尝试 %(n)s 次，停止重试。") % {"n": job.attempts - 1},
                error=_("多次尝试后仍未成功，请稍后重新生成。"),
            )
            return None
        if job.status == Status.QUEUED:
            set_job_status(job, Status.RUNNING, reason=_("开始生成"))
        return job


def run_job(job_id) -> str:
    job = start_attempt(job_id)
    if job is None:
        return "skipped"
    if job.kind in BATCH_KINDS:
        fan_out(job)
        return "fanned_out"
    content, ext = render_job(job)
    name = f"jobs/{job.pk}/{job.kind}.{ext}"
    _store(name, content)
    finish_job(job.pk, name, download_name(job, ext), len(content))
    return "done"


def schedule_retry(job_id, exc, countdown) -> bool:
    """After a transient fault: back to queued, to run again after ``countdown`` seconds.
    False (and the job fails) when the attempts are used up."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.RUNNING:
            return False
        if job.attempts >= max_attempts():
            set_job_status(job, Status.FAILED, reason=_error_text(exc), error=_error_text(exc))
            return False
        set_job_status(
            job,
            Status.QUEUED,
            reason=_("暂时性故障，%(s)s 秒后重试：%(e)s") % {"s": countdown, "e": _error_text(exc)},
            enqueued_at=timezone.now() + timedelta(seconds=countdown),
        )
        return True


def fail_job(job_id, exc):
    log.exception("report job %s failed", job_id, exc_info=exc)
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (Status.QUEUED, Status.RUNNING):
            return
        set_job_status(job, Status.FAILED, reason=_error_text(exc), error=_error_text(exc))


def _error_text(exc) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def finish_job(job_id, name, filename, size):
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status != Status.RUNNING:
            return
        set_job_status(
            job,
            Status.DONE,
            reason=_("生成完成"),
            file=name,
            filename=filename,
            size=size,
            error="",
            progress_done=job.progress_total,
        )


def _store(name, content: bytes):
    """Write ``name``, replacing an earlier file of the same name (a rerun)."""
    storage = _storage()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # pragma: no cover - a concurrent writer got there first
        storage.delete(saved)


# A "/" in a unit's short name would cut the name a browser saves the download under.
UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def download_name(job, ext) -> str:
    period = builders.period_ref(job.period)
    if job.branch_id:
        target = f"{job.branch.unit.short_name}{job.branch.name}-"
    elif job.unit_id:
        target = f"{job.unit.short_name}-"
    else:
        target = ""
    label = {
        Kind.BULLETIN_XLSX: _("考核结果通报"),
        Kind.BULLETIN: _("考核结果通报"),
        Kind.SCORECARD_BATCH: _("全部单位考核得分报告"),
        Kind.FEEDBACK_BATCH: _("全部支部反馈单"),
    }.get(job.kind, job.get_kind_display())
    return UNSAFE_IN_FILENAME.sub("_", f"{period.label}-{target}{label}") + f".{ext}"


# --- fan-out ------------------------------------------------------------------------------


def fan_out(job):
    """One part per active unit (or branch); each part is its own task. Parts already made
    by an earlier run are kept and not sent again."""
    part_kind = BATCH_PART_KIND[job.kind]
    with transaction.atomic():
        if part_kind == Kind.SCORECARD:
            targets = [ReportPart(job=job, unit_id=pk) for pk in _active_unit_ids()]
        else:
            targets = [ReportPart(job=job, branch_id=pk) for pk in _active_branch_ids()]
        ReportPart.objects.bulk_create(targets, ignore_conflicts=True)
        total = job.parts.count()
        done = job.parts.filter(status=ReportPart.Status.DONE).count()
        ReportJob.objects.filter(pk=job.pk).update(progress_total=total, progress_done=done)
        pending = list(
            job.parts.filter(status=ReportPart.Status.PENDING).values_list("pk", flat=True)
        )
        job_id = job.pk
        transaction.on_commit(lambda: [send_part(pk) for pk in pending])
        if not pending:
            transaction.on_commit(lambda: maybe_gather(job_id))


def _active_unit_ids():
    return list(Unit.objects.filter(active=True).order_by("name").values_list("pk", flat=True))


def _active_branch_ids():
    return list(
        Branch.objects.filter(active=True, unit__active=True)
        .order_by("unit__name", "name")
        .values_list("pk", flat=True)
    )


def run_part(part_id) -> str:
    part = (
        ReportPart.objects.select_related("job__period__plan", "unit", "branch__unit")
        .filter(pk=part_id)
        .first()
    )
    if part is None:
        return "skipped"
    if part.status == ReportPart.Status.DONE:
        maybe_gather(part.job_id)  # a rerun after the counting: only the gathering is left
        return "already_done"
    if part.job.status != Status.RUNNING:
        return "skipped"
    ReportPart.objects.filter(pk=part.pk).update(attempts=F("attempts") + 1)
    job = part.job
    if part.unit_id:
        content = render_scorecard_pdf(job.period, part.unit)
        label = part.unit.name
    else:
        content = render_feedback_sheet_pdf(job.period, part.branch)
        label = f"{part.branch.unit.short_name}-{part.branch.name}"
    name = f"parts/{job.pk}/{part.pk}.pdf"
    _store(name, content)
    with transaction.atomic():
        # Conditional UPDATE: only the first finisher of this part counts it.
        counted = (
            ReportPart.objects.filter(pk=part.pk)
            .exclude(status=ReportPart.Status.DONE)
            .update(
                status=ReportPart.Status.DONE,
                file=name,
                filename=UNSAFE_IN_FILENAME.sub("_", label) + ".pdf",
                error="",
                finished_at=timezone.now(),
            )
        )
        if counted:
            ReportJob.objects.filter(pk=job.pk, progress_done__lt=F("progress_total")).update(
                progress_done=F("progress_done") + 1
            )
    maybe_gather(job.pk)
    return "done"


def part_may_retry(part_id) -> bool:
    part = ReportPart.objects.filter(pk=part_id).values("attempts", "status").first()
    if part is None or part.get("status") != ReportPart.Status.PENDING:
        return False
    if part["attempts"] >= max_attempts():
        return False
    ReportPart.objects.filter(pk=part_id).update(enqueued_at=timezone.now())
    return True


def fail_part(part_id, exc):
    log.exception("report part %s failed", part_id, exc_info=exc)
    part = ReportPart.objects.select_related("unit", "branch").filter(pk=part_id).first()
    if part is None:
        return
    ReportPart.objects.filter(pk=part_id, status=ReportPart.Status.PENDING).update(
        status=ReportPart.Status.FAILED, error=_error_text(exc)
    )
    target = part.unit.name if part.unit_id else part.branch.name
    message = _("%(target)s 生成失败：%(error)s") % {"target": target, "error": _error_text(exc)}
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=part.job_id)
        if job.status == Status.RUNNING:
            set_job_status(job, Status.FAILED, reason=message, error=message)


def maybe_gather(job_id) -> bool:
    """The last finisher builds the zip. Under the job's row lock: if every part is counted
    and the job is still running, zip the parts and finish; a second caller finds it done."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("period__plan")
            .get(pk=job_id)
        )
        if job.status != Status.RUNNING or job.progress_done < job.progress_total:
            return False
        parts = list(job.parts.filter(status=ReportPart.Status.DONE).order_by("pk"))
        name = f"jobs/{job.pk}/{job.kind}.zip"
        storage = _storage()
        with tempfile.TemporaryFile() as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
                for part in parts:
                    with storage.open(part.file.name, "rb") as source:
                        archive.writestr(part.filename, source.read())
            size = tmp.tell()
            tmp.seek(0)
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, File(tmp, name=os.path.basename(name)))
        set_job_status(
            job,
            Status.DONE,
            reason=_("已汇总 %(n)s 份") % {"n": len(parts)},
            file=name,
            filename=download_name(job, "zip"),
            size=size,
            error="",
        )
        return True


# --- rendering ----------------------------------------------------------------------------


def render_job(job) -> tuple[bytes, str]:
    period = job.period
    if job.kind == Kind.SCORECARD:
        return render_scorecard_pdf(period, job.unit), "pdf"
    if job.kind == Kind.BULLETIN:
        return render_bulletin_pdf(period), "pdf"
    if job.kind == Kind.BULLETIN_XLSX:
        return render_bulletin_xlsx(period), "xlsx"
    if job.kind == Kind.FEEDBACK_SHEET:
        return render_feedback_sheet_pdf(period, job.branch), "pdf"
    if job.kind == Kind.RECTIFICATION:
        return render_rectification_pdf(period), "pdf"
    if job.kind == Kind.SATISFACTION:
        return render_satisfaction_pdf(period), "pdf"
    if job.kind == Kind.CYCLE:
        return render_cycle_pdf(period), "pdf"
    raise ValueError(f"no renderer for {job.kind}")


def scorecard_html(period, unit) -> str:
    from .pdf import render_html

    return render_html("reports/pdf/scorecard.html", scorecard_context(period, unit))


def scorecard_context(period, unit) -> dict:
    card = builders.build_scorecard(period, unit)
    radar = charts.radar_svg(
        [p.label for p in card.by_standard], [p.percent for p in card.by_standard]
    )
    # Rates, not totals: a quarter's total is in points, the half-year's on 0–100.
    trend = charts.line_svg([t.period_label for t in card.trend], [t.rate for t in card.trend])
    return {
        "title": _("模范机关创建考核得分报告"),
        "subject": card.unit.name,
        "period": card.period,
        "card": card,
        "radar": charts.data_uri(radar),
        "trend_chart": charts.data_uri(trend),
        "header_left": card.unit.name,
        "header_right": f"{card.period.label} · {_('考核得分报告')}",
    }


def render_scorecard_pdf(period, unit) -> bytes:
    return render_pdf("reports/pdf/scorecard.html", scorecard_context(period, unit))


def render_bulletin_pdf(period) -> bytes:
    bulletin = builders.build_bulletin(period)
    return render_pdf(
        "reports/pdf/bulletin.html",
        {
            "title": _("模范机关创建考核结果通报"),
            "subject": _("全省机关单位"),
            "period": bulletin.period,
            "b": bulletin,
            "header_left": _("考核结果通报"),
            "header_right": bulletin.period.label,
        },
    )


def render_bulletin_xlsx(period) -> bytes:
    return bulletin_xlsx(builders.build_bulletin(period))


def render_feedback_sheet_pdf(period, branch) -> bytes:
    sheet = builders.build_feedback_sheet(period, branch)
    return render_pdf(
        "reports/pdf/feedback_sheet.html",
        {
            "title": _("党支部考核反馈单"),
            "subject": f"{sheet.unit.name} {sheet.branch}",
            "period": sheet.period,
            "s": sheet,
            "header_left": f"{sheet.unit.short_name} · {sheet.branch}",
            "header_right": f"{sheet.period.label} · {_('支部反馈单')}",
        },
    )


def render_rectification_pdf(period) -> bytes:
    report = builders.build_rectification_report(period)
    return render_pdf(
        "reports/pdf/rectification.html",
        {
            "title": _("问题整改进展情况报告"),
            "subject": report.plan_label,
            "period": report.period,
            "r": report,
            "header_left": _("整改进展"),
            "header_right": report.period.label,
        },
    )


def render_satisfaction_pdf(period) -> bytes:
    report = builders.build_satisfaction_report(period)
    return render_pdf(
        "reports/pdf/satisfaction.html",
        {
            "title": _("群众满意度评价报告"),
            "subject": _("全省机关单位"),
            "period": report.period,
            "r": report,
            "header_left": _("群众满意度"),
            "header_right": report.period.label,
        },
    )


def render_cycle_pdf(period) -> bytes:
    evaluation = builders.build_cycle_evaluation(period)
    return render_pdf(
        "reports/pdf/cycle.html",
        {
            "title": _("三年创建成效评估报告"),
            "subject": evaluation.cycle_title,
            "period": evaluation.period,
            "e": evaluation,
            "header_left": evaluation.cycle_title,
            "header_right": _("三年创建成效评估"),
        },
    )


# --- sweep and beat -----------------------------------------------------------------------


def sweep_stale(now=None) -> dict:
    """Send again what has waited too long: jobs still queued (e.g. enqueued while the
    broker was down) and batch parts still pending."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=getattr(settings, "REPORTS_SWEEP_MINUTES", 10))
    job_ids = list(
        ReportJob.objects.filter(status=Status.QUEUED)
        .filter(Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, requested_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    part_ids = list(
        ReportPart.objects.filter(status=ReportPart.Status.PENDING, job__status=Status.RUNNING)
        .filter(Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, job__started_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    sent_jobs = sum(1 for pk in job_ids if send_job(pk))
    sent_parts = sum(1 for pk in part_ids if send_part(pk))
    return {"jobs": sent_jobs, "parts": sent_parts}


def periods_due_for_reports():
    """Closed or published periods whose bulletin was never asked for, or was asked for
    before the period's latest close/publish."""
    last_move = Max(
        "transitions__at",
        filter=Q(transitions__to_status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED]),
    )
    bulletin_at = Subquery(
        ReportJob.objects.filter(kind=Kind.BULLETIN, period=OuterRef("pk")).values("requested_at")[
            :1
        ]
    )
    return (
        Period.objects.filter(status__in=[Period.Status.CLOSED, Period.Status.PUBLISHED])
        .annotate(last_move=last_move, bulletin_at=bulletin_at)
        .filter(Q(bulletin_at__isnull=True) | Q(bulletin_at__lt=F("last_move")))
        .order_by("pk")
    )


def auto_request() -> list[ReportJob]:
    """Beat: produce the reports of newly closed or published periods (bulletin PDF and
    .xlsx, every unit's scorecard, every branch's feedback sheet, rectification progress)."""
    jobs = []
    for period in periods_due_for_reports():
        for kind in AUTOMATIC_KINDS:
            jobs.append(request_report(kind=kind, period=period, by=None).job)
    return jobs
