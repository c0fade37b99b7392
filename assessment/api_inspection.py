"""/api/v1/ endpoints of joint inspection (联检联评): rounds, assignments with the
inspector's own score, verdicts and arbitration, agreement figures.

Rounds and verdicts are committee staff's; an inspector's assignments come from the same
selector as the web worklist (own items of open rounds only, 404 otherwise). Every change
goes through assessment.services.inspection, which checks the actor.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import STATE_ERRORS, WRITE_ERRORS, StateConflict
from units.models import Unit, User
from units.selectors import can_manage
from units.workflow import TransitionNotAllowed

from .models import (
    InspectionAssignment,
    InspectionRound,
    InspectionVerdict,
    InspectorScore,
    Period,
    Standard,
)
from .selectors import inspection as selectors
from .services import inspection as service

# --- serializers ----------------------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = InspectionRound
        fields = [
            "id",
            "name",
            "period",
            "status",
            "units",
            "inspectors_per_item",
            "rule",
            "tolerance",
            "item_selection",
            "sample_share",
            "sample_count",
            "standards",
            "agreed_rule",
            "moderation",
            "seed",
            "created_at",
        ]
        read_only_fields = fields


class RoundCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    period = serializers.PrimaryKeyRelatedField(queryset=Period.objects.all())
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    inspectors_per_item = serializers.IntegerField(default=2, min_value=1, max_value=5)
    rule = serializers.ChoiceField(
        InspectionRound.Rule.choices, default=InspectionRound.Rule.OTHER_GROUP
    )
    tolerance = serializers.DecimalField(max_digits=4, decimal_places=2, required=False)
    item_selection = serializers.ChoiceField(
        InspectionRound.ItemSelection.choices, default=InspectionRound.ItemSelection.ALL
    )
    sample_share = serializers.DecimalField(
        max_digits=3, decimal_places=2, required=False, allow_null=True
    )
    sample_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=100_000
    )
    standards = serializers.ListField(
        child=serializers.ChoiceField(Standard.choices), required=False, default=list
    )
    agreed_rule = serializers.ChoiceField(
        InspectionRound.AgreedRule.choices, default=InspectionRound.AgreedRule.MEAN
    )
    moderation = serializers.BooleanField(default=False)
    inspectors = serializers.ListField(
        child=serializers.DictField(child=serializers.IntegerField()),
        required=False,
        default=list,
        help_text='[{"user": 用户id, "unit": 所在单位id}, …]',
    )


class DrawSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class RoundCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ScoreSerializer(serializers.ModelSerializer):
    inspector = serializers.CharField(source="assignment.inspector.user.display_name")

    class Meta:
        model = InspectorScore
        fields = ["inspector", "grade", "score", "comment", "saved_at"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    round_name = serializers.CharField(source="round.name", read_only=True)
    unit = serializers.IntegerField(source="submission.unit_id", read_only=True)
    indicator = serializers.IntegerField(source="submission.indicator_id", read_only=True)
    own_score = serializers.SerializerMethodField()
    team_scores = serializers.SerializerMethodField()

    class Meta:
        model = InspectionAssignment
        fields = [
            "id",
            "round",
            "round_name",
            "submission",
            "unit",
            "indicator",
            "own_score",
            "team_scores",
        ]
        read_only_fields = fields

    def get_own_score(self, obj) -> dict | None:
        own = getattr(obj, "score", None)  # select_related by the view
        return None if own is None else ScoreSerializer(own).data

    def get_team_scores(self, obj) -> list[dict] | None:
        """Hidden (null) until the inspector's own score is saved."""
        if getattr(obj, "score", None) is None:
            return None
        teams = self.context.get("teams")
        if teams is None:
            team = selectors.team_scores(obj)
        else:
            team = [
                score
                for score in teams.get((obj.round_id, obj.submission_id), [])
                if score.assignment_id != obj.pk
            ]
        return ScoreSerializer(team, many=True).data


