"""Reading the catalogue: the catalogue as it stood on a day, what changed between two days, a product's
history, and the search of the HS code table by code prefix or by product name in either script."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from certis.core.text import search_key

from ..hs import hs_prefix
from ..models import PARTICULARS, Adjustment, Category, HsMapping, Product, ProductVersion, in_force_on

MAX_HS_RESULTS = 200


def versions_on(day: dt.date) -> QuerySet[ProductVersion]:
    """The catalogue on ``day``: one version per product in force that day, by product code."""
    return (
        ProductVersion.objects.filter(in_force_on(day))
        .select_related("product__category")
        .order_by("product__code")
    )


@dataclass
class CategoryOnDay:
    category: Category
    versions: list[ProductVersion]


def catalogue_on(day: dt.date, *, text: str = "", route: str = "") -> list[CategoryOnDay]:
    """The categories that have a product in force on ``day``, each with those products; ``text`` keeps the
    products whose code starts with it or whose name holds it (either script); ``route`` those on that route."""
    versions = versions_on(day)
    if route:
        versions = versions.filter(route=route)
    key = search_key(text or "")
    if key:
        versions = versions.filter(Q(product__code__startswith=key) | Q(name_key__contains=key))
    grouped: dict[int, CategoryOnDay] = {}
    for version in versions:
        category = version.product.category
        grouped.setdefault(category.pk, CategoryOnDay(category, [])).versions.append(version)
    return sorted(grouped.values(), key=lambda group: group.category.code)


@dataclass
class Difference:
    """How one product differs between two days: ``added``, ``removed`` or ``changed`` (with the fields)."""

    code: str
    change: str
    before: ProductVersion | None
    after: ProductVersion | None
    fields: list[str] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def name(self) -> str:
        version = self.after or self.before
        return version.name if version else ""


def differences(start: dt.date, end: dt.date) -> list[Difference]:
    """What differs between the catalogue on ``start`` and on ``end`` (either order), with the adjustments
    that took effect in between: after the earlier day, up to and including the later one."""
    if end < start:
        start, end = end, start
    before = {version.product.code: version for version in versions_on(start)}
    after = {version.product.code: version for version in versions_on(end)}
    adjustments: dict[str, list[Adjustment]] = {}
    for adjustment in (
        Adjustment.objects.filter(effective_on__gt=start, effective_on__lte=end)
        .select_related("product")
        .order_by("effective_on", "id")
    ):
        adjustments.setdefault(adjustment.product.code, []).append(adjustment)
    found = []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code), after.get(code)
        if old is None:
            found.append(Difference(code, "added", None, new))
        elif new is None:
            found.append(Difference(code, "removed", old, None))
        elif old.pk != new.pk:
            changed = [name for name in PARTICULARS if getattr(old, name) != getattr(new, name)]
            if changed:
                found.append(Difference(code, "changed", old, new, changed))
    for difference in found:
        difference.adjustments = adjustments.get(difference.code, [])
    return found


@dataclass
class ProductHistory:
    product: Product
    versions: list[ProductVersion]
    adjustments: list[Adjustment]
    hs_codes: list[HsMapping]

    def on(self, day: dt.date) -> ProductVersion | None:
        return next(
            (
                v
                for v in self.versions
                if v.valid_from <= day and (v.valid_until is None or v.valid_until > day)
            ),
            None,
        )


def product_history(code: str) -> ProductHistory | None:
    product = Product.objects.select_related("category").filter(code=code).first()
    if product is None:
        return None
    return ProductHistory(
        product=product,
        versions=list(product.versions.order_by("valid_from")),
        adjustments=list(product.adjustments.order_by("effective_on", "id")),
        hs_codes=list(product.hs_mappings.order_by("code", "valid_from")),
    )


@dataclass
class HsRow:
    mapping: HsMapping
    version: ProductVersion | None  # the product's version on the day asked about, if in force


def search_hs(text: str, day: dt.date, *, include_past: bool = False) -> tuple[list[HsRow], bool]:
    """Lines of the HS table whose code starts with the digits typed, or whose product's name (on ``day``)
    holds the text typed (either script). Lines not in force on ``day`` only with ``include_past``.
    Returns the rows (at most ``MAX_HS_RESULTS``) and whether there were more."""
    prefix = hs_prefix(text)
    key = search_key(text or "")
    lines = HsMapping.objects.select_related("product__category")
    if prefix:
        lines = lines.filter(code__startswith=prefix)
    elif key:
        named = ProductVersion.objects.filter(name_key__contains=key)
        if not include_past:
            named = named.filter(in_force_on(day))
        lines = lines.filter(product__in=named.values("product"))
    else:
        return [], False
    if not include_past:
        lines = lines.filter(in_force_on(day))
    found = list(lines.order_by("code", "product__code", "valid_from")[: MAX_HS_RESULTS + 1])
    versions = {
        v.product_id: v
        for v in ProductVersion.objects.filter(in_force_on(day), product__in=[m.product_id for m in found])
    }
    rows = [HsRow(mapping, versions.get(mapping.product_id)) for mapping in found[:MAX_HS_RESULTS]]
    return rows, len(found) > MAX_HS_RESULTS


def public_version(version: ProductVersion) -> dict[str, Any]:
    """A version as the API shows it."""
    return {
        "code": version.product.code,
        "category": version.product.category.code,
        "category_name": version.product.category.name,
        "name": version.name,
        "scope": version.scope,
        "risk_level": version.risk_level,
        "route": version.route,
        "rules": version.rules,
        "standards": version.standards,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
    }
