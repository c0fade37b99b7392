"""Rectification notices and the negative list."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Branch, Unit

from .plans import AnnualPlan, Indicator
from .submissions import Evidence


class Rectification(models.Model):
    """A rectification notice (整改通知书) and its feedback form (整改反馈单)."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下发")
        ANSWERED = "answered", _("已反馈")
        SENT_BACK = "sent_back", _("退回重改")
        VERIFIED = "verified", _("已销号")

    plan = models.ForeignKey(
        AnnualPlan,
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name=_("年度计划"),
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
    problem = models.TextField(_("存在问题"), max_length=5000)
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name=_("相关指标")
    )
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ISSUED, editable=False
    )
    measures = models.TextField(_("整改措施"), blank=True, max_length=5000)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")

    def __str__(self):
        return f"{self.unit} · {self.problem[:20]}"


RECTIFICATION_TRANSITIONS = {
    Rectification.Status.ISSUED: {Rectification.Status.ANSWERED},
    Rectification.Status.ANSWERED: {Rectification.Status.VERIFIED, Rectification.Status.SENT_BACK},
    Rectification.Status.SENT_BACK: {Rectification.Status.ANSWERED},
    Rectification.Status.VERIFIED: set(),
}


class RectificationEvent(models.Model):
    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="events"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.rectification_id}: {self.from_status} → {self.to_status}"


class NegativeListEntry(models.Model):
    """负面清单: a serious problem that costs a unit points or its grade for the year."""

    class Effect(models.TextChoices):
        DEDUCTION = "deduction", _("扣分")
        VETO = "veto", _("一票否决")

    plan = models.ForeignKey(
        AnnualPlan,
        on_delete=models.PROTECT,
        related_name="negative_list",
        verbose_name=_("年度计划"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    reason = models.TextField(_("事由"), max_length=2000)
    effect = models.CharField(_("处理"), max_length=10, choices=Effect.choices)
    points = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("负面清单")
        verbose_name_plural = _("负面清单")
        constraints = [
            models.CheckConstraint(
                condition=Q(effect="veto") | Q(points__gt=0), name="negative_deduction_has_points"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_effect_display()}"
