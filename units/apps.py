from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("机关单位与党支部")

    def ready(self):
        from . import decorators, schema  # noqa: F401  (login signal, OpenAPI extension)
