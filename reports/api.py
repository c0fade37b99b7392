"""/api/v1/report-jobs/: ask for a report, follow its progress, download the file.

The same rules as the web page: reports.services decides who may ask for what and runs
the job; reports.selectors decides who sees (and downloads) which job.
"""

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import ERROR, WRITE_ERRORS
from units.downloads import private_file

from . import selectors, services
from . import serializers as s
from .models import ReportJob
from .views import CONTENT_TYPES


class ReportJobFilter(filters.FilterSet):
    class Meta:
        model = ReportJob
        fields = ["kind", "status", "period", "unit", "branch", "scope"]


@extend_schema_view(
    create=extend_schema(
        summary="申请生成报告（同样的报告正在生成时返回该任务）",
        request=s.ReportRequestSerializer,
        responses={
            201: OpenApiResponse(s.ReportJobSerializer, description="新任务或重新生成"),
            200: OpenApiResponse(s.ReportJobSerializer, description="同样的报告已在生成中"),
            **WRITE_ERRORS,
        },
    )
)
class ReportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReportJobSerializer
    filterset_class = ReportJobFilter
    ordering_fields = ["requested_at", "finished_at", "id"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return selectors.jobs_visible_to(self.request.user).select_related(
            "period__plan", "unit", "branch__unit"
        )

    def create(self, request, *args, **kwargs):
        if not selectors.requestable_kinds(request.user):  # before the body: 403, not 400
            raise exceptions.PermissionDenied()
        body = s.ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        kind = ReportJob.Kind(data["kind"])
        # The target follows the kind: a unit report names no branch and the reverse.
        scope = services.scope_for(kind)
        try:
            outcome = services.request_report(
                kind=kind,
                period=data["period"],
                unit=data["unit"] if scope == ReportJob.Scope.UNIT else None,
                branch=data["branch"] if scope == ReportJob.Scope.BRANCH else None,
                by=request.user,
            )
        except services.ReportRequestError as exc:
            raise exceptions.ValidationError({exc.field or "kind": [str(exc)]}) from exc
        job = self.get_queryset().get(pk=outcome.job.pk)
        code = (
            status.HTTP_201_CREATED if outcome.created or outcome.requeued else status.HTTP_200_OK
        )
        return Response(self.get_serializer(job).data, status=code)

    @extend_schema(
        summary="下载报告文件（仅限范围内、已完成的任务）",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(ERROR),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != ReportJob.Status.DONE or not job.file:
            raise Http404
        ext = job.file.name.rsplit(".", 1)[-1]
        return private_file(
            job.file,
            filename=job.filename or f"report-{job.pk}.{ext}",
            content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
        )
