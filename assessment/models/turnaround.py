"""后进转化: the follow-up of a lagging branch (后进 tier) or of a unit graded 较差 or vetoed.

A ``Turnaround`` starts from one finished period in which the platform found the subject
lagging (the reason is read from the scores, never typed); it holds the talk (约谈: date,
participants, agreed actions) and a plan of ``TurnaroundAction`` rows with deadlines. The
unit administrator records progress, committee staff close it. Whether the subject left the
lagging group is not a field: ``assessment.selectors.turnaround`` reads it from the scores of
the following quarters.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Branch, Unit

from .plans import Period


class Turnaround(models.Model):
    class Reason(models.TextChoices):
        LAGGING = "lagging", _("后进党支部")
        POOR = "poor", _("考核等次较差")
        VETOED = "vetoed", _("一票否决")

    class Status(models.TextChoices):
        TALKED = "talked", _("已约谈")
        IN_PROGRESS = "in_progress", _("整改推进中")
        CLOSED = "closed", _("已结束跟踪")

    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="turnarounds",
        verbose_name=_("发现问题的考核节点"),
    )
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
    reason = models.CharField(_("跟踪原因"), max_length=10, choices=Reason.choices, editable=False)
    talk_on = models.DateField(_("约谈日期"))
    participants = models.TextField(_("参加约谈人员"), max_length=1000)
    agreed = models.TextField(_("约谈商定事项"), max_length=5000)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.TALKED, editable=False
    )
    closing_note = models.TextField(_("结束说明"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-talk_on", "pk"]
        verbose_name = _("后进转化跟踪")
        verbose_name_plural = _("后进转化跟踪")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "branch"],
                condition=Q(branch__isnull=False),
                name="turnaround_unique_branch",
            ),
            models.UniqueConstraint(
                fields=["period", "unit"],
                condition=Q(branch__isnull=True),
                name="turnaround_unique_unit",
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.branch or self.unit}"

    @property
    def subject_name(self) -> str:
        return self.branch.name if self.branch_id else self.unit.name


TURNAROUND_TRANSITIONS = {
    Turnaround.Status.TALKED: {Turnaround.Status.IN_PROGRESS, Turnaround.Status.CLOSED},
    Turnaround.Status.IN_PROGRESS: {Turnaround.Status.CLOSED},
    Turnaround.Status.CLOSED: set(),
}


class TurnaroundAction(models.Model):
    """One step of the turnaround plan (转化计划), with its deadline and what was done."""

    turnaround = models.ForeignKey(
        Turnaround, on_delete=models.CASCADE, related_name="actions", verbose_name=_("后进转化跟踪")
    )
    description = models.CharField(_("计划事项"), max_length=300)
    deadline = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    progress = models.TextField(_("进展情况"), blank=True, max_length=2000)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("转化计划事项")
        verbose_name_plural = _("转化计划事项")

    def __str__(self):
        return self.description


class TurnaroundEvent(models.Model):
    """Every status move and every progress report, with who and when."""

    turnaround = models.ForeignKey(Turnaround, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.turnaround_id}: {self.from_status} → {self.to_status}"
