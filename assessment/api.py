"""/api/v1/ endpoints of the assessment app: the web's services and selectors behind JSON.

Who sees what comes from the same selectors as the web pages (an object outside the scope
is a 404 and never appears in a list or a count); who may change what is decided by the
same checks as the web views, and every change goes through the same service. Leaders and
read-only tokens read only.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api import (
    ERROR,
    STATE_ERRORS,
    WRITE_ERRORS,
    StateConflict,
    error_schema,
)
from config.parsers import ObjectJSONParser
from units.downloads import private_file
from units.models import CoordinationGroup, UnitCategory
from units.selectors import branches_visible_to, can_manage, scope_of, units_visible_to
from units.workflow import TransitionNotAllowed

from . import serializers as s
from .models import (
    AnnualPlan,
    Cycle,
    DutyReport,
    Evidence,
    Indicator,
    IndicatorSystem,
    Period,
    Problem,
    Rectification,
    Standard,
    Submission,
)
from .selectors import duty as duty_selectors
from .selectors import rectification as rectification_selectors
from .selectors import review as review_selectors
from .selectors import scores as score_selectors
from .selectors import submissions as submission_selectors
from .services import duty as duty_service
from .services import evidence as evidence_service
from .services import ledger as ledger_service
from .services import measures as measure_service
from .services import periods as period_service
from .services import rectification as rectification_service
from .services import review as review_service
from .services import submissions as submission_service
from .tasks import after_branch_submitted

# --- errors -------------------------------------------------------------------------------

NOT_GIVEN = object()


class Locked(exceptions.APIException):
    """The period or the item is in a state that does not allow the change; where the answer
    is documented with ``current``, the item as it is now (null when it does not exist)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "locked"
    default_detail = "当前状态不允许此操作。"

    def __init__(self, detail=None, *, current=NOT_GIVEN):
        super().__init__(detail)
        if current is not NOT_GIVEN:
            self.current = current


VERSION_CONFLICT = error_schema("VersionConflict", current=s.SubmissionSerializer(allow_null=True))
SUBMISSION_WRITE_ERRORS = {
    **WRITE_ERRORS,
    409: OpenApiResponse(
        VERSION_CONFLICT,
        description="code=version_conflict：他人已先保存，current 为当前内容；"
        "code=locked：节点未开放或此项不可修改",
    ),
}


def version_conflict(exc, request) -> Response:
    """409 with the item as it is now, so a client can merge and retry with its version."""
    return Response(
        {
            "error": {
                "status": 409,
                "code": "version_conflict",
                "message": str(exc),
                "fields": {},
                "current": s.SubmissionSerializer(exc.current, context={"request": request}).data,
            }
        },
        status=status.HTTP_409_CONFLICT,
    )


def submission_error(exc, request=None, submission=NOT_GIVEN):
    """Map a refused submission/review action to the API's error shape; the item it was
    refused on (or None) becomes the 409's ``current``."""
    if isinstance(exc, submission_service.PeriodLocked | submission_service.NotEditable):
        if submission is NOT_GIVEN:
            return Locked(str(exc))
        current = None
        if submission is not None:
            current = s.SubmissionSerializer(submission, context={"request": request}).data
        return Locked(str(exc), current=current)
    if getattr(exc, "field", None):  # InvalidNumber, InvalidInput
        return exceptions.ValidationError({exc.field: [str(exc)]})
    return exceptions.ValidationError(str(exc))


def _require(condition):
    if not condition:
        raise exceptions.PermissionDenied()


# --- plans, periods, indicator systems ------------------------------------------------------


def _sees_plans(user) -> bool:
    """Plans, cycles and indicator systems are read by committee staff and leaders, as on
    the web (assessment.views.plans.require_reader)."""
    return scope_of(user).sees_everything


def _has_role(user) -> bool:
    """Periods and items are read by everyone with a role: secretaries fill them in."""
    return scope_of(user).has_any_role


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CycleSerializer
    ordering_fields = ["start_year", "id"]
    ordering = ["-start_year"]
    filterset_fields = ["start_year"]

    def get_queryset(self):
        if not _sees_plans(self.request.user):
            return Cycle.objects.none()
        return Cycle.objects.all()


class PlanFilter(filters.FilterSet):
    class Meta:
        model = AnnualPlan
        fields = ["cycle", "year", "phase"]


class AnnualPlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AnnualPlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["year", "id"]
    ordering = ["year"]

    def get_queryset(self):
        if not _sees_plans(self.request.user):
            return AnnualPlan.objects.none()
        return AnnualPlan.objects.all()


class PeriodFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="plan__year")

    class Meta:
        model = Period
        fields = ["plan", "year", "kind", "status"]


def _period_transition_schema(name, description):
    return extend_schema(
        summary=description,
        request=s.ReasonSerializer if name == "reopen" else None,
        responses={200: s.PeriodSerializer, **STATE_ERRORS},
    )


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """考核节点. Committee staff move a period through assessment.services.periods."""

    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilter
    ordering_fields = ["opens_on", "deadline", "id"]
    ordering = ["opens_on", "id"]

    def get_queryset(self):
        if not _has_role(self.request.user):
            return Period.objects.none()
        return Period.objects.select_related("plan")

    def _transition(self, request, name):
        period = self.get_object()
        reason = ""
        if name == "reopen":
            # The service decides who may act first, then that a reason is given.
            body = s.ReasonSerializer(data=request.data)
            reason = body.validated_data["reason"] if body.is_valid() else ""
        try:
            period_service.perform(name, period, by=request.user, reason=reason)
        except period_service.ReasonRequired as exc:
            raise exceptions.ValidationError({"reason": [str(exc)]}) from exc
        except (TransitionNotAllowed, period_service.ScoringError) as exc:
            raise StateConflict(str(exc)) from exc
        period.refresh_from_db()
        return Response(self.get_serializer(period).data)

    @_period_transition_schema("open", "开放节点（锁定所用指标体系版本）")
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self._transition(request, "open")

    @_period_transition_schema("close", "截止节点")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(request, "close")

    @_period_transition_schema("publish", "发布节点结果")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(request, "publish")

    @_period_transition_schema("reopen", "重新开放已截止的节点（须写明原因）")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, "reopen")

    @extend_schema(
        summary="系统取数：立即按平台数据为本节点的系统取数项取数（机关工委）",
        request=None,
        responses={200: s.MeasureOutcomeSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def measure(self, request, pk=None):
        # The service decides who may (committee staff acting as such: no narrowed token).
        period = self.get_object()
        try:
            outcome = measure_service.record_measures(period, by=request.user)
        except submission_service.SubmissionError as exc:
            raise submission_error(exc, request) from exc
        return Response(
            s.MeasureOutcomeSerializer(
                {
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "kept": sorted(k.pk for k in outcome.kept),
                }
            ).data
        )

    @extend_schema(responses=s.PeriodTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        period = self.get_object()
        rows = period.transitions.select_related("by")
        return Response(s.PeriodTransitionSerializer(rows, many=True).data)

    @extend_schema(
        summary="一个支部在本节点的任务清单（同网页“本季度任务”）",
        parameters=[
            OpenApiParameter("branch", OpenApiTypes.INT, required=True, description="党支部 id")
        ],
        responses={200: s.BoardSerializer, 404: OpenApiResponse(ERROR)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def board(self, request, pk=None):
        period = self.get_object()
        branch_id = request.query_params.get("branch", "")
        if not branch_id.isdigit():
            raise exceptions.ValidationError({"branch": [_("请指定党支部。")]})
        branch = get_object_or_404(
            branches_visible_to(request.user).select_related("unit", "unit__category"),
            pk=int(branch_id),
        )
        board = submission_selectors.board(period, branch)
        data = {
            "period": period,
            "branch": branch,
            "total": board.total,
            "done": board.done,
            "percent": board.percent,
            "ready_to_submit": board.ready_to_submit,
            "items": [row for rows in board.groups.values() for row in rows],
        }
        return Response(s.BoardSerializer(data).data)


class SystemFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="plan__year")

    class Meta:
        model = IndicatorSystem
        fields = ["plan", "year", "version"]


class IndicatorSystemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.IndicatorSystemSerializer
    filterset_class = SystemFilter
    ordering_fields = ["version", "created_at", "id"]
    ordering = ["-plan__year", "-version"]

    def get_queryset(self):
        if not _sees_plans(self.request.user):
            return IndicatorSystem.objects.none()
        return IndicatorSystem.objects.select_related("plan")


class IndicatorFilter(filters.FilterSet):
    retired = filters.BooleanFilter(field_name="retired_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Indicator
        fields = ["system", "parent", "standard", "goal", "kind", "level", "frequency", "retired"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator items (指标), filterable by 六实 standard, 四个模范 goal and kind."""

    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    search_fields = ["code", "name"]
    ordering_fields = ["position", "code", "max_score", "id"]
    ordering = ["system", "position", "code"]

    def get_queryset(self):
        if not _has_role(self.request.user):
            return Indicator.objects.none()
        return Indicator.objects.prefetch_related("categories")


# --- evidence -----------------------------------------------------------------------------


class EvidenceFilter(filters.FilterSet):
    class Meta:
        model = Evidence
        fields = ["branch", "period", "unit", "content_type"]


@extend_schema_view(
    create=extend_schema(
        summary="上传一份佐证材料（multipart/form-data），按内容检查类型和大小",
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer, **WRITE_ERRORS},
    )
)
class EvidenceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.EvidenceSerializer
    filterset_class = EvidenceFilter
    ordering_fields = ["uploaded_at", "original_name", "size", "id"]
    ordering = ["-uploaded_at", "-id"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return submission_selectors.evidence_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        body = s.EvidenceUploadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        branch = body.validated_data["branch"]
        try:
            evidence = evidence_service.store_evidence(
                body.validated_data["file"],
                by=request.user,
                unit=branch.unit,
                branch=branch,
                period=body.validated_data["period"],
            )
        except evidence_service.EvidenceRejected as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载材料文件（仅限范围内）",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERROR},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = self.get_object()
        return private_file(
            evidence.file,
            filename=evidence_service.name_for_type(evidence.original_name, evidence.content_type),
            content_type=evidence.content_type,
        )


# --- submissions --------------------------------------------------------------------------


class SubmissionFilter(filters.FilterSet):
    standard = filters.ChoiceFilter(
        field_name="indicator__standard", choices=Indicator._meta.get_field("standard").choices
    )
    goal = filters.ChoiceFilter(
        field_name="indicator__goal", choices=Indicator._meta.get_field("goal").choices
    )

    class Meta:
        model = Submission
        fields = ["period", "branch", "unit", "indicator", "status", "is_late", "standard", "goal"]


@extend_schema_view(
    create=extend_schema(
        summary="保存草稿（新建或修改一个指标项；version 为读取时的版本，新建为 0）",
        request=s.DraftCreateSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改草稿或被退回的项",
        request=s.DraftFieldsSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    ),
)
class SubmissionViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """报送材料: a branch's evidence per item and period, written by the branch secretary
    through assessment.services.submissions exactly as on the web."""

    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ["submitted_at", "updated_at", "id", "indicator__code"]
    ordering = ["period", "indicator__position", "indicator__code", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            submission_selectors.submissions_visible_to(self.request.user)
            .select_related("indicator", "period__plan", "branch__unit__category")
            .prefetch_related("evidence")
        )

    def _respond(self, submission, code=status.HTTP_200_OK):
        submission = self.get_queryset().get(pk=submission.pk)
        return Response(self.get_serializer(submission).data, status=code)

    def _save(self, request, period, branch, indicator, body, add=()):
        evidence = body.validated_data.get("evidence")
        try:
            return submission_service.save_draft(
                period,
                branch,
                indicator,
                by=request.user,
                read_version=body.validated_data["version"],
                data=body.draft_data(),
                evidence=evidence,
                add=add,
            )
        except submission_service.VersionConflict:
            raise
        except submission_service.SubmissionError as exc:
            current = (
                self.get_queryset()
                .filter(period=period, branch=branch, indicator=indicator)
                .first()
            )
            raise submission_error(exc, request, current) from exc

    def create(self, request, *args, **kwargs):
        body = s.DraftCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            saved = self._save(request, data["period"], data["branch"], data["indicator"], body)
        except submission_service.VersionConflict as exc:
            return version_conflict(exc, request)
        return self._respond(saved)

    def partial_update(self, request, *args, **kwargs):
        submission = self.get_object()
        body = s.DraftFieldsSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            saved = self._save(
                request, submission.period, submission.branch, submission.indicator, body
            )
        except submission_service.VersionConflict as exc:
            return version_conflict(exc, request)
        return self._respond(saved)

    def update(self, request, *args, **kwargs):  # PUT is not offered
        raise exceptions.MethodNotAllowed(request.method)

    @extend_schema(
        summary="上传材料并关联到此项（multipart/form-data，files 可多个）",
        request={"multipart/form-data": s.AttachSerializer},
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attach(self, request, pk=None):
        submission = self.get_object()
        data = {"version": request.data.get("version"), "files": request.FILES.getlist("files")}
        body = s.AttachSerializer(data=data)
        body.is_valid(raise_exception=True)
        uploads = body.validated_data["files"]
        # Check every file first: nothing is stored when one of them is refused.
        problems = []
        for upload in uploads:
            try:
                evidence_service.check_upload(upload)
            except evidence_service.EvidenceRejected as exc:
                problems.append(str(exc))
        if problems:
            raise exceptions.ValidationError({"files": problems})
        try:
            # A period no longer open answers as every other write to the item does (409).
            submission_service.ensure_open(submission.period)
        except submission_service.SubmissionError as exc:
            raise submission_error(exc, request, submission) from exc
        try:
            stored = [
                evidence_service.store_evidence(
                    upload,
                    by=request.user,
                    unit=submission.branch.unit,
                    branch=submission.branch,
                    period=submission.period,
                )
                for upload in uploads
            ]
        except evidence_service.EvidenceRejected as exc:
            raise exceptions.ValidationError({"files": [str(exc)]}) from exc
        return self._add_evidence(request, submission, stored, body.validated_data["version"])

    @extend_schema(
        summary="关联已上传的材料（同一份材料可关联多个指标项）",
        request=s.LinkSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        submission = self.get_object()
        body = s.LinkSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        evidence = body.validated_data["evidence"]
        return self._add_evidence(request, submission, evidence, body.validated_data["version"])

    def _add_evidence(self, request, submission, evidence, read_version):
        """Link files to the item's draft through the same service as the web form."""
        try:
            saved = submission_service.save_draft(
                submission.period,
                submission.branch,
                submission.indicator,
                by=request.user,
                read_version=read_version,
                data={},
                add=evidence,
            )
        except submission_service.VersionConflict as exc:
            return version_conflict(exc, request)
        except submission_service.SubmissionError as exc:
            raise submission_error(exc, request, submission) from exc
        return self._respond(saved)

    @extend_schema(
        summary="提交（同网页“提交”按钮：完成的项全部提交，未完成的项列出缺什么）",
        request=s.SubmitSerializer,
        responses={200: s.SubmitOutcomeSerializer, **STATE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def submit(self, request):
        body = s.SubmitSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        period, branch = body.validated_data["period"], body.validated_data["branch"]
        try:
            outcome = submission_service.submit_branch(period, branch, by=request.user)
        except submission_service.SubmissionError as exc:
            raise submission_error(exc) from exc
        if outcome.submitted:
            after_branch_submitted(period.pk, branch.pk)
        submitted = self.get_queryset().filter(pk__in=[x.pk for x in outcome.submitted])
        return Response(
            s.SubmitOutcomeSerializer(
                {
                    "submitted": submitted,
                    "incomplete": [
                        {
                            "indicator": item.pk,
                            "code": item.code,
                            "name": item.name,
                            "problems": [str(p) for p in problems],
                        }
                        for item, problems in outcome.incomplete
                    ],
                    "late": outcome.late,
                }
            ).data
        )

    @extend_schema(
        summary="单位管理员审核（年度计划要求先经单位审核时）",
        request=s.VersionSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="unit-check")
    def unit_check(self, request, pk=None):
        submission = self.get_object()
        body = s.VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = submission_service.unit_check(
                submission, by=request.user, read_version=body.validated_data["version"]
            )
        except submission_service.VersionConflict as exc:
            return version_conflict(exc, request)
        except submission_service.SubmissionError as exc:
            raise submission_error(exc, request, submission) from exc
        return self._respond(saved)

    @extend_schema(
        summary="对此项发表意见（单位管理员、机关工委），记入此项记录",
        request=s.CommentSerializer,
        responses={201: s.SubmissionEventSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        submission = self.get_object()
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            event = submission_service.comment(
                submission, by=request.user, text=body.validated_data["text"]
            )
        except submission_service.SubmissionError as exc:
            raise submission_error(exc, request, submission) from exc
        return Response(s.SubmissionEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.SubmissionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        submission = self.get_object()
        events = submission_selectors.history(submission)
        return Response(s.SubmissionEventSerializer(events, many=True).data)


# --- review -------------------------------------------------------------------------------


class ReviewFilter(filters.FilterSet):
    """The review queue's filters; status "awaiting" (the default) is what awaits the
    user: the committee's review, or a unit administrator's check."""

    STATUS_CHOICES = [(review_selectors.AWAITING, "待审核"), *Submission.Status.choices]

    status = filters.ChoiceFilter(choices=STATUS_CHOICES, method="by_status", empty_label=None)
    standard = filters.ChoiceFilter(
        field_name="indicator__standard", choices=Indicator._meta.get_field("standard").choices
    )
    goal = filters.ChoiceFilter(
        field_name="indicator__goal", choices=Indicator._meta.get_field("goal").choices
    )
    category = filters.ModelChoiceFilter(
        field_name="unit__category", queryset=UnitCategory.objects.all()
    )

    class Meta:
        model = Submission
        fields = ["period", "unit", "branch", "category", "standard", "goal", "status"]

    def by_status(self, queryset, name, value):
        return queryset  # applied by the selector in ReviewViewSet.get_queryset


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """审核: the committee's review queue (assessment.selectors.review) and its actions
    (assessment.services.review). A unit administrator sees the items awaiting the unit's
    check and may return them."""

    serializer_class = s.SubmissionSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["submitted_at", "id"]
    ordering = ["submitted_at", "id"]

    def get_queryset(self):
        user = self.request.user
        scope = scope_of(user)
        if not (scope.sees_everything or scope.is_unit_admin):
            return Submission.objects.none()
        wanted = self.request.query_params.get("status", review_selectors.AWAITING)
        valid = {review_selectors.AWAITING, *Submission.Status.values}
        if self.action != "list":
            wanted = ""  # an item stays reachable after it has been reviewed
        elif wanted not in valid:
            wanted = review_selectors.AWAITING  # the filter set reports the bad value
        return review_selectors.review_queue(user, status=wanted).prefetch_related("evidence")

    def _act(self, request, submission, call):
        try:
            call(submission)
        except submission_service.VersionConflict as exc:
            return version_conflict(exc, request)
        except submission_service.SubmissionError as exc:
            raise submission_error(exc, request, submission) from exc
        submission = submission_selectors.submission_detail(request.user, submission.pk).get()
        return Response(s.SubmissionSerializer(submission).data)

    @extend_schema(
        summary="通过并评分（评档项给 grade，其余给 score；不给时按规则或自评分）",
        request=s.AcceptSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        body = s.AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._act(
            request,
            self.get_object(),
            lambda submission: review_service.accept(
                submission,
                by=request.user,
                read_version=data["version"],
                grade=data.get("grade", ""),
                score=data.get("score"),
                comment=data.get("comment", ""),
            ),
        )

    @extend_schema(
        summary="修正系统取数（须写明原因；修正后仍须通过）",
        request=s.OverrideSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        submission = self.get_object()
        body = s.OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._act(
            request,
            submission,
            lambda submission: measure_service.override_measured(
                submission,
                by=request.user,
                read_version=data["version"],
                value=data["value"],
                reason=data["reason"],
            ),
        )

    @extend_schema(
        summary="退回支部（须写明原因）",
        request=s.ReturnSerializer,
        responses={200: s.SubmissionSerializer, **SUBMISSION_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        submission = self.get_object()
        body = s.ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._act(
            request,
            submission,
            lambda submission: review_service.return_submission(
                submission, by=request.user, read_version=data["version"], reason=data["reason"]
            ),
        )


# --- rectification ------------------------------------------------------------------------


class RectificationFilter(filters.FilterSet):
    class Meta:
        model = Rectification
        fields = ["plan", "unit", "branch", "status"]


ANSWERABLE = {Rectification.Status.ISSUED, Rectification.Status.SENT_BACK}


@extend_schema_view(
    create=extend_schema(
        summary="下发整改通知（机关工委）",
        request=s.RectificationIssueSerializer,
        responses={201: s.RectificationSerializer, **WRITE_ERRORS},
    )
)
class RectificationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """整改通知 and 整改反馈: issued by the committee, answered by the unit administrator,
    verified or sent back by the committee (assessment.services.rectification)."""

    serializer_class = s.RectificationSerializer
    filterset_class = RectificationFilter
    ordering_fields = ["deadline", "issued_at", "id"]
    ordering = ["deadline", "id"]
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return rectification_selectors.rectifications_visible_to(
            self.request.user
        ).prefetch_related("evidence", "indicators")

    def _respond(self, notice, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data, code)

    def create(self, request, *args, **kwargs):
        _require(can_manage(request.user))
        body = s.RectificationIssueSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            notice = rectification_service.issue(by=request.user, **body.validated_data)
        except ledger_service.LedgerPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except rectification_service.RectificationError as exc:
            raise exceptions.ValidationError({exc.field or "detail": [str(exc)]}) from exc
        return self._respond(notice, status.HTTP_201_CREATED)

    @extend_schema(
        summary="填写整改反馈（单位管理员；可附 files，multipart/form-data）",
        request={
            "application/json": s.RectificationAnswerSerializer,
            "multipart/form-data": s.RectificationAnswerSerializer,
        },
        responses={200: s.RectificationSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        notice = self.get_object()
        _require(notice.unit_id in scope_of(request.user).unit_ids)
        data = {"measures": request.data.get("measures", "")}
        if request.FILES:
            data["files"] = request.FILES.getlist("files")
        body = s.RectificationAnswerSerializer(data=data)
        body.is_valid(raise_exception=True)
        if notice.status not in ANSWERABLE:
            raise StateConflict(
                _("此通知%(status)s，不能再填写反馈。") % {"status": notice.get_status_display()}
            )
        uploads = body.validated_data["files"]
        problems = []
        for upload in uploads:
            try:
                evidence_service.check_upload(upload)
            except evidence_service.EvidenceRejected as exc:
                problems.append(str(exc))
        if problems:
            raise exceptions.ValidationError({"files": problems})
        try:
            with transaction.atomic():
                stored = [
                    evidence_service.store_evidence(
                        upload, by=request.user, unit=notice.unit, branch=notice.branch
                    )
                    for upload in uploads
                ]
                rectification_service.answer(
                    notice,
                    by=request.user,
                    measures=body.validated_data["measures"],
                    evidence=stored,
                )
        except ledger_service.LedgerPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except rectification_service.RectificationError as exc:
            raise exceptions.ValidationError({"measures": [str(exc)]}) from exc
        except TransitionNotAllowed as exc:
            raise StateConflict(str(exc)) from exc
        return self._respond(notice)

    def _decide(self, request, call):
        _require(can_manage(request.user))
        notice = self.get_object()
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            call(notice, body.validated_data["comment"])
        except ledger_service.LedgerPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except rectification_service.RectificationError as exc:
            raise exceptions.ValidationError({"comment": [str(exc)]}) from exc
        except TransitionNotAllowed as exc:
            raise StateConflict(str(exc)) from exc
        return self._respond(notice)

    @extend_schema(
        summary="核验销号（机关工委）",
        request=s.DecisionSerializer,
        responses={200: s.RectificationSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._decide(
            request,
            lambda notice, comment: rectification_service.verify(
                notice, by=request.user, comment=comment
            ),
        )

    @extend_schema(
        summary="退回重改（机关工委，须写明还需整改的内容）",
        request=s.DecisionSerializer,
        responses={200: s.RectificationSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._decide(
            request,
            lambda notice, comment: rectification_service.send_back(
                notice, by=request.user, reason=comment
            ),
        )

    @extend_schema(responses=s.RectificationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        notice = self.get_object()
        rows = notice.events.select_related("by")
        return Response(s.RectificationEventSerializer(rows, many=True).data)


# --- 述职评议 -------------------------------------------------------------------------------


class DutyReportFilter(filters.FilterSet):
    class Meta:
        model = DutyReport
        fields = ["year", "author_kind", "unit", "branch", "status", "grade"]


@extend_schema_view(
    list=extend_schema(summary="述职报告列表（在您的范围内）"),
    retrieve=extend_schema(summary="述职报告详情（含平台生成的年度数据 figures）"),
    partial_update=extend_schema(
        summary="修改述职报告文字（述职人本人；草稿或已退回时）",
        request=s.DutyTextSerializer,
        responses={200: s.DutyReportSerializer, **STATE_ERRORS},
    ),
)
class DutyReportViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """述职评议: the platform drafts each 党组书记's and branch secretary's yearly report, the
    author edits and submits it, committee staff grade it 好 / 较好 / 一般 / 差 or return it
    (assessment.services.duty; the same checks as the web pages)."""

    serializer_class = s.DutyReportSerializer
    filterset_class = DutyReportFilter
    ordering_fields = ["year", "id", "updated_at"]
    ordering = ["-year", "id"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return duty_selectors.duty_reports_visible_to(self.request.user)

    def _respond(self, report):
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    def _call(self, call, field="non_field_errors"):
        try:
            return self._respond(call())
        except duty_service.NotAllowed as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except duty_service.Locked as exc:
            raise StateConflict(str(exc)) from exc
        except duty_service.DutyError as exc:
            raise exceptions.ValidationError({field: [str(exc)]}) from exc

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        body = s.DutyTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._call(
            lambda: duty_service.edit_draft(report, by=request.user, data=body.validated_data)
        )

    @extend_schema(
        summary="提交述职报告（述职人本人）",
        request=None,
        responses={200: s.DutyReportSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        return self._call(lambda: duty_service.submit(report, by=request.user), "duties")

    @extend_schema(
        summary="评议述职报告：好 / 较好 / 一般 / 差（机关工委；一般、差须写意见）",
        request=s.DutyGradeSerializer,
        responses={200: s.DutyReportSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        report = self.get_object()
        body = s.DutyGradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._call(
            lambda: duty_service.grade(report, by=request.user, **body.validated_data),
            "comment",
        )

    @extend_schema(
        summary="退回述职报告（机关工委，须写明原因）",
        request=s.DutyReturnSerializer,
        responses={200: s.DutyReportSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        report = self.get_object()
        body = s.DutyReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._call(
            lambda: duty_service.return_report(
                report, by=request.user, reason=body.validated_data["reason"]
            ),
            "reason",
        )


# --- the problem ledger -------------------------------------------------------------------


class ProblemFilter(filters.FilterSet):
    standard = filters.ChoiceFilter(
        choices=Standard.choices, method="filter_standard", label="六实标准"
    )
    found_from = filters.DateFilter(field_name="found_on", lookup_expr="gte")
    found_to = filters.DateFilter(field_name="found_on", lookup_expr="lte")

    class Meta:
        model = Problem
        fields = ["unit", "branch", "notice", "source", "severity", "status"]

    def filter_standard(self, queryset, name, value):
        return rectification_selectors.filter_problems(queryset, standard=value)


def _ledger_call(call):
    """A ledger service's refusal as the API's errors."""
    try:
        return call()
    except ledger_service.LedgerPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except ledger_service.LedgerError as exc:
        raise exceptions.ValidationError({exc.field or "detail": [str(exc)]}) from exc
    except TransitionNotAllowed as exc:
        raise StateConflict(str(exc)) from exc


@extend_schema_view(
    create=extend_schema(
        summary="登记问题（机关工委任意来源；单位管理员仅自查发现）",
        request=s.ProblemRaiseSerializer,
        responses={201: s.ProblemSerializer, **WRITE_ERRORS},
    )
)
class ProblemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """整改台账: problems from every source (assessment.services.ledger). A unit sees and
    answers only its own; the committee verifies, sends back or reopens."""

    serializer_class = s.ProblemSerializer
    filterset_class = ProblemFilter
    search_fields = ["description"]
    ordering_fields = ["deadline", "found_on", "id"]
    ordering = ["deadline", "id"]

    def get_queryset(self):
        return rectification_selectors.problems_visible_to(self.request.user).prefetch_related(
            "indicators", "evidence", "measures"
        )

    def _respond(self, problem, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=problem.pk)).data, code)

    def create(self, request, *args, **kwargs):
        body = s.ProblemRaiseSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        problem = _ledger_call(lambda: ledger_service.raise_problem(request.user, **data))
        return self._respond(problem, status.HTTP_201_CREATED)

    @extend_schema(
        summary="整改台账统计（整改问题、整改措施、已销号、逾期、整改率；按来源、标准、单位、协作组）",
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="发现日期起"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="发现日期止"),
        ],
        responses=s.LedgerReportSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        dates = s.DateRangeSerializer(data=request.query_params)
        dates.is_valid(raise_exception=True)
        problems = self.filter_queryset(rectification_selectors.problems_visible_to(request.user))
        report = rectification_selectors.ledger_report(
            problems, dates.validated_data.get("date_from"), dates.validated_data.get("date_to")
        )
        return Response(s.LedgerReportSerializer(report).data)

    @extend_schema(
        summary="填写整改反馈单（本单位管理员）",
        request=s.ProblemAnswerSerializer,
        responses={200: s.ProblemSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        problem = self.get_object()
        body = s.ProblemAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _ledger_call(
            lambda: ledger_service.answer(
                problem, by=request.user, text=body.validated_data["answer"]
            )
        )
        return self._respond(problem)

    def _decide(self, request, call):
        problem = self.get_object()
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _ledger_call(lambda: call(problem, body.validated_data["comment"]))
        return self._respond(problem)

    @extend_schema(
        summary="核验销号（机关工委）",
        request=s.DecisionSerializer,
        responses={200: s.ProblemSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._decide(
            request, lambda p, comment: ledger_service.verify(p, by=request.user, comment=comment)
        )

    @extend_schema(
        summary="退回重改（机关工委，须写明还需整改的内容）",
        request=s.DecisionSerializer,
        responses={200: s.ProblemSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._decide(
            request, lambda p, comment: ledger_service.send_back(p, by=request.user, reason=comment)
        )

    @extend_schema(
        summary="问题复发，重新整改（机关工委，须写明复发情况）",
        request=s.DecisionSerializer,
        responses={200: s.ProblemSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._decide(
            request, lambda p, comment: ledger_service.reopen(p, by=request.user, reason=comment)
        )

    @extend_schema(
        summary="整改措施标记完成并上传佐证材料（本单位管理员；JSON 或 multipart/form-data）",
        request={
            "application/json": s.MeasureDoneSerializer,
            "multipart/form-data": s.MeasureDoneSerializer,
        },
        responses={200: s.MeasureSerializer, **STATE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="measure-done",
        parser_classes=[ObjectJSONParser, MultiPartParser, FormParser],
    )
    def measure_done(self, request, pk=None):
        problem = self.get_object()
        data = {k: request.data.get(k) for k in ("measure", "done_on")}
        if request.FILES:
            data["files"] = request.FILES.getlist("files")
        body = s.MeasureDoneSerializer(data=data)
        body.is_valid(raise_exception=True)
        measure = get_object_or_404(problem.measures.all(), pk=body.validated_data["measure"])
        uploads = body.validated_data.get("files", [])

        def call():
            with transaction.atomic():
                stored = [
                    evidence_service.store_evidence(u, by=request.user, unit=measure.unit)
                    for u in uploads
                ]
                return ledger_service.complete_measure(
                    measure,
                    by=request.user,
                    done_on=body.validated_data["done_on"],
                    evidence=stored,
                )

        try:
            measure = _ledger_call(call)
        except evidence_service.EvidenceRejected as exc:
            raise exceptions.ValidationError({"files": [str(exc)]}) from exc
        return Response(s.MeasureSerializer(measure).data)

    @extend_schema(responses=s.ProblemEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        problem = self.get_object()
        rows = problem.events.select_related("by")
        return Response(s.ProblemEventSerializer(rows, many=True).data)


# --- scores and rankings ------------------------------------------------------------------


class ScoreQuerySerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(
        queryset=Period.objects.all(), required=False, help_text="考核节点；默认为最近有得分的节点"
    )
    level = serializers.ChoiceField(choices=["unit", "branch"], default="unit")
    category = serializers.PrimaryKeyRelatedField(
        queryset=UnitCategory.objects.all(), required=False
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=CoordinationGroup.objects.all(), required=False
    )
    unit = serializers.IntegerField(required=False, min_value=1)
    revision = serializers.IntegerField(
        required=False, min_value=1, max_value=32767, help_text="已发布结果的版次；默认最新"
    )
    ordering = serializers.ChoiceField(
        choices=["rank", "-rank", "total", "-total", "name", "-name"], default="rank"
    )


SCORE_SORT = {
    "rank": lambda r: (r.rank is None, r.rank or 0, r.unit_name, r.branch_name),
    "total": lambda r: (r.total, r.unit_name, r.branch_name),
    "name": lambda r: (r.unit_name, r.branch_name),
}


@extend_schema_view(
    list=extend_schema(
        summary="得分与排名（已发布节点取发布版本，否则为实时得分）",
        parameters=[ScoreQuerySerializer],
    )
)
class ScoreViewSet(viewsets.GenericViewSet):
    """得分与排名, read from assessment.selectors.scores and narrowed to the units and
    branches the user may see."""

    serializer_class = s.ScoreRowSerializer
    filter_backends = []

    def get_queryset(self):  # pragma: no cover - rows come from the selector
        return Period.objects.none()

    def list(self, request):
        query = ScoreQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = request.user
        scope = scope_of(user)
        rows = []
        period = params.get("period") or score_selectors.default_period()
        if scope.has_any_role and period is not None:
            category, group = params.get("category"), params.get("group")
            if params["level"] == "branch":
                branch_ids = (
                    None
                    if scope.sees_everything
                    else list(branches_visible_to(user).values_list("pk", flat=True))
                )
                rows = score_selectors.branch_scores(
                    period, branch_ids=branch_ids, revision=params.get("revision")
                )
                if category:
                    rows = [r for r in rows if r.category_id == category.pk]
                if group:
                    rows = [r for r in rows if r.group_id == group.pk]
            else:
                unit_ids = (
                    None
                    if scope.sees_everything
                    else list(units_visible_to(user).values_list("pk", flat=True))
                )
                rows = score_selectors.period_ranking(
                    period,
                    category=category,
                    group=group,
                    unit_ids=unit_ids,
                    revision=params.get("revision"),
                )
            if params.get("unit"):
                rows = [r for r in rows if r.unit_id == params["unit"]]
        ordering = params["ordering"]
        rows = sorted(rows, key=SCORE_SORT[ordering.lstrip("-")], reverse=ordering[0] == "-")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
