"""Evidence and submissions: what branches send each period and how it is reviewed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Branch, Unit

from .plans import Indicator, Period


class Evidence(models.Model):
    """An uploaded file, kept once and linked to as many submissions as it supports."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党支部"),
    )
    # The period the file was uploaded for: a branch links it to any of that period's items.
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("考核节点"),
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.original_name


class Submission(models.Model):
    """One item's evidence from one branch (or unit) for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        UNIT_CHECKED = "unit_checked", _("单位已审核")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("考核节点")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("指标")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("党支部"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("情况说明"), blank=True, max_length=5000)
    self_score = models.DecimalField(
        _("自评分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="submissions")
    is_late = models.BooleanField(_("逾期提交"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    grade = models.CharField(_("评档"), max_length=1, choices=Grade.choices, blank=True)
    reviewer_score = models.DecimalField(
        _("审核得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    reviewer_comment = models.TextField(_("审核意见"), blank=True, max_length=2000)
    # The secretary's answer to the latest return, read by the reviewer next to the reason.
    answer = models.TextField(_("对退回意见的说明"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # 系统取数: the platform's figure, when it was taken, and a staff override's reason (an
    # overridden value is never replaced by a later measurement).
    measured_value = models.DecimalField(
        _("系统取数值"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    measured_at = models.DateTimeField(_("取数时间"), null=True, blank=True)
    # db_default: rows written by bulk SQL (bench, imports) that do not name it stay valid.
    override_reason = models.TextField(
        _("人工修正原因"), blank=True, default="", db_default="", max_length=2000
    )
    # Optimistic lock: a save must name the version it read, so no update is lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "indicator__position", "indicator__code"]
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "indicator", "branch"],
                condition=Q(branch__isnull=False),
                name="submission_unique_branch_item",
            ),
            models.UniqueConstraint(
                fields=["period", "indicator", "unit"],
                condition=Q(branch__isnull=True),
                name="submission_unique_unit_item",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.indicator.code} · {self.branch or self.unit}"

    @property
    def is_measured(self) -> bool:
        return self.measured_at is not None


SUBMISSION_TRANSITIONS = {
    Submission.Status.DRAFT: {Submission.Status.SUBMITTED},
    Submission.Status.SUBMITTED: {
        Submission.Status.UNIT_CHECKED,
        Submission.Status.RETURNED,
        Submission.Status.ACCEPTED,
    },
    Submission.Status.UNIT_CHECKED: {Submission.Status.RETURNED, Submission.Status.ACCEPTED},
    Submission.Status.RETURNED: {Submission.Status.SUBMITTED},
    Submission.Status.ACCEPTED: {Submission.Status.RETURNED},  # a reviewer may take it back
}


class SubmissionEvent(models.Model):
    """The item's history: every status move and every change, with before and after."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [before, after]}
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")

    def __str__(self):
        return f"{self.submission_id} {self.action}"


class Reminder(models.Model):
    """A reminder e-mail that has been claimed for sending: one row per (period, branch,
    kind, key), so a beat task that runs twice never mails twice."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("截止前提醒")
        RETURNED = "returned", _("退回提醒")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # For returns: which submission and return ("<submission id>:<version>"); blank otherwise.
    key = models.CharField(max_length=50, blank=True, default="")
    recipients = models.TextField(blank=True, max_length=2000)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "branch", "kind", "key"], name="reminder_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.period_id}/{self.branch_id} {self.kind} {self.key}"
