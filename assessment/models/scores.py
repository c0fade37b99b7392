"""Scores: what the scoring engine (assessment.scoring.engine) writes.

- ``GradingRule``: a plan's thresholds, 优秀 quota, bonus cap, branch-tier method and the rule
  for a missing satisfaction figure (one row per plan, created with defaults on first use).
- ``PeriodScore``: one row per (period, unit, branch-or-null): the live, recomputable figures.
  Its ``parts`` hold the points per 六实 standard, per 四个模范 goal and per root dimension.
- ``ScoreSnapshot``: the frozen JSON of a published period; corrections add revisions.

Rows are written only by the scoring service; nothing else assigns these fields.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Branch, Unit

from .plans import AnnualPlan, Period


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Tier(models.TextChoices):
    ADVANCED = "advanced", _("先进")
    MIDDLE = "middle", _("中间")
    LAGGING = "lagging", _("后进")


class GradingRule(models.Model):
    """How a plan's scores turn into grades, tiers and composite totals."""

    class TierMethod(models.TextChoices):
        THRESHOLDS = "thresholds", _("按分数线")
        THIRDS = "thirds", _("按排名三等分")

    class MissingSatisfaction(models.TextChoices):
        REDISTRIBUTE = "redistribute", _("权重按比例分给其他项")
        ZERO = "zero", _("按 0 分计")

    plan = models.OneToOneField(
        AnnualPlan,
        on_delete=models.CASCADE,
        related_name="grading_rule",
        verbose_name=_("年度计划"),
    )
    excellent_min = models.DecimalField(
        _("优秀分数线"), max_digits=5, decimal_places=2, default=Decimal("90")
    )
    good_min = models.DecimalField(
        _("良好分数线"), max_digits=5, decimal_places=2, default=Decimal("80")
    )
    fair_min = models.DecimalField(
        _("一般分数线"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    excellent_quota = models.DecimalField(
        _("优秀比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("留空表示不限；填 20 表示按排名前 20% 的单位才可评为优秀。"),
    )
    bonus_cap = models.DecimalField(
        _("加分上限"), max_digits=6, decimal_places=2, default=Decimal("5")
    )
    tier_method = models.CharField(
        _("支部分档方式"), max_length=12, choices=TierMethod.choices, default=TierMethod.THRESHOLDS
    )
    advanced_min = models.DecimalField(
        _("先进支部得分率"), max_digits=5, decimal_places=2, default=Decimal("85")
    )
    lagging_below = models.DecimalField(
        _("后进支部得分率低于"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    missing_satisfaction = models.CharField(
        _("缺少满意度时"),
        max_length=12,
        choices=MissingSatisfaction.choices,
        default=MissingSatisfaction.REDISTRIBUTE,
    )

    class Meta:
        verbose_name = _("评定规则")
        verbose_name_plural = _("评定规则")

    def __str__(self):
        return f"{self.plan} {self._meta.verbose_name}"


class PeriodScore(models.Model):
    """A unit's (branch null) or a branch's score in one period.

    For quarters: ``total = base - deduction + bonus`` in points, ``max_points`` the points the
    applicable items can give. For the half-year and annual periods the total is the composite
    on a 0–100 scale (see docs/scoring.md) and ``max_points`` is 100.
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="scores", verbose_name=_("考核节点")
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
    base = models.DecimalField(_("基础得分"), max_digits=8, decimal_places=2, default=0)
    deduction = models.DecimalField(_("扣分"), max_digits=8, decimal_places=2, default=0)
    bonus = models.DecimalField(_("加分"), max_digits=8, decimal_places=2, default=0)
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, default=0)
    max_points = models.DecimalField(_("满分"), max_digits=8, decimal_places=2, default=0)
    # (base - deduction) / max_points × 100: the period's own items on a 0–100 scale.
    net_rate = models.DecimalField(_("得分率"), max_digits=7, decimal_places=2, default=0)
    # Composite periods (h1, annual) only.
    quarter_mean = models.DecimalField(
        _("季度平均"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    exam = models.DecimalField(_("考核得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    satisfaction = models.DecimalField(
        _("群众满意度"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    satisfaction_sample = models.PositiveIntegerField(_("评价样本数"), null=True, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    expected = models.PositiveIntegerField(_("应报项数"), default=0)
    submitted = models.PositiveIntegerField(_("已报项数"), default=0)
    on_time = models.PositiveIntegerField(_("按时报送项数"), default=0)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    category_rank = models.PositiveIntegerField(_("分类内排名"), null=True, blank=True)
    group_rank = models.PositiveIntegerField(_("协作组内排名"), null=True, blank=True)
    unit_rank = models.PositiveIntegerField(_("单位内排名"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices, blank=True)
    tier = models.CharField(_("支部类别"), max_length=10, choices=Tier.choices, blank=True)
    # {"standard" | "goal" | "dimension": [[code, label, points, max points], …]}, decimals as
    # strings: the score's points per axis. Always read and written whole with the row (a
    # separate long table cost ~16 rows per score to write and to read on every page).
    parts = models.JSONField(_("分项得分"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    # MD5 of the columns the engine computed, ranks, grade and tier aside: a recompute
    # rewrites only the rows whose digest or ranks changed (engine.write).
    digest = models.CharField(_("内容摘要"), max_length=32, blank=True, default="", editable=False)

    class Meta:
        ordering = ["period", "rank", "pk"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                condition=Q(branch__isnull=True),
                name="score_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["period", "branch"],
                condition=Q(branch__isnull=False),
                name="score_unique_branch",
            ),
        ]
        indexes = [models.Index(fields=["period", "branch", "total"])]

    def __str__(self):
        return f"{self.period} · {self.branch or self.unit}: {self.total}"


class ScoreSnapshot(models.Model):
    """The published scores of a period, frozen as JSON. Revision 1 is the publication;
    every correction adds the next revision with its reason; none is ever changed."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("考核节点")
    )
    revision = models.PositiveSmallIntegerField(_("版次"))
    data = models.JSONField(_("得分数据"))
    reason = models.TextField(_("更正原因"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["period", "-revision"]
        verbose_name = _("发布得分版本")
        verbose_name_plural = _("发布得分版本")
        constraints = [
            models.UniqueConstraint(fields=["period", "revision"], name="snapshot_unique_revision")
        ]

    def __str__(self):
        return f"{self.period} r{self.revision}"
