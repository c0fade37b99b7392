from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("群众评议")

    def ready(self):
        from . import auditlog_registry, checks  # noqa: F401
