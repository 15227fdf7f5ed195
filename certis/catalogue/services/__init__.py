"""Every change to the catalogue app's records, one module per topic; import from here."""

from .catalogue import add_category, add_product, change_product, change_route, change_scope, remove_product
from .declarations import (
    cancel_self_declaration,
    invalidate_self_declaration,
    make_self_declaration,
    set_declaration_public,
)
from .hs_codes import add_hs_code, end_hs_code
from .import_checks import check_import
from .seed import load_seed
from .trust import set_trust_class

__all__ = [
    "add_category",
    "add_hs_code",
    "add_product",
    "cancel_self_declaration",
    "change_product",
    "change_route",
    "change_scope",
    "check_import",
    "end_hs_code",
    "invalidate_self_declaration",
    "load_seed",
    "make_self_declaration",
    "remove_product",
    "set_declaration_public",
    "set_trust_class",
]
