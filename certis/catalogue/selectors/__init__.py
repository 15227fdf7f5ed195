"""Reads that are more than a filter. ``catalogue``: the catalogue on a day, its changes, a product's history,
the HS search (exported here); ``lookups``: what checking a declaration loads, in at most four queries."""

from .catalogue import (
    MAX_HS_RESULTS,
    CategoryOnDay,
    Difference,
    HsRow,
    ProductHistory,
    catalogue_on,
    differences,
    product_history,
    public_version,
    search_hs,
    versions_on,
)

__all__ = [
    "MAX_HS_RESULTS",
    "CategoryOnDay",
    "Difference",
    "HsRow",
    "ProductHistory",
    "catalogue_on",
    "differences",
    "product_history",
    "public_version",
    "search_hs",
    "versions_on",
]
