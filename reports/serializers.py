"""API shapes of report jobs: what was asked for and how far it got."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.reverse import reverse

from assessment.models import Period
from units.models import Branch, Unit

from .models import ReportJob


class ReportJobSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "kind_label",
            "scope",
            "period",
            "unit",
            "branch",
            "status",
            "status_label",
            "progress_done",
            "progress_total",
            "percent",
            "error",
            "requested_at",
            "started_at",
            "finished_at",
            "filename",
            "size",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ReportJob.Status.DONE:
            return None
        return reverse("reportjob-download", args=[job.pk], request=self.context.get("request"))


class ReportRequestSerializer(serializers.Serializer):
    """Ids only; whether the user may ask for this is decided by reports.services."""

    kind = serializers.ChoiceField(label=_("报告类型"), choices=ReportJob.Kind.choices)
    period = serializers.PrimaryKeyRelatedField(label=_("考核节点"), queryset=Period.objects.all())
    unit = serializers.PrimaryKeyRelatedField(
        label=_("单位"), queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    branch = serializers.PrimaryKeyRelatedField(
        label=_("党支部"),
        queryset=Branch.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
