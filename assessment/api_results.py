"""/api/v1/ endpoints for 结果运用 and 后进转化, on the same selectors and services as the
pages: ``results/`` (committee staff and leaders read the uses of a published annual
result) and ``turnarounds/`` (follow-ups: read in scope; open and close by committee staff,
progress by the unit's administrator; narrowed and read-only tokens bind in the services).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import ERROR, STATE_ERRORS, WRITE_ERRORS, StateConflict
from units.models import Branch, Unit
from units.selectors import branches_visible_to, units_visible_to
from units.workflow import TransitionNotAllowed

from .models import Period, Turnaround, TurnaroundAction
from .selectors import results_use
from .selectors import turnaround as turnaround_selectors
from .serializers import ScopedPrimaryKeyRelatedField
from .services import turnaround as turnaround_service


def _decimal(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=2, **kwargs)


# --- 结果运用 ----------------------------------------------------------------------------


class PublicationSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="plan.year")
    period = serializers.IntegerField(source="period.pk")
    revision = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    produced_at = serializers.DateTimeField()


class ResultYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    period = serializers.IntegerField()


class UnitResultSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    category_name = serializers.CharField()
    group_name = serializers.CharField()
    total = _decimal()
    rank = serializers.IntegerField(allow_null=True)
    category_rank = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()
    grade_label = serializers.CharField()
    vetoed = serializers.BooleanField()


class AwardRowSerializer(serializers.Serializer):
    result = UnitResultSerializer(source="row")
    candidate = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    negative_entries = serializers.IntegerField()
    overdue_problems = serializers.IntegerField()


class RedFlagSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="row.branch_id")
    branch_name = serializers.CharField(source="row.branch_name")
    unit_name = serializers.CharField(source="row.unit_name")
    quarters = serializers.IntegerField()
    total = _decimal(source="row.total")


class AwardsSerializer(serializers.Serializer):
    publication = PublicationSerializer(source="result")
    units = AwardRowSerializer(source="rows", many=True)
    red_flag_branches = RedFlagSerializer(source="red_flags", many=True)


class GradeGroupSerializer(serializers.Serializer):
    grade = serializers.CharField()
    label = serializers.CharField()
    units = UnitResultSerializer(source="rows", many=True)


class RewardsSerializer(serializers.Serializer):
    publication = PublicationSerializer()
    grades = GradeGroupSerializer(many=True)


class CadreRowSerializer(serializers.Serializer):
    result = UnitResultSerializer(source="row")
    duty_grade = serializers.CharField(allow_null=True, help_text="述职评议等次；没有时为 null")
    open_problems = serializers.IntegerField(source="problems.open")
    overdue_problems = serializers.IntegerField(source="problems.overdue")


class CadresSerializer(serializers.Serializer):
    publication = PublicationSerializer()
    units = CadreRowSerializer(many=True)


NOT_PUBLISHED = {404: OpenApiResponse(ERROR, description="该年度的年度考核结果尚未发布")}


class ResultsUseViewSet(viewsets.GenericViewSet):
    """结果运用 of a year whose annual result is published (committee staff and leaders)."""

    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filter_backends = []
    pagination_class = None
    serializer_class = ResultYearSerializer

    def get_queryset(self):  # pragma: no cover - rows come from the selectors
        return Period.objects.none()

    def _result(self, year):
        if not results_use.may_view(self.request.user):
            raise exceptions.PermissionDenied()
        result = results_use.published_result(int(year))
        if result is None:
            raise exceptions.NotFound(_("该年度的年度考核结果尚未发布。"))
        return result

    @extend_schema(summary="已发布年度考核结果的年度", responses=ResultYearSerializer(many=True))
    def list(self, request):
        if not results_use.may_view(request.user):
            raise exceptions.PermissionDenied()
        years = [{"year": y, "period": p.pk} for y, p in results_use.published_years()]
        return Response(ResultYearSerializer(years, many=True).data)

    @extend_schema(
        summary="评先评优候选名单与不列入原因", responses={200: AwardsSerializer, **NOT_PUBLISHED}
    )
    @action(detail=True, methods=["get"])
    def awards(self, request, year=None):
        return Response(AwardsSerializer(results_use.awards(self._result(year))).data)

    @extend_schema(
        summary="绩效奖励：按等次分组的单位", responses={200: RewardsSerializer, **NOT_PUBLISHED}
    )
    @action(detail=True, methods=["get"])
    def rewards(self, request, year=None):
        result = self._result(year)
        data = {"publication": result, "grades": results_use.rewards(result)}
        return Response(RewardsSerializer(data).data)

    @extend_schema(summary="干部考核参考", responses={200: CadresSerializer, **NOT_PUBLISHED})
    @action(detail=True, methods=["get"])
    def cadres(self, request, year=None):
        result = self._result(year)
        data = {"publication": result, "units": results_use.cadre_reference(result)}
        return Response(CadresSerializer(data).data)


# --- 后进转化 ----------------------------------------------------------------------------


class TurnaroundActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TurnaroundAction
        fields = ["id", "description", "deadline", "done_on", "progress"]
        read_only_fields = fields


class TrackStepSerializer(serializers.Serializer):
    period = serializers.IntegerField(source="period.pk")
    period_label = serializers.CharField(source="period.__str__")
    label = serializers.CharField(help_text="支部类别或单位等次；没有得分时为空")
    lagging = serializers.BooleanField(allow_null=True)


class TurnaroundSerializer(serializers.ModelSerializer):
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    actions = TurnaroundActionSerializer(many=True, read_only=True)
    outcome = serializers.SerializerMethodField(
        help_text="converted 已转化 / lagging 两期内未转化 / pending 待观察"
    )
    track = serializers.SerializerMethodField()

    class Meta:
        model = Turnaround
        fields = [
            "id",
            "period",
            "unit",
            "branch",
            "reason",
            "reason_label",
            "status",
            "status_label",
            "talk_on",
            "participants",
            "agreed",
            "actions",
            "closing_note",
            "created_at",
            "closed_at",
            "outcome",
            "track",
        ]
        read_only_fields = fields

    def _tracked(self, obj):
        tracked = self.context.get("tracked")
        if tracked is None or obj.pk not in tracked:
            tracked = {t.turnaround.pk: t for t in turnaround_selectors.track([obj])}
        return tracked.get(obj.pk)

    @extend_schema_field(serializers.ChoiceField(choices=["converted", "lagging", "pending"]))
    def get_outcome(self, obj) -> str:
        return self._tracked(obj).outcome

    @extend_schema_field(TrackStepSerializer(many=True))
    def get_track(self, obj):
        return TrackStepSerializer(self._tracked(obj).steps, many=True).data


class PlanStepSerializer(serializers.Serializer):
    description = serializers.CharField(label=_("计划事项"), max_length=300)
    deadline = serializers.DateField(label=_("完成期限"))


class TurnaroundOpenSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=Period.objects.all())
    unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all(), scoped=units_visible_to)
    branch = ScopedPrimaryKeyRelatedField(
        queryset=Branch.objects.all(),
        scoped=branches_visible_to,
        required=False,
        allow_null=True,
        default=None,
    )
    talk_on = serializers.DateField(label=_("约谈日期"))
    participants = serializers.CharField(label=_("参加约谈人员"), max_length=1000)
    agreed = serializers.CharField(label=_("约谈商定事项"), max_length=5000)
    actions = PlanStepSerializer(many=True, max_length=turnaround_service.MAX_ACTIONS)


class ProgressSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("进展情况"), max_length=2000)
    done = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=turnaround_service.MAX_ACTIONS,
        help_text="今天完成的计划事项 id",
    )


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("结束说明"), max_length=2000)


class ConversionSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    converted = serializers.IntegerField()
    still_lagging = serializers.IntegerField()
    pending = serializers.IntegerField()
    decided = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class ConversionFiguresSerializer(serializers.Serializer):
    window = serializers.IntegerField(help_text="几个季度内脱离后进算作转化")
    branches = ConversionSerializer()
    units = ConversionSerializer()


def _refused(exc, default_field="non_field_errors"):
    return exceptions.ValidationError({exc.field or default_field: [str(exc)]})


@extend_schema_view(
    create=extend_schema(
        summary="建立后进转化跟踪（机关工委：约谈与转化计划）",
        request=TurnaroundOpenSerializer,
        responses={201: TurnaroundSerializer, **WRITE_ERRORS},
    )
)
class TurnaroundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """后进转化跟踪 (assessment.services.turnaround): committee staff open and close, the
    unit's administrator reports progress; each follow-up's track over the following
    quarters comes from the scores."""

    serializer_class = TurnaroundSerializer
    filterset_fields = ["period", "unit", "branch", "reason", "status"]
    ordering_fields = ["talk_on", "id"]
    ordering = ["-talk_on", "id"]

    def get_queryset(self):
        return turnaround_selectors.turnarounds_visible_to(self.request.user).prefetch_related(
            "actions"
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        tracked = {t.turnaround.pk: t for t in turnaround_selectors.track(page)}
        data = self.get_serializer(page, many=True, context={"tracked": tracked}).data
        return self.get_paginated_response(data)

    def get_serializer(self, *args, context=None, **kwargs):
        kwargs["context"] = {**self.get_serializer_context(), **(context or {})}
        return self.serializer_class(*args, **kwargs)

    def _respond(self, turnaround, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=turnaround.pk)).data, code)

    def create(self, request, *args, **kwargs):
        if not turnaround_selectors.may_open(request.user):
            raise exceptions.PermissionDenied()
        body = TurnaroundOpenSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            turnaround = turnaround_service.open_turnaround(
                by=request.user,
                period=data["period"],
                unit=data["unit"],
                branch=data["branch"],
                talk_on=data["talk_on"],
                participants=data["participants"],
                agreed=data["agreed"],
                actions=[(a["description"], a["deadline"]) for a in data["actions"]],
            )
        except turnaround_service.TurnaroundError as exc:
            raise _refused(exc) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        return self._respond(turnaround, status.HTTP_201_CREATED)

    @extend_schema(
        summary="记录进展（单位管理员）",
        request=ProgressSerializer,
        responses={200: TurnaroundSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        turnaround = self.get_object()
        body = ProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            turnaround_service.record_progress(
                turnaround,
                by=request.user,
                note=body.validated_data["note"],
                done=body.validated_data["done"],
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        except turnaround_service.TurnaroundError as exc:
            raise _refused(exc) from exc
        except TransitionNotAllowed as exc:
            raise StateConflict(str(exc)) from exc
        return self._respond(turnaround)

    @extend_schema(
        summary="结束跟踪（机关工委）",
        request=CloseSerializer,
        responses={200: TurnaroundSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        turnaround = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            turnaround_service.close_turnaround(
                turnaround, by=request.user, note=body.validated_data["note"]
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        except turnaround_service.TurnaroundError as exc:
            raise _refused(exc) from exc
        except TransitionNotAllowed as exc:
            raise StateConflict(str(exc)) from exc
        return self._respond(turnaround)

    @extend_schema(summary="后进转化率", responses=ConversionFiguresSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def conversion(self, request):
        if not turnaround_selectors.may_view(request.user):
            raise exceptions.PermissionDenied()
        overview = turnaround_selectors.overview(request.user)
        return Response(ConversionFiguresSerializer(overview).data)
