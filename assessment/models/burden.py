"""为基层减负 and 形式主义预警: edit sessions, narrative fingerprints and signals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Branch, Unit

from .plans import Indicator, Period
from .submissions import Submission


class EditSession(models.Model):
    """Time a secretary spent on one item: from the first keystroke to the last save, a
    pause over a few minutes starting a new session. Only these times are kept — no
    keystrokes, no content, no page views (docs/burden.md)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="edit_sessions"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("最后保存"))
    seconds = models.PositiveIntegerField(_("用时（秒）"), default=0)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("填报用时")
        verbose_name_plural = _("填报用时")

    def __str__(self):
        return f"{self.submission_id} {self.seconds}s"


class NarrativeFingerprint(models.Model):
    """A submitted narrative's MinHash band keys, kept so that one new submission is
    compared with the period's others without re-reading their texts."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="fingerprint"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=40)  # of the normalised text the keys were made from
    bands = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["period", "indicator"])]
        verbose_name = _("文本指纹")
        verbose_name_plural = _("文本指纹")

    def __str__(self):
        return f"{self.submission_id}"


class FormalismSignal(models.Model):
    """形式主义预警: a pattern in the evidence worth a reviewer's look, with its evidence. A
    signal never changes a score; staff decide, and may dismiss it with a reason."""

    class Kind(models.TextChoices):
        COPIED_OWN = "copied_own", _("与本支部上期雷同")
        COPIED_OTHER = "copied_other", _("与其他支部雷同")
        SHARED_FILE = "shared_file", _("同一文件多支部使用")
        BURST = "burst", _("截止前集中突击报送")
        FULL_MARKS = "full_marks", _("连续多期自评满分")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        DISMISSED = "dismissed", _("已排除")

    # A stable name of the finding (kind, period, branch, item, other party), so that a
    # recomputation updates the row it found before and a dismissal stays dismissed.
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("预警类型"), max_length=20, choices=Kind.choices)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="+", verbose_name=_("考核节点")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("单位")
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党支部"),
    )
    # The item the signal is about; blank for signals about the branch's whole period.
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("报送材料"),
    )
    other = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对照材料"),
    )
    similarity = models.FloatField(_("相似度"), null=True, blank=True)
    evidence = models.JSONField(_("依据"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    detected_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(_("排除时间"), null=True, blank=True)
    dismiss_reason = models.CharField(_("排除理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["period", "unit", "branch", "kind", "pk"]
        indexes = [
            models.Index(fields=["period", "status", "kind"]),
            models.Index(fields=["period", "branch"]),
        ]
        verbose_name = _("形式主义预警")
        verbose_name_plural = _("形式主义预警")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.branch or self.unit}"


SIGNAL_TRANSITIONS = {
    FormalismSignal.Status.OPEN: {FormalismSignal.Status.DISMISSED},
    FormalismSignal.Status.DISMISSED: set(),
}
