"""What each scheme's certificates must carry, beyond the fields every certificate has.

Product schemes name the product, its models and who makes it where; service, management-system and organic
certificates state a scope. CCC certificates also name the product's code in the CCC catalogue, so that
customs can tell which catalogue product a certificate covers.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from certis.bodies.models import Scheme

# The fields of a report, in the order of the Excel template, with their column headings.
FIELDS: dict[str, object] = {
    "number": _("Certificate number"),
    "scheme": _("Scheme"),
    "holder_name": _("Holder's name"),
    "holder_uscc": _("Holder's unified social credit code"),
    "holder_address": _("Holder's address"),
    "product": _("Product"),
    "product_code": _("CCC catalogue product code"),
    "product_models": _("Models"),
    "trademark": _("Trademark"),
    "manufacturer": _("Manufacturer"),
    "factory": _("Factory"),
    "scope": _("Scope"),
    "standards": _("Standards (with editions)"),
    "mode": _("Certification mode"),
    "sites": _("Sites and their scope"),
    "first_issued_on": _("First issued on"),
    "issued_on": _("Issued on"),
    "expires_on": _("Expires on"),
    "signatory": _("Signatory's registration number"),
}

# Every certificate carries these.
COMMON_REQUIRED = (
    "number",
    "scheme",
    "holder_name",
    "holder_uscc",
    "holder_address",
    "standards",
    "issued_on",
    "expires_on",
    "signatory",
)

REQUIRED: dict[str, tuple[str, ...]] = {
    Scheme.CCC: ("product", "product_code", "product_models", "manufacturer", "factory", "mode"),
    Scheme.VOLUNTARY_PRODUCT: ("product", "product_models", "manufacturer", "factory"),
    Scheme.SERVICE: ("scope",),
    Scheme.MANAGEMENT_SYSTEM: ("scope",),
    Scheme.GREEN_PRODUCT: ("product", "product_models", "manufacturer"),
    Scheme.ORGANIC: ("product", "scope"),
}

# Fields a scheme's template shows (required ones and those that may be filled).
SHOWN: dict[str, tuple[str, ...]] = {
    Scheme.CCC: REQUIRED[Scheme.CCC] + ("trademark",),
    Scheme.VOLUNTARY_PRODUCT: REQUIRED[Scheme.VOLUNTARY_PRODUCT] + ("trademark", "mode", "scope"),
    Scheme.SERVICE: ("scope", "mode"),
    Scheme.MANAGEMENT_SYSTEM: ("scope", "sites"),
    Scheme.GREEN_PRODUCT: REQUIRED[Scheme.GREEN_PRODUCT] + ("trademark", "factory", "mode"),
    Scheme.ORGANIC: ("product", "scope", "factory", "mode"),
}


def required_fields(scheme: str) -> tuple[str, ...]:
    return COMMON_REQUIRED + REQUIRED.get(scheme, ())


def template_fields(scheme: str) -> list[str]:
    """The columns of a scheme's template, in the order of :data:`FIELDS`."""
    wanted = set(COMMON_REQUIRED) | set(SHOWN.get(scheme, ())) | {"first_issued_on"}
    return [name for name in FIELDS if name in wanted]
