from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "certis.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from certis.core import ratelimit  # noqa: F401 (registers its deploy check)