class InspectorScoreInputSerializer(serializers.Serializer):
    grade = serializers.ChoiceField([("", "—"), *[(g, g) for g in "ABCD"]], required=False)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class FindingInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    problem = serializers.IntegerField(source="problem_id", allow_null=True)


class VerdictSerializer(serializers.ModelSerializer):
    scores = serializers.SerializerMethodField()

    class Meta:
        model = InspectionVerdict
        fields = [
            "id",
            "round",
            "submission",
            "outcome",
            "grade",
            "score",
            "comment",
            "decided_at",
            "scores",
        ]
        read_only_fields = fields

    def get_scores(self, obj) -> list[dict]:
        rows = InspectorScore.objects.filter(
            assignment__round_id=obj.round_id, assignment__submission_id=obj.submission_id
        ).select_related("assignment__inspector__user")
        return ScoreSerializer(rows.order_by("assignment__inspector_id"), many=True).data


class ArbitrateSerializer(serializers.Serializer):
    grade = serializers.ChoiceField([("", "—"), *[(g, g) for g in "ABCD"]], required=False)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    comment = serializers.CharField(max_length=2000)


class FiguresRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    items = serializers.IntegerField()
    within = serializers.IntegerField()
    share_within = serializers.FloatField(allow_null=True, help_text="容差内比例，%")
    mean_abs_diff = serializers.FloatField(allow_null=True, help_text="平均绝对差，满分的%")
    icc = serializers.FloatField(allow_null=True, help_text="ICC(1,1)")


class LeniencySerializer(serializers.Serializer):
    inspector = serializers.IntegerField(source="inspector.pk")
    name = serializers.CharField(source="inspector.user.display_name")
    items = serializers.IntegerField()
    offset_pct = serializers.FloatField(allow_null=True, help_text="平均偏差，满分的%")
    flag = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    overall = FiguresRowSerializer(source="overall_row")
    by_standard = FiguresRowSerializer(many=True)
    leniency = LeniencySerializer(many=True)


class SettledSerializer(serializers.Serializer):
    agreed = serializers.IntegerField()
    pending = serializers.IntegerField()
    skipped = serializers.IntegerField()


# --- views ----------------------------------------------------------------------------------


def _refused(call):
    """A service refusal in the API's error shape."""
    try:
        return call()
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except (TransitionNotAllowed, service.InspectionStateError) as exc:
        raise StateConflict(str(exc)) from exc
    except service.InspectionError as exc:
        raise exceptions.ValidationError(str(exc)) from exc


def _staff(request):
    if not can_manage(request.user):
        raise exceptions.PermissionDenied()


class RoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """联检联评轮次 (committee staff)."""

    serializer_class = RoundSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionRound.objects.none()
        _staff(self.request)
        return InspectionRound.objects.prefetch_related("units").order_by("-created_at", "-pk")

    def _respond(self, round_, code=status.HTTP_200_OK):
        return Response(RoundSerializer(self.get_queryset().get(pk=round_.pk)).data, code)

    @extend_schema(
        summary="新建轮次（机关工委）",
        request=RoundCreateSerializer,
        responses={201: RoundSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        _staff(request)
        body = RoundCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        pairs = data.pop("inspectors")
        users = {u.pk: u for u in _users([p.get("user") for p in pairs])}
        units = {u.pk: u for u in Unit.objects.filter(pk__in=[p.get("unit") for p in pairs])}
        try:
            data["inspectors"] = [(users[p["user"]], units[p["unit"]]) for p in pairs]
        except KeyError as exc:
            raise exceptions.ValidationError({"inspectors": ["用户或单位不存在。"]}) from exc
        round_ = _refused(lambda: service.create_round(by=request.user, **data))
        return self._respond(round_, status.HTTP_201_CREATED)

    @extend_schema(
        summary="抽签（可给种子，同一种子同样分工）",
        request=DrawSerializer,
        responses={200: RoundSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        round_ = self.get_object()
        body = DrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        seed = body.validated_data.get("seed")
        _refused(lambda: service.draw_round(by=request.user, round_=round_, seed=seed))
        return self._respond(round_)

    @extend_schema(summary="发布", request=None, responses={200: RoundSerializer, **STATE_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        round_ = self.get_object()
        _refused(lambda: service.publish_round(round_, by=request.user))
        return self._respond(round_)

    @extend_schema(
        summary="结束本轮",
        request=RoundCloseSerializer,
        responses={200: RoundSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        round_ = self.get_object()
        body = RoundCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        _refused(lambda: service.close_round(round_, by=request.user, reason=reason))
        return self._respond(round_)

    @extend_schema(
        summary="汇总已评完的项：容差内记入审核得分，超出容差交仲裁",
        request=None,
        responses={200: SettledSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        round_ = self.get_object()
        counts = _refused(lambda: service.settle_round(round_, by=request.user))
        return Response(SettledSerializer(counts).data)

    @extend_schema(summary="评分一致性与评审员宽严", responses=FiguresSerializer)
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        round_ = self.get_object()
        return Response(FiguresSerializer(selectors.round_figures(round_)).data)


def _users(pks):
    return User.objects.filter(pk__in=[pk for pk in pks if pk is not None])


@extend_schema_view(list=extend_schema(summary="本人在进行中轮次的评审项（联检评审员）"))
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """An inspector's own items while the round is open; others' scores after one's own."""

    serializer_class = AssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionAssignment.objects.none()
        return (
            selectors.assignments_of(self.request.user)
            .select_related("score", "inspector__user")
            .order_by("pk")
        )

    def list(self, request, *args, **kwargs):
        # One query for the page's items and one for their teams' scores.
        page = self.paginate_queryset(self.get_queryset())
        teams = {}
        for score in selectors.team_scores_of(page):
            key = (score.assignment.round_id, score.assignment.submission_id)
            teams.setdefault(key, []).append(score)
        data = AssignmentSerializer(page, many=True, context={"teams": teams}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="保存本人评分",
        request=InspectorScoreInputSerializer,
        responses={200: AssignmentSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        assignment = self.get_object()
        body = InspectorScoreInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _refused(
            lambda: service.score_item(
                assignment,
                by=request.user,
                grade=data.get("grade", ""),
                score=data.get("score"),
                comment=data.get("comment", ""),
            )
        )
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(
        summary="记录实地检查发现（向受检单位发整改通知）",
        request=FindingInputSerializer,
        responses={201: FindingSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        assignment = self.get_object()
        body = FindingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text = body.validated_data["text"]
        finding = _refused(lambda: service.record_finding(assignment, by=request.user, text=text))
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class VerdictViewSet(viewsets.ReadOnlyModelViewSet):
    """认定结果 and the arbitration queue (committee staff): ?round=…&outcome=pending."""

    serializer_class = VerdictSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InspectionVerdict.objects.none()
        _staff(self.request)
        verdicts = InspectionVerdict.objects.order_by("round_id", "submission_id")
        params = self.request.query_params
        if params.get("round", "").isdigit():
            verdicts = verdicts.filter(round_id=int(params["round"]))
        if params.get("outcome") in InspectionVerdict.Outcome.values:
            verdicts = verdicts.filter(outcome=params["outcome"])
        return verdicts

    @extend_schema(
        summary="仲裁（机关工委，须写明理由）",
        request=ArbitrateSerializer,
        responses={200: VerdictSerializer, **STATE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def arbitrate(self, request, pk=None):
        verdict = self.get_object()
        body = ArbitrateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _refused(
            lambda: service.arbitrate(
                verdict,
                by=request.user,
                grade=data.get("grade", ""),
                score=data.get("score"),
                comment=data["comment"],
            )
        )
        return Response(VerdictSerializer(self.get_queryset().get(pk=verdict.pk)).data)
