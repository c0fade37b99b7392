"""Citizen evaluation (群众评议): ratings from every channel, follow-up of bad ratings,
appeals, moderation, the working-day calendar and published figures."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit, UnitCategory


class Level(models.TextChoices):
    """The five levels of the national 好差评 practice; the first three count as satisfied."""

    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("非常不满意")


LEVEL_SCORES = {
    Level.VERY_SATISFIED: 100,
    Level.SATISFIED: 80,
    Level.BASIC: 60,
    Level.DISSATISFIED: 40,
    Level.VERY_DISSATISFIED: 20,
}
SATISFIED_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC)
BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上评议")
    LETTER = "letter", _("征求意见函")
    SUGGESTION_BOX = "box", _("意见箱")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("走访")
    SUPERVISOR = "supervisor", _("作风监督员")
    SURVEY = "survey", _("第三方评价")


OFFLINE_CHANNELS = [c for c in Channel if c != Channel.ONLINE]


class EvaluatorKind(models.TextChoices):
    CITIZEN = "citizen", _("群众")
    SUPERIOR = "superior", _("上级机关")
    DEPUTY = "deputy", _("人大代表和政协委员")
    DISCIPLINE = "discipline", _("纪检监察机关")
    PETITION = "petition", _("信访部门")
    ENTERPRISE = "enterprise", _("服务对象企业")


class EvaluatorWeight(models.Model):
    """How much one rating of this kind of evaluator weighs in the index (default 1)."""

    kind = models.CharField(
        _("评价主体"), max_length=20, choices=EvaluatorKind.choices, unique=True
    )
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=Decimal("1"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("评价主体权重")
        verbose_name_plural = _("评价主体权重")

    def __str__(self):
        return f"{self.get_kind_display()} × {self.weight}"


class RatingDimension(models.Model):
    """An optional aspect a citizen may rate separately (服务态度, 办事效率 …)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("评价维度")
        verbose_name_plural = _("评价维度")

    def __str__(self):
        return self.name


class Moderation(models.TextChoices):
    NONE = "none", _("无需审核")
    PENDING = "pending", _("待审核")
    CLEARED = "cleared", _("审核通过")
    REJECTED = "rejected", _("审核不通过")


