"""The problem ledger (整改台账): problems, their measures, the notices that bundle them,
and the negative list."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import FollowUpCase
from units.models import Branch, Unit

from .plans import AnnualPlan, Indicator
from .submissions import Evidence


class Rectification(models.Model):
    """A rectification notice (整改通知书) bundling problems of one unit; the unit answers
    each problem on the feedback form (整改反馈单). The notice's status follows its problems
    (assessment.services.ledger keeps it in step)."""

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
    # The notice's summary; each problem it holds is a Problem (related name "problems").
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


# A notice moves as its problems move: answered when every problem is, verified when every
# problem is, back to issued when a problem is reopened or added.
RECTIFICATION_TRANSITIONS = {
    Rectification.Status.ISSUED: {Rectification.Status.ANSWERED, Rectification.Status.SENT_BACK},
    Rectification.Status.ANSWERED: {
        Rectification.Status.VERIFIED,
        Rectification.Status.SENT_BACK,
        Rectification.Status.ISSUED,
    },
    Rectification.Status.SENT_BACK: {Rectification.Status.ANSWERED, Rectification.Status.ISSUED},
    Rectification.Status.VERIFIED: {Rectification.Status.ISSUED},
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


class Problem(models.Model):
    """问题: one line of the rectification ledger, whatever found it."""

    class Source(models.TextChoices):
        REVIEW = "review", _("考核审核发现")
        REVIEW_RETURN = "review_return", _("审核退回")
        INSPECTION = "inspection", _("联检联评发现")
        ON_SITE = "on_site", _("实地检查发现")
        CITIZEN_CASE = "citizen_case", _("群众评议回访件")
        NEGATIVE_LIST = "negative_list", _("负面清单")
        DUTY_REPORT = "duty_report", _("述职评议反馈")
        AUDIT = "audit", _("审计发现")
        TOUR = "tour", _("巡视巡察发现")
        SUPERVISION = "supervision", _("督查发现")
        SELF_FOUND = "self_found", _("自查发现")

    class Severity(models.TextChoices):
        GENERAL = "general", _("一般")
        SERIOUS = "serious", _("较重")
        GRAVE = "grave", _("严重")

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        ANSWERED = "answered", _("已反馈")
        SENT_BACK = "sent_back", _("退回重改")
        VERIFIED = "verified", _("已销号")
        REOPENED = "reopened", _("重新整改")
        WITHDRAWN = "withdrawn", _("已撤销")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="problems", verbose_name=_("单位")
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("党支部"),
    )
    notice = models.ForeignKey(
        Rectification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("整改通知书"),
    )
    source = models.CharField(_("问题来源"), max_length=20, choices=Source.choices)
    description = models.TextField(_("问题描述"), max_length=5000)
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="problems", verbose_name=_("相关指标")
    )
    found_on = models.DateField(_("发现日期"))
    working_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"), null=True, blank=True)
    deadline = models.DateField(_("整改期限"))
    # Counted across a year the holiday table does not know yet (its holidays counted as
    # working days); counted again when the year is filled in (ledger.settle_deadlines).
    deadline_provisional = models.BooleanField(_("期限暂定"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    answer = models.TextField(_("整改情况"), max_length=5000, blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # A citizen case keeps its own workflow; the problem's status follows it.
    case = models.OneToOneField(
        FollowUpCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="problem",
        verbose_name=_("差评回访件"),
    )
    negative_entry = models.OneToOneField(
        "NegativeListEntry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="problem",
        verbose_name=_("负面清单事项"),
    )
    # Any other record the problem came from (a returned submission, an inspection finding,
    # a duty-report feedback): shown as a link, never needed for a figure.
    origin_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("问题")
        verbose_name_plural = _("整改台账")
        indexes = [
            models.Index(fields=["found_on", "unit"], name="problem_found_unit"),
            models.Index(fields=["unit", "status"], name="problem_unit_status"),
            models.Index(fields=["origin_type", "origin_id"], name="problem_origin"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.description[:20]}"


PROBLEM_TRANSITIONS = {
    Problem.Status.OPEN: {Problem.Status.ANSWERED, Problem.Status.WITHDRAWN},
    Problem.Status.ANSWERED: {
        Problem.Status.VERIFIED,
        Problem.Status.SENT_BACK,
        Problem.Status.WITHDRAWN,
    },
    Problem.Status.SENT_BACK: {Problem.Status.ANSWERED, Problem.Status.WITHDRAWN},
    Problem.Status.VERIFIED: {Problem.Status.REOPENED},
    Problem.Status.REOPENED: {Problem.Status.ANSWERED, Problem.Status.WITHDRAWN},
    Problem.Status.WITHDRAWN: set(),
}
# States in which the unit still owes an answer.
ANSWERABLE_PROBLEM_STATES = (Problem.Status.OPEN, Problem.Status.SENT_BACK, Problem.Status.REOPENED)


class ProblemEvent(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("问题处理记录")
        verbose_name_plural = _("问题处理记录")

    def __str__(self):
        return f"{self.problem_id}: {self.from_status} → {self.to_status}"


class Measure(models.Model):
    """整改措施: one measure may serve several problems of the unit."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="rectification_measures",
        verbose_name=_("单位"),
    )
    problems = models.ManyToManyField(Problem, related_name="measures", verbose_name=_("针对问题"))
    description = models.TextField(_("措施内容"), max_length=2000)
    owner = models.CharField(_("责任人"), max_length=60)
    due_on = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")

    def __str__(self):
        return self.description[:30]

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on
