"""Organisation endpoints. Reading follows the web's scoping; only committee staff write."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.filters import OrderingFilter, SearchFilter

from config.api import DELETE_ERRORS, WRITE_ERRORS

from . import selectors
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


class CommitteeWritesOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or selectors.can_manage(request.user)


class UnitFilter(filters.FilterSet):
    class Meta:
        model = Unit
        fields = ["category", "group", "active"]


class BranchFilter(filters.FilterSet):
    class Meta:
        model = Branch
        fields = ["unit", "active"]


@writes(UnitCategorySerializer)
class UnitCategoryViewSet(viewsets.ModelViewSet):
    serializer_class = UnitCategorySerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyTokenPermission, CommitteeWritesOnly]
    filter_backends = [OrderingFilter]
    ordering_fields = ["sort_order", "name"]
    ordering = ["sort_order", "name"]
    queryset = UnitCategory.objects.all()


@writes(CoordinationGroupSerializer)
class CoordinationGroupViewSet(UnitCategoryViewSet):
    serializer_class = CoordinationGroupSerializer
    queryset = CoordinationGroup.objects.all()


@writes(UnitSerializer)
class UnitViewSet(viewsets.ModelViewSet):
    serializer_class = UnitSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyTokenPermission, CommitteeWritesOnly]
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = UnitFilter
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "headcount", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.units_visible_to(self.request.user)


@writes(BranchSerializer)
class BranchViewSet(viewsets.ModelViewSet):
    serializer_class = BranchSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyTokenPermission, CommitteeWritesOnly]
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = BranchFilter
    search_fields = ["name", "secretary_name"]
    ordering_fields = ["name", "member_count", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.branches_visible_to(self.request.user)
