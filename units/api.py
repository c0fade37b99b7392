"""Organisation endpoints. Reading follows the web's scoping; writing goes through
units.services, which decides who may (committee staff, no narrowed token) and validates."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.filters import OrderingFilter, SearchFilter

from config.api import DELETE_ERRORS, WRITE_ERRORS

from . import selectors, services
from .authentication import ReadOnlyTokenPermission
from .models import Branch, CoordinationGroup, Unit, UnitCategory
from .serializers import (
    BranchSerializer,
    CoordinationGroupSerializer,
    UnitCategorySerializer,
    UnitSerializer,
)


def writes(serializer):
    """The documented answers of the writes; deleting a record still in use is refused with
    409 and the records that use it."""
    return extend_schema_view(
        create=extend_schema(responses={201: serializer, **WRITE_ERRORS}),
        update=extend_schema(responses={200: serializer, **WRITE_ERRORS}),
        partial_update=extend_schema(responses={200: serializer, **WRITE_ERRORS}),
        destroy=extend_schema(responses={204: None, **DELETE_ERRORS}),
    )


# Create, change and delete through the services; their ValidationError becomes a 400.
# (A comment, not a docstring: drf-spectacular would print it into every operation.)
class EditsOrganisation(permissions.BasePermission):
    """Refuse a write before its body is read: someone who may not edit the organisation
    learns that (403), not which fields their body lacked (400)."""

    message = gettext_lazy("只有工委工作人员可以修改组织数据。")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or selectors.may_edit_organisation(
            request.user
        )


class OrganisationWrites:
    permission_classes = [permissions.IsAuthenticated, ReadOnlyTokenPermission, EditsOrganisation]

    def perform_create(self, serializer):
        model = serializer.Meta.model
        serializer.instance = self._call(
            services.create_organisation_record, model, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = self._call(
            services.update_organisation_record, serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_organisation_record(instance, by=self.request.user)

    def _call(self, service, *args, **fields):
        try:
            return service(*args, by=self.request.user, **fields)
        except ModelValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc


class UnitFilter(filters.FilterSet):
    class Meta:
        model = Unit
        fields = ["category", "group", "active"]


class BranchFilter(filters.FilterSet):
    class Meta:
        model = Branch
        fields = ["unit", "active"]


@writes(UnitCategorySerializer)
class UnitCategoryViewSet(OrganisationWrites, viewsets.ModelViewSet):
    serializer_class = UnitCategorySerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["sort_order", "name"]
    ordering = ["sort_order", "name"]
    queryset = UnitCategory.objects.all()


@writes(CoordinationGroupSerializer)
class CoordinationGroupViewSet(UnitCategoryViewSet):
    serializer_class = CoordinationGroupSerializer
    queryset = CoordinationGroup.objects.all()


@writes(UnitSerializer)
class UnitViewSet(OrganisationWrites, viewsets.ModelViewSet):
    serializer_class = UnitSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = UnitFilter
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "headcount", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.units_visible_to(self.request.user)


@writes(BranchSerializer)
class BranchViewSet(OrganisationWrites, viewsets.ModelViewSet):
    serializer_class = BranchSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = BranchFilter
    search_fields = ["name", "secretary_name"]
    ordering_fields = ["name", "member_count", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.branches_visible_to(self.request.user)
