from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("机关单位与党支部")

    def ready(self):
        # audit registrations, the login signal, the OpenAPI extension, the font check
        from . import auditlog_registry, auth, checks, decorators, schema  # noqa: F401
