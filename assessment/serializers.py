"""API shapes of plans, indicators, evidence, submissions, review, rectification and scores.

Serializers only parse and present: every rule (who may write, which state allows what,
what an item still lacks) lives in assessment.services and assessment.selectors.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from units.models import Branch, Unit
from units.selectors import branches_visible_to, units_visible_to

from .models import (
    AnnualPlan,
    Cycle,
    DutyReport,
    Evidence,
    Indicator,
    IndicatorSystem,
    Measure,
    Period,
    PeriodTransition,
    Problem,
    ProblemEvent,
    Rectification,
    RectificationEvent,
    Submission,
    SubmissionEvent,
)
from .selectors.submissions import evidence_visible_to


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id looked up in what the requesting user may see: an id outside the scope
    is refused exactly like an id that does not exist."""

    def __init__(self, *, scoped, **kwargs):
        self.scoped = scoped
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.scoped(request.user)


# --- plans, periods, indicators --------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer):
    end_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cycle
        fields = ["id", "title", "start_year", "end_year", "goals", "previous"]


class AnnualPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "cycle",
            "year",
            "phase",
            "key_tasks",
            "special_tasks",
            "unit_aggregation",
            "require_unit_check",
            "require_party_confirmation",
            "burden_cap",
            "weight_quarterly",
            "weight_exam",
            "weight_satisfaction",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Period
        fields = [
            "id",
            "plan",
            "year",
            "kind",
            "kind_label",
            "opens_on",
            "deadline",
            "status",
            "status_label",
            "system",
        ]


class PeriodTransitionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True)

    class Meta:
        model = PeriodTransition
        fields = ["from_status", "to_status", "by", "at", "reason"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label=_("原因"), max_length=2000, required=False, allow_blank=True, default=""
    )


class IndicatorSystemSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)

    class Meta:
        model = IndicatorSystem
        fields = ["id", "plan", "year", "version", "base_points", "note", "created_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "system",
            "parent",
            "code",
            "name",
            "description",
            "evidence_guide",
            "standard",
            "goal",
            "kind",
            "level",
            "max_score",
            "weight",
            "frequency",
            "categories",
            "requires_number",
            "number_label",
            "number_kind",
            "number_max",
            "measure",
            "requires_text",
            "requires_attachment",
            "position",
            "retired_at",
            "retired_reason",
        ]


# --- evidence ---------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "unit",
            "branch",
            "period",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]


class EvidenceUploadSerializer(serializers.Serializer):
    """multipart/form-data: one file for a branch and period (checked by the evidence
    service from its bytes: type and size)."""

    file = serializers.FileField(label=_("文件"), max_length=200, allow_empty_file=True)
    branch = ScopedPrimaryKeyRelatedField(
        label=_("党支部"), queryset=Branch.objects.all(), scoped=branches_visible_to
    )
    period = serializers.PrimaryKeyRelatedField(label=_("考核节点"), queryset=Period.objects.all())


# --- submissions ------------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    # Blank until reviewed: read-only fields do not carry the model's blank=True by themselves.
    grade = serializers.ChoiceField(
        choices=Submission.Grade.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "period",
            "indicator",
            "indicator_code",
            "indicator_name",
            "unit",
            "branch",
            "status",
            "status_label",
            "value",
            "narrative",
            "self_score",
            "answer",
            "evidence",
            "is_late",
            "submitted_at",
            "grade",
            "reviewer_score",
            "reviewer_comment",
            "reviewed_at",
            "version",
            "updated_at",
            "measured_value",
            "measured_at",
            "override_reason",
        ]
        read_only_fields = fields


