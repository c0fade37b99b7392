"""/api/v1/: every app registers its viewsets on one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from units import api as units_api

router = DefaultRouter()
router.register("categories", units_api.UnitCategoryViewSet, basename="category")
router.register("groups", units_api.CoordinationGroupViewSet, basename="group")
router.register("units", units_api.UnitViewSet, basename="unit")
router.register("branches", units_api.BranchViewSet, basename="branch")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
