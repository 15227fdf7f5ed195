from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "certis.catalogue"
    label = "catalogue"
    verbose_name = _("CCC catalogue and import verification")
