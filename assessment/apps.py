from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("创建考核")

    def ready(self):
        from . import auditlog_registry, inspection_nav, receivers  # noqa: F401
