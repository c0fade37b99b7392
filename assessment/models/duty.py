"""四级协同 and 述职评议: the 党组书记's sign-off of a unit's half-year and annual
submissions, and the annual duty report (述职报告) of each 党组书记 and branch secretary."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Branch, Unit

from .plans import Period


class PartyConfirmation(models.Model):
    """签字确认: the unit's 党组书记 confirms what the unit sends for a half-year or annual
    period; with the plan's setting on, the committee reviews it only once confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待签字确认")
        CONFIRMED = "confirmed", _("已签字确认")

    # The periods a 党组书记 signs for (000 §三(三) 半年小考、年度大考).
    KINDS = (Period.Kind.H1, Period.Kind.ANNUAL)

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="+", verbose_name=_("考核节点")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("单位")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, editable=False
    )
    note = models.TextField(_("确认意见"), blank=True, max_length=2000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签字人"),
    )
    confirmed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("党组书记签字确认")
        verbose_name_plural = _("党组书记签字确认")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="party_confirmation_once")
        ]

    def __str__(self):
        return f"{self.period} · {self.unit}"


CONFIRMATION_TRANSITIONS = {
    PartyConfirmation.Status.PENDING: {PartyConfirmation.Status.CONFIRMED},
    # The committee may ask for a new signature (e.g. after large corrections).
    PartyConfirmation.Status.CONFIRMED: {PartyConfirmation.Status.PENDING},
}


class PartyConfirmationTransition(models.Model):
    confirmation = models.ForeignKey(
        PartyConfirmation, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("签字确认记录")
        verbose_name_plural = _("签字确认记录")

    def __str__(self):
        return f"{self.confirmation_id} {self.from_status}→{self.to_status}"


class DutyReport(models.Model):
    """A 述职报告 for one year: a unit's 党组书记's, or a branch secretary's. The platform
    drafts it from the year's data (`figures`, never typed by a person); the author edits
    the text and submits; committee staff grade it."""

    class Author(models.TextChoices):
        PARTY_SECRETARY = "party_secretary", _("党组书记")
        BRANCH_SECRETARY = "branch_secretary", _("支部书记")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        GRADED = "graded", _("已评议")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("好")
        GOOD = "good", _("较好")
        FAIR = "fair", _("一般")
        POOR = "poor", _("差")

    year = models.PositiveSmallIntegerField(_("年度"))
    author_kind = models.CharField(_("述职人"), max_length=20, choices=Author.choices)
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
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # The year's figures as drafted (scores, ranks, rectification, satisfaction, highlights,
    # open problems): the PDF and the page print these, so nobody retypes a number.
    figures = models.JSONField(_("年度数据"), default=dict, blank=True, editable=False)
    duties = models.TextField(_("履职情况"), blank=True, max_length=8000)
    highlights = models.TextField(_("特色亮点"), blank=True, max_length=4000)
    problems = models.TextField(_("存在问题"), blank=True, max_length=4000)
    plans = models.TextField(_("下一步打算"), blank=True, max_length=4000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("述职人账号"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    grade = models.CharField(_("评议等次"), max_length=20, choices=Grade.choices, blank=True)
    grade_comment = models.TextField(_("评议意见"), blank=True, max_length=4000)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评议人"),
    )
    graded_at = models.DateTimeField(_("评议时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "unit__name", "author_kind", "branch__name"]
        verbose_name = _("述职报告")
        verbose_name_plural = _("述职报告")
        constraints = [
            models.CheckConstraint(
                name="duty_report_author_matches_branch",
                condition=Q(author_kind="party_secretary", branch__isnull=True)
                | Q(author_kind="branch_secretary", branch__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=Q(author_kind="party_secretary"),
                name="duty_report_unit_once",
            ),
            models.UniqueConstraint(
                fields=["year", "branch"],
                condition=Q(author_kind="branch_secretary"),
                name="duty_report_branch_once",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.branch or self.unit} {self.get_author_kind_display()}"


DUTY_TRANSITIONS = {
    DutyReport.Status.DRAFT: {DutyReport.Status.SUBMITTED},
    DutyReport.Status.SUBMITTED: {DutyReport.Status.GRADED, DutyReport.Status.RETURNED},
    DutyReport.Status.RETURNED: {DutyReport.Status.SUBMITTED},
    DutyReport.Status.GRADED: set(),
}


class DutyReportTransition(models.Model):
    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("述职报告记录")
        verbose_name_plural = _("述职报告记录")

    def __str__(self):
        return f"{self.report_id} {self.from_status}→{self.to_status}"

    @property
    def from_label(self):
        return DutyReport.Status(self.from_status).label

    @property
    def to_label(self):
        return DutyReport.Status(self.to_status).label
