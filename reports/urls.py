from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.job_list, name="job_list"),
    path("reports/request/", views.request_report, name="request"),
    path("reports/status/", views.job_status, name="status"),
    path("reports/<int:pk>/download/", views.download, name="download"),
]
