"""Joint inspection rounds (联检联评): agencies inspect each other, drawn by the committee.

A round names the inspected units and a pool of inspectors (people of other units), draws
teams with a recorded seed, and moves draft → published → closed through one service that
records every move (InspectionRoundTransition).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..agreement import AgreedRule
from ..inspection import DrawRule
from .plans import Period, Standard
from .rectification import Problem
from .submissions import Submission


class InspectionRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        PUBLISHED = "published", _("检查中")
        CLOSED = "closed", _("已结束")

    class Rule(models.TextChoices):
        OTHER_GROUP = DrawRule.OTHER_GROUP, _("由其他协作组单位交叉检查")
        SAME_GROUP = DrawRule.SAME_GROUP, _("由同一协作组其他单位检查")

    class ItemSelection(models.TextChoices):
        ALL = "all", _("全部报送材料")
        SHARE = "share", _("按比例抽样")
        COUNT = "count", _("按数量抽样")
        STANDARDS = "standards", _("指定六实标准")

    class AgreedRule(models.TextChoices):
        MEAN = AgreedRule.MEAN, _("取平均分")
        MEDIAN = AgreedRule.MEDIAN, _("取中位数")
        LOWER = AgreedRule.LOWER, _("取较低分")

    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="inspection_rounds",
        verbose_name=_("考核节点"),
    )
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("受检单位"))
    inspectors_per_item = models.PositiveSmallIntegerField(_("每项评审人数"), default=2)
    rule = models.CharField(
        _("抽取规则"), max_length=20, choices=Rule.choices, default=Rule.OTHER_GROUP
    )
    # Scores further apart than this share of full marks go to arbitration (one grade = 20 %).
    tolerance = models.DecimalField(
        _("容差（满分比例）"), max_digits=4, decimal_places=2, default=Decimal("0.20")
    )
    item_selection = models.CharField(
        _("检查范围"), max_length=20, choices=ItemSelection.choices, default=ItemSelection.ALL
    )
    # A sample is drawn with the round's seed, so the same seed samples the same items.
    sample_share = models.DecimalField(
        _("抽样比例"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    sample_count = models.PositiveIntegerField(_("抽样数量"), null=True, blank=True)
    standards = models.JSONField(_("六实标准"), default=list, blank=True)
    agreed_rule = models.CharField(
        _("合议规则"), max_length=20, choices=AgreedRule.choices, default=AgreedRule.MEAN
    )
    # Off by default: subtract each inspector's measured leniency before the agreed score.
    moderation = models.BooleanField(_("宽严校正"), default=False)
    # The seed of the latest drawing: drawing again with it gives the same teams.
    seed = models.BigIntegerField(_("抽签种子"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("联检联评轮次")
        verbose_name_plural = _("联检联评轮次")

    def __str__(self):
        return self.name

    def standard_labels(self):
        return [Standard(code).label for code in self.standards if code in Standard.values]


ROUND_TRANSITIONS = {
    InspectionRound.Status.DRAFT: {InspectionRound.Status.PUBLISHED},
    InspectionRound.Status.PUBLISHED: {InspectionRound.Status.CLOSED},
    InspectionRound.Status.CLOSED: set(),
}


class InspectionRoundTransition(models.Model):
    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=InspectionRound.Status.choices)
    to_status = models.CharField(max_length=20, choices=InspectionRound.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.round}: {self.from_status} → {self.to_status}"


class RoundInspector(models.Model):
    """A person of some unit named as 联检评审员 for one round."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="inspectors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspector_roles",
        verbose_name=_("评审员"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在单位")
    )

    class Meta:
        ordering = ["round", "unit__name", "pk"]
        verbose_name = _("联检评审员")
        verbose_name_plural = _("联检评审员")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="inspector_unique_in_round")
        ]

    def __str__(self):
        return f"{self.user} ({self.unit})"


class ConflictDeclaration(models.Model):
    """An inspector's declared conflict of interest with a unit: never drawn for it."""

    inspector = models.ForeignKey(
        RoundInspector, on_delete=models.CASCADE, related_name="conflicts"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("回避单位")
    )
    reason = models.CharField(_("回避原因"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "unit"], name="conflict_unique_unit")
        ]

    def __str__(self):
        return f"{self.inspector} ≠ {self.unit}"


class InspectionAssignment(models.Model):
    """One inspector's duty to score one item of the round."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="assignments")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="+", verbose_name=_("报送材料")
    )
    inspector = models.ForeignKey(
        RoundInspector,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("评审员"),
    )

    class Meta:
        ordering = ["round", "submission", "inspector"]
        verbose_name = _("评审分工")
        verbose_name_plural = _("评审分工")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "submission", "inspector"], name="assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.inspector} · {self.submission_id}"


class InspectorScore(models.Model):
    """An inspector's own score of an assigned item, hidden from the others until theirs."""

    assignment = models.OneToOneField(
        InspectionAssignment, on_delete=models.CASCADE, related_name="score"
    )
    grade = models.CharField(_("评档"), max_length=1, choices=Submission.Grade.choices, blank=True)
    score = models.DecimalField(_("评分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评审意见"), blank=True, max_length=2000)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评审员评分")
        verbose_name_plural = _("评审员评分")

    def __str__(self):
        return f"{self.assignment} = {self.score}"


class AssignmentSwap(models.Model):
    """Staff replaced an inspector on an item, with the reason."""

    assignment = models.ForeignKey(
        InspectionAssignment, on_delete=models.CASCADE, related_name="swaps"
    )
    from_inspector = models.ForeignKey(RoundInspector, on_delete=models.PROTECT, related_name="+")
    to_inspector = models.ForeignKey(RoundInspector, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("调换原因"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("评审员调换")
        verbose_name_plural = _("评审员调换")

    def __str__(self):
        return f"{self.from_inspector} → {self.to_inspector}"


class InspectionVerdict(models.Model):
    """What became of an item once every inspector scored it: agreed, or sent to
    arbitration by committee staff."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("评分一致")
        PENDING = "pending", _("待仲裁")
        ARBITRATED = "arbitrated", _("已仲裁")

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="verdicts")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="+", verbose_name=_("报送材料")
    )
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, editable=False)
    grade = models.CharField(_("评档"), max_length=1, blank=True)
    score = models.DecimalField(_("认定得分"), max_digits=6, decimal_places=2, null=True)
    comment = models.TextField(_("仲裁意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["round", "submission"]
        verbose_name = _("联检认定结果")
        verbose_name_plural = _("联检认定结果")
        constraints = [
            models.UniqueConstraint(fields=["round", "submission"], name="verdict_unique_item")
        ]

    def __str__(self):
        return f"{self.round} · {self.submission_id}: {self.outcome}"


VERDICT_TRANSITIONS = {
    InspectionVerdict.Outcome.PENDING: {InspectionVerdict.Outcome.ARBITRATED},
    InspectionVerdict.Outcome.AGREED: set(),
    InspectionVerdict.Outcome.ARBITRATED: set(),
}


class InspectionFinding(models.Model):
    """An on-site finding (实地检查发现) recorded by an inspector: it raises a rectification
    problem for the inspected unit."""

    assignment = models.ForeignKey(
        InspectionAssignment, on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("受检单位")
    )
    text = models.TextField(_("发现的问题"), max_length=2000)
    problem = models.ForeignKey(
        Problem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("整改问题"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("实地检查发现")
        verbose_name_plural = _("实地检查发现")

    def __str__(self):
        return self.text[:40]
