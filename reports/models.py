"""Report jobs: what was asked for, by whom, how far it got, and the file it produced.

A job moves queued → running → done / failed only through
``reports.services.set_job_status``, which writes a ``ReportJobEvent`` for every move.
A job for "all units" (or all branches) fans out into ``ReportPart`` rows, one per unit or
branch; parts are counted off with conditional UPDATEs and the last one gathers the zip.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from assessment.models import Period
from units.models import Branch, Unit


class PrivateReportStorage(FileSystemStorage):
    """Report files live outside any public URL: they are streamed by a view that checks
    scope. The folder is ``REPORTS_ROOT`` or ``MEDIA_ROOT/reports``."""

    def __init__(self):
        super().__init__(base_url=None)

    @cached_property
    def base_location(self):
        return getattr(settings, "REPORTS_ROOT", "") or os.path.join(settings.MEDIA_ROOT, "reports")

    def url(self, name):
        raise NotImplementedError("report files are streamed by reports.views.download")


_storage = PrivateReportStorage()


def report_storage():
    return _storage


def _setting_changed(*, setting, **kwargs):
    if setting in {"MEDIA_ROOT", "REPORTS_ROOT"}:
        _storage.__dict__.pop("base_location", None)
        _storage.__dict__.pop("location", None)


setting_changed.connect(_setting_changed)


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        SCORECARD = "scorecard", _("单位考核得分报告")
        SCORECARD_BATCH = "scorecard_batch", _("全部单位考核得分报告（压缩包）")
        BULLETIN = "bulletin", _("考核结果通报（PDF）")
        BULLETIN_XLSX = "bulletin_xlsx", _("考核结果通报（Excel）")
        FEEDBACK_SHEET = "feedback_sheet", _("支部反馈单")
        FEEDBACK_BATCH = "feedback_batch", _("全部支部反馈单（压缩包）")
        RECTIFICATION = "rectification", _("整改进展报告")
        SATISFACTION = "satisfaction", _("群众满意度报告")
        CYCLE = "cycle", _("三年创建成效评估")

    class Scope(models.TextChoices):
        UNIT = "unit", _("单位")
        BRANCH = "branch", _("党支部")
        ALL = "all", _("全部单位")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    key = models.CharField(_("唯一标识"), max_length=100, unique=True, editable=False)
    kind = models.CharField(_("报告类型"), max_length=30, choices=Kind.choices)
    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices)
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("考核节点")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党支部"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, editable=False
    )
    progress_done = models.PositiveIntegerField(_("已完成"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=1)
    file = models.FileField(
        _("文件"), storage=report_storage, upload_to="jobs/", max_length=255, blank=True
    )
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("大小"), default=0)
    error = models.TextField(_("错误信息"), max_length=2000, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("报告任务")
        verbose_name_plural = _("报告任务")
        indexes = [models.Index(fields=["status", "enqueued_at"])]
        constraints = [
            models.CheckConstraint(
                name="reportjob_scope_matches_target",
                condition=(
                    Q(scope="all", unit__isnull=True, branch__isnull=True)
                    | Q(scope="unit", unit__isnull=False, branch__isnull=True)
                    | Q(scope="branch", unit__isnull=True, branch__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="reportjob_progress_within_total",
                condition=Q(progress_done__lte=models.F("progress_total")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.target_label}"

    @property
    def target_label(self):
        if self.branch_id:
            return f"{self.branch.unit.short_name} {self.branch.name}"
        if self.unit_id:
            return self.unit.name
        return str(_("全部单位"))

    @property
    def percent(self):
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def is_batch(self):
        return self.kind in BATCH_KINDS

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


BATCH_KINDS = {ReportJob.Kind.SCORECARD_BATCH, ReportJob.Kind.FEEDBACK_BATCH}

JOB_TRANSITIONS = {
    ReportJob.Status.QUEUED: {ReportJob.Status.RUNNING, ReportJob.Status.FAILED},
    # back to queued: a transient fault scheduled a retry with backoff
    ReportJob.Status.RUNNING: {
        ReportJob.Status.DONE,
        ReportJob.Status.FAILED,
        ReportJob.Status.QUEUED,
    },
    # asked for again: the file is rendered anew and replaces the old one
    ReportJob.Status.DONE: {ReportJob.Status.QUEUED},
    ReportJob.Status.FAILED: {ReportJob.Status.QUEUED},
}


class ReportJobEvent(models.Model):
    """Every status move of a job: who (none for the worker), when, from, to, why."""

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("报告任务记录")
        verbose_name_plural = _("报告任务记录")

    def __str__(self):
        return f"{self.job_id}: {self.from_status} → {self.to_status}"


class ReportPart(models.Model):
    """One unit's (or branch's) file inside a batch job.

    Parts are bookkeeping, not a workflow a person moves: ``pending`` becomes ``done`` or
    ``failed`` only through the conditional UPDATEs in ``reports.services``, so a part that
    runs twice is counted once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待生成")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="parts")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    file = models.FileField(storage=report_storage, upload_to="parts/", max_length=255, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(max_length=2000, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "pk"]
        verbose_name = _("报告分项")
        verbose_name_plural = _("报告分项")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "unit"], condition=Q(unit__isnull=False), name="part_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["job", "branch"],
                condition=Q(branch__isnull=False),
                name="part_unique_branch",
            ),
        ]

    def __str__(self):
        return f"{self.job_id}/{self.unit_id or self.branch_id}"
