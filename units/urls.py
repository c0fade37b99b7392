from django.urls import path

from . import views, views_audit

urlpatterns = [
    path("accounts/confirm/", views.confirm_password, name="confirm_password"),
    path("accounts/tokens/", views.token_list, name="token_list"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/import/", views.import_page, name="org_import"),
    path("units/export/<str:kind>.<str:file_format>", views.export, name="org_export"),
    path("units/<slug:slug>/", views.unit_detail, name="unit_detail"),
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
]
