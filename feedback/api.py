"""/api/v1/ endpoints of citizen evaluation: the anonymous rating (the public form's rules,
through the same service), ratings and follow-up cases for staff, scoped as on the web."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from config.api import ERROR, StateConflict
from units.workflow import TransitionNotAllowed

from . import selectors
from . import serializers as s
from .forms import PublicRatingForm, dimensions_for_form
from .models import Channel, FollowUpCase, Level, Rating
from .services import abuse
from .services import cases as case_services
from .services.ratings import RatingInput, submit_public_rating

ERRORS = {
    400: OpenApiResponse(ERROR, description="数据有误"),
    403: OpenApiResponse(ERROR, description="无权执行此操作"),
    404: OpenApiResponse(ERROR, description="对象不存在或不在您的范围内"),
    409: OpenApiResponse(ERROR, description="当前状态不允许此操作"),
}


def _form_data(data: dict) -> tuple[dict, list]:
    """The JSON body as the public form's POST data, and the dimensions it names."""
    dimensions = list(dimensions_for_form())
    known = {d.code for d in dimensions}
    unknown = sorted(set(data["dimensions"]) - known)
    if unknown:
        raise exceptions.ValidationError(
            {"dimensions": [_("没有这些评价维度：%(codes)s") % {"codes": "、".join(unknown)}]}
        )
    post = {
        "level": data["level"],
        "comment": data["comment"],
        "contact_name": data["contact_name"],
        "contact_phone": data["contact_phone"],
        "website": data["website"],
    }
    if data["contact_consent"]:
        post["contact_consent"] = "on"
    for code, level in data["dimensions"].items():
        post[f"dim_{code}"] = level
    return post, dimensions


class PublicRatingViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """群众评议: the anonymous rating, no account. The same form rules and the same service
    as the public page (honeypot, duplicates, burst flagging, per-source rate limit), plus a
    DRF throttle (scope "anon_rating")."""

    serializer_class = s.PublicRatingSerializer
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "anon_rating"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):  # pragma: no cover - create only
        return Rating.objects.none()

    @extend_schema(
        summary="匿名提交一条群众评价（与公开评议页规则相同）",
        request=s.PublicRatingSerializer,
        responses={
            201: s.PublicReceiptSerializer,
            400: OpenApiResponse(ERROR, description="数据有误，或隐藏项被填写"),
            429: OpenApiResponse(ERROR, description="提交过于频繁"),
        },
        auth=[],
    )
    def create(self, request, *args, **kwargs):
        body = s.PublicRatingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        post, dimensions = _form_data(data)
        form = PublicRatingForm(post, dimensions=dimensions)
        if form.is_bot:
            message = _(
                "提交未被接受：表单中一个应留空的隐藏项被填写了，这通常是自动程序所为。"
                "如果您是正常填写，请刷新页面后重新评价。"
            )
            raise exceptions.ValidationError({"website": [message]})
        if not form.is_valid():
            fields = {}
            for name, errors in form.errors.items():
                key = "dimensions" if name.startswith("dim_") else name
                fields.setdefault(key, []).extend(str(e) for e in errors)
            raise exceptions.ValidationError(fields)
        cleaned = form.cleaned_data
        try:
            rating = submit_public_rating(
                RatingInput(
                    unit=data["unit"],
                    level=cleaned["level"],
                    comment=cleaned["comment"],
                    dimensions=form.dimension_levels(),
                    contact_name=cleaned["contact_name"],
                    contact_phone=cleaned["contact_phone"],
                    contact_consent=cleaned["contact_consent"],
                ),
                address=request.META.get("REMOTE_ADDR", ""),
            )
        except abuse.RateLimited as exc:
            raise exceptions.Throttled(detail=str(exc)) from exc
        rating = Rating.objects.select_related("unit", "case").get(pk=rating.pk)
        return Response(s.PublicReceiptSerializer(rating).data, status=status.HTTP_201_CREATED)


class RatingFilter(filters.FilterSet):
    STATES = [
        ("counted", "计入指数"),
        ("duplicate", "重复"),
        ("flagged", "待审核"),
        ("excluded", "不计入"),
    ]
    received_from = filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_to = filters.DateFilter(field_name="received_on", lookup_expr="lte")
    level = filters.ChoiceFilter(choices=Level.choices)
    channel = filters.ChoiceFilter(choices=Channel.choices)
    state = filters.ChoiceFilter(choices=STATES, method="by_state")

    class Meta:
        model = Rating
        fields = ["unit", "level", "channel", "evaluator_kind", "received_from", "received_to"]

    def by_state(self, queryset, name, value):
        return queryset  # applied by feedback.selectors.rating_list in get_queryset


class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    """Ratings from every channel, for committee staff, leaders and the unit's
    administrators (feedback.selectors.ratings_visible_to); contacts masked."""

    serializer_class = s.RatingSerializer
    filterset_class = RatingFilter
    ordering_fields = ["received_on", "created_at", "score", "id"]
    ordering = ["-received_on", "-id"]

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        if state not in dict(RatingFilter.STATES):
            state = ""  # an unknown value is reported by the filter set
        return selectors.rating_list(self.request.user, state=state)


class CaseFilter(filters.FilterSet):
    overdue = filters.BooleanFilter(field_name="is_overdue")
    status = filters.ChoiceFilter(choices=FollowUpCase.Status.choices)

    class Meta:
        model = FollowUpCase
        fields = ["unit", "status", "overdue"]


def _case_move(call):
    try:
        return call()
    except TransitionNotAllowed as exc:
        raise StateConflict(str(exc)) from exc
    except ValueError as exc:
        raise exceptions.ValidationError(str(exc)) from exc


class FollowUpCaseViewSet(viewsets.ReadOnlyModelViewSet):
    """差评回访件: every bad rating opens one. The unit administrator replies and records
    the fix; committee staff close (feedback.services.cases)."""

    serializer_class = s.FollowUpCaseSerializer
    filterset_class = CaseFilter
    ordering_fields = ["reply_due", "opened_on", "id"]
    ordering = ["reply_due", "id"]

    def get_queryset(self):
        return selectors.case_list(self.request.user).select_related("rating")

    def _respond(self, case):
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(
        summary="答复群众（单位管理员或机关工委）",
        request=s.CaseTextSerializer,
        responses={200: s.FollowUpCaseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        case = self.get_object()
        body = s.CaseTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text = body.validated_data["text"]
        _case_move(lambda: case_services.reply(case, user=request.user, text=text))
        return self._respond(case)

    @extend_schema(
        summary="记录整改情况（单位管理员或机关工委）",
        request=s.CaseTextSerializer,
        responses={200: s.FollowUpCaseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def fix(self, request, pk=None):
        case = self.get_object()
        body = s.CaseTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text = body.validated_data["text"]
        _case_move(lambda: case_services.record_fix(case, user=request.user, text=text))
        return self._respond(case)

    @extend_schema(
        summary="核实办结（机关工委）",
        request=s.CaseCloseSerializer,
        responses={200: s.FollowUpCaseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        body = s.CaseCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = body.validated_data["note"]
        _case_move(lambda: case_services.close(case, user=request.user, note=note))
        return self._respond(case)
