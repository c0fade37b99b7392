"""Cycles, annual plans, periods and the indicator system."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import UnitCategory
from units.validators import reject_formula


class Phase(models.TextChoices):
    BENCHMARK = "benchmark", _("对标年")
    BREAKTHROUGH = "breakthrough", _("突破年")
    RESULTS = "results", _("问效年")


class Standard(models.TextChoices):
    """六实: the six standards."""

    BELIEF = "belief", _("信念坚实")
    THEORY = "theory", _("理论扎实")
    ORGANISATION = "organisation", _("组织夯实")
    CONDUCT = "conduct", _("作风务实")
    DISCIPLINE = "discipline", _("纪律压实")
    SERVICE = "service", _("服务求实")


class Goal(models.TextChoices):
    """四个模范: the four goals."""

    POLITICS = "politics", _("讲政治")
    DISCIPLINE = "discipline", _("守纪律")
    RESPONSIBILITY = "responsibility", _("负责任")
    EFFICIENCY = "efficiency", _("有效率")


class Cycle(models.Model):
    """A three-year action plan (三年行动计划)."""

    title = models.CharField(_("名称"), max_length=100, validators=[reject_formula])
    start_year = models.PositiveSmallIntegerField(_("起始年份"), unique=True)
    goals = models.TextField(_("总体目标"), blank=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycle",
        verbose_name=_("上一个三年"),
    )
    # Three-year result = mean of the annual totals + this × (问效年 total − 对标年 total);
    # see assessment.scoring.rules.three_year_result and docs/scoring.md.
    improvement_weight = models.DecimalField(
        _("提升幅度权重"),
        max_digits=4,
        decimal_places=2,
        default=0,
        help_text=_(
            "三年结果在三年平均分之外，再计入问效年比对标年提高的分数乘以此权重；0 表示只看平均分。"
        ),
    )

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("三年行动计划")
        verbose_name_plural = _("三年行动计划")

    def __str__(self):
        return self.title

    @property
    def end_year(self):
        return self.start_year + 2


class AnnualPlan(models.Model):
    class Aggregation(models.TextChoices):
        MEAN = "mean", _("各支部平均")
        MEMBERS = "members", _("按党员人数加权")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="plans", verbose_name=_("三年行动计划")
    )
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    phase = models.CharField(_("阶段"), max_length=20, choices=Phase.choices)
    key_tasks = models.TextField(_("年度重点工作"), blank=True)
    special_tasks = models.TextField(_("专项工作"), blank=True)
    unit_aggregation = models.CharField(
        _("单位得分汇总方式"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    require_unit_check = models.BooleanField(_("须经单位管理员审核后报送工委"), default=False)
    require_party_confirmation = models.BooleanField(
        _("半年小考、年度大考须经党组书记签字确认后报送工委"), default=False
    )
    burden_cap = models.PositiveSmallIntegerField(
        _("每季度材料项数上限"),
        default=15,
        help_text=_("为基层减负：一个支部每季度需报送的材料项数超过此数时提示。"),
    )
    # Annual score = quarterly mean × a + year-end exam × b + satisfaction × c, ± bonus/deductions
    weight_quarterly = models.DecimalField(
        _("季度平均权重"), max_digits=4, decimal_places=2, default=0.5
    )
    weight_exam = models.DecimalField(
        _("年度考核权重"), max_digits=4, decimal_places=2, default=0.4
    )
    weight_satisfaction = models.DecimalField(
        _("群众满意度权重"), max_digits=4, decimal_places=2, default=0.1
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")

    def __str__(self):
        return f"{self.year} {self.get_phase_display()}"


class PeriodQuerySet(models.QuerySet):
    def finished(self):
        """Closed or published periods: their figures are final enough to combine and show."""
        return self.filter(status__in=Period.FINISHED)

    def quarters(self):
        return self.filter(kind__in=Period.QUARTERS)


class Period(models.Model):
    class Kind(models.TextChoices):
        Q1 = "q1", _("第一季度")
        Q2 = "q2", _("第二季度")
        Q3 = "q3", _("第三季度")
        Q4 = "q4", _("第四季度")
        H1 = "h1", _("半年小考")
        ANNUAL = "annual", _("年度大考")

    class Status(models.TextChoices):
        DRAFT = "draft", _("未开放")
        OPEN = "open", _("报送中")
        CLOSED = "closed", _("已截止")
        PUBLISHED = "published", _("已发布")

    # The vocabulary of periods, spelled once. Finished: its figures enter the half-year and
    # annual composites and the trends; an open or draft period's are still partial.
    FINISHED = (Status.CLOSED, Status.PUBLISHED)
    QUARTERS = (Kind.Q1, Kind.Q2, Kind.Q3, Kind.Q4)
    # The composites and the quarters each one combines.
    COMPOSITES = {Kind.H1: (Kind.Q1, Kind.Q2), Kind.ANNUAL: QUARTERS}
    # Calendar order of a plan's periods (the half-year falls after the second quarter).
    CALENDAR = (Kind.Q1, Kind.Q2, Kind.H1, Kind.Q3, Kind.Q4, Kind.ANNUAL)
    # Computing order: composites read quarter rows already computed.
    COMPUTING = (*QUARTERS, Kind.H1, Kind.ANNUAL)

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("年度计划")
    )
    kind = models.CharField(_("考核节点"), max_length=10, choices=Kind.choices)
    opens_on = models.DateField(_("开始报送"))
    deadline = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # The indicator-system version this period collects, pinned when it first opens, so that
    # items in use never change under a secretary's feet (edits go to a new version).
    system = models.ForeignKey(
        "IndicatorSystem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="periods",
        verbose_name=_("使用的指标体系版本"),
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["plan__year", "opens_on"]
        verbose_name = _("考核节点")
        verbose_name_plural = _("考核节点")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="period_unique_kind"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")),
                name="period_deadline_after_open",
                violation_error_message=_("截止日期不能早于开始报送日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.plan.year} {self.get_kind_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_quarter(self) -> bool:
        return self.kind in self.QUARTERS

    @property
    def is_composite(self) -> bool:
        return self.kind in self.COMPOSITES


PERIOD_TRANSITIONS = {
    Period.Status.DRAFT: {Period.Status.OPEN},
    Period.Status.OPEN: {Period.Status.CLOSED},
    Period.Status.CLOSED: {Period.Status.PUBLISHED, Period.Status.OPEN},  # reopen needs a reason
    Period.Status.PUBLISHED: set(),
}


class PeriodTransition(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Period.Status.choices)
    to_status = models.CharField(max_length=10, choices=Period.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("节点状态记录")
        verbose_name_plural = _("节点状态记录")

    def __str__(self):
        return f"{self.period}: {self.from_status} → {self.to_status}"


class IndicatorSystem(models.Model):
    """One version of a plan's indicator system. A new version is made when an open period
    would otherwise see its items change silently."""

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="systems", verbose_name=_("年度计划")
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    base_points = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan__year", "-version"]
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="system_unique_version")
        ]

    def __str__(self):
        return f"{self.plan} v{self.version}"


class Indicator(models.Model):
    """A node of the tree: dimension → item → optional sub-item."""

    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("维度")
        QUANTITATIVE = "quantitative", _("定量")
        GRADED = "graded", _("评档（A/B/C/D）")
        YES_NO = "yes_no", _("是否")
        BONUS = "bonus", _("加分")
        DEDUCTION = "deduction", _("扣分")
        VETO = "veto", _("一票否决")

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("每季度")
        HALF_YEAR = "half_year", _("半年")
        ANNUAL = "annual", _("年度")

    class Level(models.TextChoices):
        BRANCH = "branch", _("党支部")
        UNIT = "unit", _("单位")

    class Measure(models.TextChoices):
        """系统取数: figures the platform holds, written as item values (assessment.measures)."""

        SATISFACTION = "satisfaction", _("群众满意度")
        RECTIFICATION_RATE = "rectification_rate", _("整改完成率（已销号÷到期）")
        CASE_REPLY_ON_TIME = "case_reply_on_time", _("回访件按时答复率")
        CASE_CLOSURE = "case_closure", _("回访件办结率")
        SUBMISSION_ON_TIME = "submission_on_time", _("材料按时报送率")
        EVIDENCE_COMPLETENESS = "evidence_completeness", _("材料报送完整率")
        NEGATIVE_LIST = "negative_list", _("负面清单事项数")
        DUTY_GRADE = "duty_grade", _("述职评议等次折算分")

    class NumberKind(models.TextChoices):
        """What a reported number is, which fixes its allowed range (assessment.rules)."""

        PERCENTAGE = "percentage", _("百分比（0–100）")
        COUNT = "count", _("次数或个数（≥0 的整数）")
        AMOUNT = "amount", _("数量（≥0，不超过上限）")

    class Focus(models.TextChoices):
        """What a phase preset leans on when a system is copied into the next year."""

        GENERAL = "", _("常规")
        STANDARDS = "standards", _("对标覆盖")
        RECTIFICATION = "rectification", _("问题整改")
        OUTCOME = "outcome", _("工作成效")

    system = models.ForeignKey(
        IndicatorSystem,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("指标体系"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=200, validators=[reject_formula])
    description = models.TextField(_("说明"), blank=True)
    evidence_guide = models.TextField(_("佐证材料要求"), blank=True)
    standard = models.CharField(_("六实标准"), max_length=20, choices=Standard.choices, blank=True)
    goal = models.CharField(_("四个模范"), max_length=20, choices=Goal.choices, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    level = models.CharField(
        _("考核对象"), max_length=10, choices=Level.choices, default=Level.BRANCH
    )
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, default=0)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2, default=0)
    frequency = models.CharField(
        _("频次"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    categories = models.ManyToManyField(
        UnitCategory,
        blank=True,
        related_name="+",
        verbose_name=_("适用单位分类"),
        help_text=_("不选表示适用于全部分类。"),
    )
    requires_number = models.BooleanField(_("需填数值"), default=False)
    number_label = models.CharField(_("数值说明"), max_length=50, blank=True)
    number_kind = models.CharField(
        _("数值类型"), max_length=12, choices=NumberKind.choices, blank=True
    )
    number_max = models.DecimalField(
        _("数值上限"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("次数或数量可填的最大合理值；留空表示不限（百分比固定为 100）。"),
    )
    measure = models.CharField(
        _("系统取数"),
        max_length=30,
        choices=Measure.choices,
        blank=True,
        help_text=_("留空表示由支部或单位填报；选择后由平台自动取数，支部无需填写。"),
    )
    requires_text = models.BooleanField(_("需填文字说明"), default=True)
    requires_attachment = models.BooleanField(_("需上传附件"), default=False)
    # Quantitative scoring rule, e.g. {"type": "thresholds", "steps": [[4, 100], [2, 60]]}
    # or {"type": "ratio", "target": 12}; see services for the rule kinds.
    rule = models.JSONField(_("计分规则"), default=dict, blank=True)
    focus = models.CharField(
        _("侧重"), max_length=20, choices=Focus.choices, blank=True, default=Focus.GENERAL
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    retired_at = models.DateTimeField(_("淘汰时间"), null=True, blank=True)
    retired_reason = models.CharField(_("淘汰原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["system", "position", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def asks_reporter(self) -> bool:
        """Whether a branch or unit fills this item in; measured items ask nothing of them."""
        return not self.measure