class DraftFieldsSerializer(serializers.Serializer):
    """What a secretary fills in; the same limits as the web form (assessment.forms)."""

    version = serializers.IntegerField(
        label=_("读取时的版本"),
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("读取该项时的 version；新建时填 0。与当前版本不一致时返回 409。"),
    )
    value = serializers.DecimalField(
        label=_("数值"), max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    narrative = serializers.CharField(
        label=_("情况说明"), max_length=5000, required=False, allow_blank=True
    )
    self_score = serializers.DecimalField(
        label=_("自评分"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
    )
    answer = serializers.CharField(
        label=_("对退回意见的说明"), max_length=2000, required=False, allow_blank=True
    )
    evidence = ScopedPrimaryKeyRelatedField(
        label=_("关联的佐证材料（完整列表）"),
        many=True,
        required=False,
        queryset=Evidence.objects.all(),
        scoped=evidence_visible_to,
        help_text=_("给出时替换该项已关联的全部材料；不给出时保持不变。"),
    )

    def draft_data(self) -> dict:
        return {
            k: self.validated_data[k]
            for k in ("value", "narrative", "self_score", "answer")
            if k in self.validated_data
        }


class DraftCreateSerializer(DraftFieldsSerializer):
    period = serializers.PrimaryKeyRelatedField(label=_("考核节点"), queryset=Period.objects.all())
    branch = ScopedPrimaryKeyRelatedField(
        label=_("党支部"), queryset=Branch.objects.all(), scoped=branches_visible_to
    )
    indicator = serializers.PrimaryKeyRelatedField(
        label=_("指标"), queryset=Indicator.objects.all()
    )


class AttachSerializer(serializers.Serializer):
    """multipart/form-data: `files` (one or more) and the `version` read."""

    version = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    files = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=True),
        min_length=1,
        max_length=20,
    )


class LinkSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    evidence = ScopedPrimaryKeyRelatedField(
        many=True,
        queryset=Evidence.objects.all(),
        scoped=evidence_visible_to,
        allow_empty=False,
        help_text=_("要增加关联的材料（本支部本节点已上传的材料）。"),
    )


class SubmitSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(label=_("考核节点"), queryset=Period.objects.all())
    branch = ScopedPrimaryKeyRelatedField(
        label=_("党支部"), queryset=Branch.objects.all(), scoped=branches_visible_to
    )


class IncompleteItemSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


class SubmitOutcomeSerializer(serializers.Serializer):
    submitted = SubmissionSerializer(many=True)
    incomplete = IncompleteItemSerializer(many=True)
    late = serializers.BooleanField()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("意见"), max_length=2000)


class SubmissionEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True)

    class Meta:
        model = SubmissionEvent
        fields = ["at", "by", "action", "from_status", "to_status", "changes", "reason"]


class BoardItemSerializer(serializers.Serializer):
    indicator = IndicatorSerializer(source="item")
    status = serializers.CharField()
    status_label = serializers.CharField()
    evidence_count = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission.pk", allow_null=True)


class BoardSerializer(serializers.Serializer):
    period = serializers.IntegerField(source="period.pk")
    branch = serializers.IntegerField(source="branch.pk")
    deadline = serializers.DateField(source="period.deadline")
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    ready_to_submit = serializers.IntegerField()
    items = BoardItemSerializer(many=True)


# --- review -----------------------------------------------------------------------------


class AcceptSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    grade = serializers.ChoiceField(
        label=_("评档"), choices=Submission.Grade.choices, required=False, allow_blank=True
    )
    score = serializers.DecimalField(
        label=_("审核得分"), max_digits=6, decimal_places=2, required=False, allow_null=True
    )
    comment = serializers.CharField(
        label=_("审核意见"), max_length=2000, required=False, allow_blank=True
    )


class OverrideSerializer(serializers.Serializer):
    """Staff replace a measured value awaiting review (系统取数修正), saying why."""

    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    value = serializers.DecimalField(label=_("修正后的数值"), max_digits=12, decimal_places=2)
    reason = serializers.CharField(label=_("修正原因"), max_length=2000, allow_blank=True)


class MeasureOutcomeSerializer(serializers.Serializer):
    """What one on-demand measuring of a period wrote (系统取数)."""

    created = serializers.IntegerField(label=_("新增项数"))
    updated = serializers.IntegerField(label=_("更新项数"))
    kept = serializers.ListField(
        child=serializers.IntegerField(),
        label=_("保留人工数值的事项"),
        help_text=_("取数值已变、但数值已由工作人员修正或确认而保留的事项 ID"),
    )


class ReturnSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    reason = serializers.CharField(label=_("退回原因"), max_length=2000, allow_blank=True)


# --- rectification ----------------------------------------------------------------------


class RectificationSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    indicators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "plan",
            "unit",
            "branch",
            "problem",
            "indicators",
            "deadline",
            "status",
            "status_label",
            "measures",
            "evidence",
            "issued_at",
            "answered_at",
            "verified_at",
        ]
        read_only_fields = fields


class RectificationIssueSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=AnnualPlan.objects.all())
    unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all(), scoped=units_visible_to)
    branch = ScopedPrimaryKeyRelatedField(
        queryset=Branch.objects.all(),
        scoped=branches_visible_to,
        required=False,
        allow_null=True,
        default=None,
    )
    problem = serializers.CharField(label=_("存在问题"), max_length=5000)
    deadline = serializers.DateField(label=_("整改期限"))
    indicators = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Indicator.objects.all(), required=False, default=list
    )


class RectificationAnswerSerializer(serializers.Serializer):
    """multipart/form-data or JSON: the measures taken, optional files."""

    measures = serializers.CharField(label=_("整改措施"), max_length=5000, allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=True),
        required=False,
        default=list,
        max_length=20,
    )


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        label=_("意见"), max_length=2000, required=False, allow_blank=True, default=""
    )


class RectificationEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True)

    class Meta:
        model = RectificationEvent
        fields = ["at", "by", "from_status", "to_status", "reason"]


# --- the problem ledger -----------------------------------------------------------------


class ProblemSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    indicators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "unit",
            "branch",
            "notice",
            "source",
            "source_label",
            "description",
            "severity",
            "severity_label",
            "indicators",
            "found_on",
            "working_days",
            "deadline",
            "deadline_provisional",
            "status",
            "status_label",
            "answer",
            "evidence",
            "measures",
            "case",
            "negative_entry",
            "answered_at",
            "verified_at",
        ]
        read_only_fields = fields


class ProblemRaiseSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all(), scoped=units_visible_to)
    branch = ScopedPrimaryKeyRelatedField(
        queryset=Branch.objects.all(),
        scoped=branches_visible_to,
        required=False,
        allow_null=True,
        default=None,
    )
    source = serializers.ChoiceField(label=_("问题来源"), choices=Problem.Source.choices)
    description = serializers.CharField(label=_("问题描述"), max_length=5000)
    severity = serializers.ChoiceField(
        label=_("严重程度"), choices=Problem.Severity.choices, default=Problem.Severity.GENERAL
    )
    indicators = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Indicator.objects.all(), required=False, default=list
    )
    found_on = serializers.DateField(label=_("发现日期"), required=False, default=None)
    working_days = serializers.IntegerField(
        label=_("整改时限（工作日）"), min_value=1, max_value=250, required=False, default=None
    )
    deadline = serializers.DateField(
        label=_("整改期限"),
        required=False,
        default=None,
        help_text="给定日期时优先于工作日计算（不早于发现日期，不晚于其后两年）",
    )


class ProblemAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(label=_("整改情况"), max_length=5000, allow_blank=True)


class MeasureSerializer(serializers.ModelSerializer):
    problems = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    done_late = serializers.BooleanField(read_only=True, help_text="完成日期晚于完成时限")

    class Meta:
        model = Measure
        fields = [
            "id",
            "unit",
            "problems",
            "description",
            "owner",
            "due_on",
            "done_on",
            "done_late",
            "evidence",
        ]


class MeasureDoneSerializer(serializers.Serializer):
    """JSON or multipart/form-data: the measure, its completion date, optional `files`."""

    measure = serializers.IntegerField(min_value=1, help_text="整改措施 ID（须针对此问题）")
    done_on = serializers.DateField(label=_("完成日期"))
    files = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=True),
        required=False,
        max_length=20,
    )


class ProblemEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True, default="")

    class Meta:
        model = ProblemEvent
        fields = ["at", "by", "from_status", "to_status", "reason"]


class LedgerFiguresSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    found = serializers.IntegerField(help_text="整改问题")
    measures = serializers.IntegerField(help_text="整改措施")
    answered = serializers.IntegerField()
    sent_back = serializers.IntegerField()
    verified = serializers.IntegerField(help_text="已销号")
    due = serializers.IntegerField(help_text="到期（含提前销号）")
    overdue = serializers.IntegerField(help_text="逾期未销号")
    rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="整改率 = 已销号 ÷ 到期"
    )
    line = serializers.CharField(help_text="整改问题 N 个，整改措施 M 条，整改率 X%")


class DateRangeSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, default=None)
    date_to = serializers.DateField(required=False, default=None)


class LedgerReportSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    total = LedgerFiguresSerializer()
    by_source = LedgerFiguresSerializer(many=True)
    by_standard = LedgerFiguresSerializer(many=True)
    by_unit = LedgerFiguresSerializer(many=True)
    by_group = LedgerFiguresSerializer(many=True)


# --- scores -----------------------------------------------------------------------------


class ScorePartSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    max_points = serializers.DecimalField(max_digits=8, decimal_places=2)


def _decimal(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=2, **kwargs)


class ScoreRowSerializer(serializers.Serializer):
    """One row of assessment.selectors.scores (live figures, or the published snapshot)."""

    period = serializers.IntegerField(source="period_id")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    unit_short_name = serializers.CharField()
    category = serializers.IntegerField(source="category_id")
    category_name = serializers.CharField()
    group = serializers.IntegerField(source="group_id", allow_null=True)
    group_name = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id", allow_null=True)
    branch_name = serializers.CharField()
    base = _decimal()
    deduction = _decimal()
    bonus = _decimal()
    total = _decimal()
    max_points = _decimal()
    rate = _decimal()
    net_rate = _decimal()
    quarter_mean = _decimal(allow_null=True)
    exam = _decimal(allow_null=True)
    satisfaction = _decimal(allow_null=True)
    satisfaction_sample = serializers.IntegerField(allow_null=True)
    vetoed = serializers.BooleanField()
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    category_rank = serializers.IntegerField(allow_null=True)
    group_rank = serializers.IntegerField(allow_null=True)
    unit_rank = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()
    grade_label = serializers.CharField()
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    standards = ScorePartSerializer(many=True)
    goals = ScorePartSerializer(many=True)


# --- 述职评议 -------------------------------------------------------------------------------


class DutyReportSerializer(serializers.ModelSerializer):
    author_kind_label = serializers.CharField(source="get_author_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # Blank until graded: declared so that the schema allows "".
    grade = serializers.ChoiceField(
        choices=DutyReport.Grade.choices, allow_blank=True, read_only=True
    )
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    figures = serializers.JSONField(
        read_only=True,
        help_text="平台按年度数据生成：score（得分、排名、六实得分率）、rectification、"
        "satisfaction、highlights、open_problems；不能修改",
    )

    class Meta:
        model = DutyReport
        fields = [
            "id",
            "year",
            "author_kind",
            "author_kind_label",
            "unit",
            "branch",
            "status",
            "status_label",
            "figures",
            "duties",
            "highlights",
            "problems",
            "plans",
            "submitted_by",
            "submitted_at",
            "grade",
            "grade_label",
            "grade_comment",
            "graded_by",
            "graded_at",
            "updated_at",
        ]
        read_only_fields = fields


class DutyTextSerializer(serializers.Serializer):
    """The text a 述职人 edits; omitted fields stay as they are."""

    duties = serializers.CharField(
        label=_("履职情况"), max_length=8000, allow_blank=True, required=False
    )
    highlights = serializers.CharField(
        label=_("特色亮点"), max_length=4000, allow_blank=True, required=False
    )
    problems = serializers.CharField(
        label=_("存在问题"), max_length=4000, allow_blank=True, required=False
    )
    plans = serializers.CharField(
        label=_("下一步打算"), max_length=4000, allow_blank=True, required=False
    )


class DutyGradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(label=_("评议等次"), choices=DutyReport.Grade.choices)
    comment = serializers.CharField(
        label=_("评议意见"), max_length=4000, required=False, allow_blank=True, default=""
    )


class DutyReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("退回原因"), max_length=4000)