class Rating(models.Model):
    # No index of its own: the (unit, received_on) and (unit, level, created_at, …) indexes
    # lead with it, and every index is one more write on each of the form's inserts.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("被评单位"),
        db_index=False,
    )
    receipt = models.CharField(_("回执号"), max_length=12, unique=True)
    level = models.CharField(_("评价等级"), max_length=20, choices=Level.choices)
    score = models.PositiveSmallIntegerField(_("分值"))
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    evaluator_kind = models.CharField(
        _("评价主体"), max_length=20, choices=EvaluatorKind.choices, default=EvaluatorKind.CITIZEN
    )
    comment = models.TextField(_("意见建议"), max_length=1000, blank=True)
    received_on = models.DateField(_("评价日期"), db_index=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # Contact: encrypted at rest, masked copies for every list and export.
    contact_name_encrypted = models.TextField(_("姓名（加密）"), max_length=500, blank=True)
    contact_phone_encrypted = models.TextField(_("电话（加密）"), max_length=500, blank=True)
    contact_name_masked = models.CharField(_("姓名"), max_length=20, blank=True)
    contact_phone_masked = models.CharField(_("电话"), max_length=20, blank=True)
    contact_consent = models.BooleanField(_("同意联系"), default=False)
    # Abuse controls: the source is only a salted hash of the address.
    # Looked up only with the unit and the time (the rating_original_lookup index).
    source_hash = models.CharField(_("来源摘要"), max_length=64, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("重复于"),
    )
    moderation = models.CharField(
        _("审核状态"), max_length=20, choices=Moderation.choices, default=Moderation.NONE
    )
    flag_reason = models.CharField(_("标记原因"), max_length=200, blank=True)
    excluded = models.BooleanField(_("不计入指数"), default=False)
    excluded_reason = models.CharField(_("不计入原因"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    survey_batch = models.CharField(_("调查批次"), max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        indexes = [
            models.Index(fields=["unit", "received_on"]),
            # The duplicate check on every public rating: the first rating of a source for a
            # unit in a window. Only originals are indexed: a source rating one unit again
            # and again adds nothing to scan.
            models.Index(
                fields=["source_hash", "unit", "created_at"],
                condition=Q(duplicate_of__isnull=True),
                name="rating_original_lookup",
            ),
            # The burst check on every public rating: one level for one unit in a window,
            # counted from the index alone (source and moderation as trailing keys rather
            # than INCLUDE, which SQLite lacks).
            models.Index(
                fields=["unit", "level", "created_at", "source_hash", "moderation"],
                name="rating_burst_window",
            ),
        ]

    def __str__(self):
        return f"{self.receipt} {self.unit} {self.get_level_display()}"

    @property
    def is_bad(self):
        return self.level in BAD_LEVELS

    @property
    def counts_in_index(self):
        return (
            self.duplicate_of_id is None
            and not self.excluded
            and self.moderation in (Moderation.NONE, Moderation.CLEARED)
        )


# Everything the index counts, as one filter reused by every aggregate.
COUNTED = Q(duplicate_of__isnull=True, excluded=False, moderation__in=["none", "cleared"])


class DimensionRating(models.Model):
    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("评价")
    )
    dimension = models.ForeignKey(
        RatingDimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("维度")
    )
    level = models.CharField(_("评价等级"), max_length=20, choices=Level.choices)

    class Meta:
        verbose_name = _("分项评价")
        verbose_name_plural = _("分项评价")
        constraints = [
            models.UniqueConstraint(fields=["rating", "dimension"], name="dimension_once")
        ]

    def __str__(self):
        return f"{self.dimension_id} {self.level}"


class ModerationDecision(models.Model):
    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("评价")
    )
    decision = models.CharField(_("结论"), max_length=20, choices=Moderation.choices)
    reason = models.CharField(_("理由"), max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self):
        return f"{self.rating_id} {self.decision}"


class ContactViewLog(models.Model):
    """Every time a member of staff sees a citizen's full name and phone."""

    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="contact_views", verbose_name=_("评价")
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("查看人"),
    )
    viewed_at = models.DateTimeField(_("查看时间"), auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("联系方式查看记录")
        verbose_name_plural = _("联系方式查看记录")

    def __str__(self):
        return f"{self.viewer_id} {self.rating_id} {self.viewed_at}"


class SurveyImport(models.Model):
    """A third-party survey file imported once: the same rows imported again add nothing."""

    digest = models.CharField(_("内容摘要"), max_length=64, unique=True)
    batch = models.CharField(_("批次"), max_length=60)
    rows = models.PositiveIntegerField(_("评价条数"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("第三方评价导入")
        verbose_name_plural = _("第三方评价导入")

    def __str__(self):
        return self.batch


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a statutory holiday or a make-up workday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=30, blank=True)
    source = models.CharField(_("来源"), max_length=20, default="chinese_calendar")

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class FollowUpCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        REPLIED = "replied", _("已答复")
        RECTIFIED = "rectified", _("已整改")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤销")

    rating = models.OneToOneField(
        Rating, on_delete=models.CASCADE, related_name="case", verbose_name=_("评价")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="feedback_cases", verbose_name=_("单位")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("立案日期"))
    reply_due = models.DateField(_("答复期限"))
    rectify_due = models.DateField(_("整改期限"))
    # Counted into a year the holiday table does not know (weekends only): settled when the
    # year is filled in (feedback.services.cases.settle_provisional_deadlines).
    deadlines_provisional = models.BooleanField(_("期限暂定"), default=False)
    reply = models.TextField(_("答复内容"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    fix = models.TextField(_("整改情况"), max_length=2000, blank=True)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)

    class Meta:
        ordering = ["reply_due", "pk"]
        verbose_name = _("差评回访件")
        verbose_name_plural = _("差评回访件")

    def __str__(self):
        return f"{self.unit} {self.rating.receipt}"


CASE_TRANSITIONS = {
    FollowUpCase.Status.OPEN: (FollowUpCase.Status.REPLIED, FollowUpCase.Status.WITHDRAWN),
    FollowUpCase.Status.REPLIED: (FollowUpCase.Status.RECTIFIED, FollowUpCase.Status.WITHDRAWN),
    FollowUpCase.Status.RECTIFIED: (FollowUpCase.Status.CLOSED, FollowUpCase.Status.WITHDRAWN),
    FollowUpCase.Status.CLOSED: (),
    FollowUpCase.Status.WITHDRAWN: (),
}
OPEN_CASE_STATES = (FollowUpCase.Status.OPEN,)


class CaseLog(models.Model):
    case = models.ForeignKey(
        FollowUpCase, on_delete=models.CASCADE, related_name="logs", verbose_name=_("回访件")
    )
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")

    def __str__(self):
        return f"{self.from_status}->{self.to_status}"


class Appeal(models.Model):
    """A unit's claim that a rating is malicious or mistaken (申诉)."""

    class Reason(models.TextChoices):
        MALICIOUS = "malicious", _("恶意评价")
        MISTAKEN = "mistaken", _("误评（非本单位事项）")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING = "pending", _("待裁定")
        UPHELD = "upheld", _("申诉成立")
        DISMISSED = "dismissed", _("申诉不成立")

    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("评价")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="feedback_appeals", verbose_name=_("单位")
    )
    reason = models.CharField(_("申诉类型"), max_length=20, choices=Reason.choices)
    explanation = models.TextField(_("申诉理由"), max_length=1000)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申诉人"),
    )
    filed_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("裁定人"),
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    decision_reason = models.CharField(_("裁定理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        constraints = [
            models.UniqueConstraint(
                fields=["rating"], condition=Q(status="pending"), name="appeal_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.rating_id} {self.get_status_display()}"


APPEAL_TRANSITIONS = {
    Appeal.Status.PENDING: (Appeal.Status.UPHELD, Appeal.Status.DISMISSED),
    Appeal.Status.UPHELD: (),
    Appeal.Status.DISMISSED: (),
}


class Publication(models.Model):
    """Figures staff chose to publish for one period; frozen when published."""

    label = models.CharField(_("期次名称"), max_length=60)
    date_from = models.DateField(_("起始日期"))
    date_to = models.DateField(_("截止日期"))
    show_score = models.BooleanField(_("公布满意度得分"), default=True)
    show_share = models.BooleanField(_("公布满意率"), default=True)
    show_reply_rate = models.BooleanField(_("公布差评答复率"), default=True)
    category = models.ForeignKey(
        UnitCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("限定分类"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布人"),
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    withdrawn = models.BooleanField(_("已撤回"), default=False)

    class Meta:
        ordering = ["-date_to", "-pk"]
        verbose_name = _("满意度公布")
        verbose_name_plural = _("满意度公布")

    def __str__(self):
        return self.label


class PublishedFigure(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="figures", verbose_name=_("公布")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    sample = models.PositiveIntegerField(_("样本量"))
    sufficient = models.BooleanField(_("样本充足"))
    score = models.DecimalField(_("满意度得分"), max_digits=5, decimal_places=1, null=True)
    satisfied_share = models.DecimalField(_("满意率"), max_digits=5, decimal_places=1, null=True)
    reply_rate = models.DecimalField(_("差评答复率"), max_digits=5, decimal_places=1, null=True)

    class Meta:
        ordering = ["publication", "-score", "unit__name"]
        verbose_name = _("公布数据")
        verbose_name_plural = _("公布数据")

    def __str__(self):
        return f"{self.publication_id} {self.unit_id}"
