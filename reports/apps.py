from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报告")

    def ready(self):
        # tasks: registered, as reports.services sends them by name
        from . import auditlog_registry, tasks  # noqa: F401
