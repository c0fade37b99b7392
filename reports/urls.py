from django.urls import path

from . import results_views, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.job_list, name="job_list"),
    path("reports/request/", views.request_report, name="request"),
    path("reports/status/", views.job_status, name="status"),
    path("reports/<int:pk>/download/", views.download, name="download"),
    # 结果运用: a published annual result put to use
    path("results/", results_views.index, name="results_index"),
    path("results/<int:year>/awards/", results_views.awards, name="results_awards"),
    path("results/<int:year>/rewards/", results_views.rewards, name="results_rewards"),
    path("results/<int:year>/cadres/", results_views.cadres, name="results_cadres"),
    path("results/<int:year>/awards.xlsx", results_views.awards_export, name="results_awards_xlsx"),
    path(
        "results/<int:year>/rewards.xlsx", results_views.rewards_export, name="results_rewards_xlsx"
    ),
    path("results/<int:year>/cadres.xlsx", results_views.cadres_export, name="results_cadres_xlsx"),
    path("reports/duty/<int:pk>.pdf", views.duty_report_pdf, name="duty_report_pdf"),
    path("reports/duty/grades.xlsx", views.duty_grades_xlsx, name="duty_grades_xlsx"),
]
