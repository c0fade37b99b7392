"""/api/v1/: every app registers its viewsets on one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assessment import api as assessment_api
from assessment import api_inspection
from assessment import api_results as results_api
from feedback import api as feedback_api
from reports import api as reports_api
from units import api as units_api

router = DefaultRouter()
router.register("categories", units_api.UnitCategoryViewSet, basename="category")
router.register("groups", units_api.CoordinationGroupViewSet, basename="group")
router.register("units", units_api.UnitViewSet, basename="unit")
router.register("branches", units_api.BranchViewSet, basename="branch")
# assessment
router.register("cycles", assessment_api.CycleViewSet, basename="cycle")
router.register("plans", assessment_api.AnnualPlanViewSet, basename="plan")
router.register("periods", assessment_api.PeriodViewSet, basename="period")
router.register("indicator-systems", assessment_api.IndicatorSystemViewSet, basename="system")
router.register("indicators", assessment_api.IndicatorViewSet, basename="indicator")
router.register("evidence", assessment_api.EvidenceViewSet, basename="evidence")
router.register("submissions", assessment_api.SubmissionViewSet, basename="submission")
router.register("reviews", assessment_api.ReviewViewSet, basename="review")
router.register("rectifications", assessment_api.RectificationViewSet, basename="rectification")
router.register("problems", assessment_api.ProblemViewSet, basename="problem")
router.register("scores", assessment_api.ScoreViewSet, basename="score")
router.register("results", results_api.ResultsUseViewSet, basename="results-use")
router.register("turnarounds", results_api.TurnaroundViewSet, basename="turnaround")
router.register("duty-reports", assessment_api.DutyReportViewSet, basename="dutyreport")
router.register("inspection-rounds", api_inspection.RoundViewSet, basename="inspection-round")
router.register(
    "inspection-assignments", api_inspection.AssignmentViewSet, basename="inspection-assignment"
)
router.register("inspection-verdicts", api_inspection.VerdictViewSet, basename="inspection-verdict")
# feedback
router.register("public-ratings", feedback_api.PublicRatingViewSet, basename="public-rating")
router.register("ratings", feedback_api.RatingViewSet, basename="rating")
router.register("cases", feedback_api.FollowUpCaseViewSet, basename="case")
# reports
router.register("report-jobs", reports_api.ReportJobViewSet, basename="reportjob")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
