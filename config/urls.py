from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from units import views as units_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        units_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("units.urls")),
    path("", include("assessment.urls")),
    path("", include("feedback.urls")),
    path("", include("reports.urls")),
]

if settings.BENCH_BARE_VIEW:  # benchmarks only, never in production (docs/performance.md)
    from bench.bare import urlpatterns as bench_urlpatterns

    urlpatterns += bench_urlpatterns

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

admin.site.site_header = _("模范机关创建管理平台")
admin.site.site_title = _("模范机关创建管理平台")
