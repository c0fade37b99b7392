from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.job_list, name="job_list"),
    path("reports/request/", views.request_report, name="request"),
    path("reports/status/", views.job_status, name="status"),
    path("reports/<int:pk>/download/", views.download, name="download"),
    path("reports/duty/<int:pk>.pdf", views.duty_report_pdf, name="duty_report_pdf"),
    path("reports/duty/grades.xlsx", views.duty_grades_xlsx, name="duty_grades_xlsx"),
]
