"""The seed of the catalogue (``seed/*.csv``, sources in ``seed/sources.md``, read by ``files.seed``), replayed
through the services.

Each row of ``catalogue.csv`` becomes the adjustment it describes, and each row of ``hs_codes.csv`` a line of
the HS code table, with their audit events, as if the regulator had entered them. Loading again adds only what
is missing (an adjustment is known by its product, kind and date; an HS line by its code, product and start),
so the command may run after every deployment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from certis.accounts.models import Actor
from certis.certificates.services.standards import add_missing_seed_standards

from ..files.seed import SEED, read_csv
from ..models import Adjustment, Category, HsMapping, Product
from .catalogue import add_category, add_product, change_product, remove_product
from .hs_codes import add_hs_code


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@dataclass
class Loaded:
    categories: int = 0
    adjustments: int = 0
    hs_codes: int = 0

    def __str__(self) -> str:
        return f"{self.categories} categories, {self.adjustments} adjustments, {self.hs_codes} HS code lines"


def _adjust(row: dict[str, str], acting_user: Actor) -> None:
    day = _date(row["effective_on"])
    assert day is not None
    common: dict[str, Any] = {
        "acting_user": acting_user,
        "effective_on": day,
        "reason": row["reason"],
        "notice": row["notice"],
    }
    standards = [code for code in row["standards"].split(";") if code.strip()] if row["standards"] else None
    if row["kind"] == Adjustment.Kind.ADD:
        add_product(
            code=row["code"],
            category=Category.objects.get(code=row["category"]),
            name=row["name"],
            scope=row["scope"],
            risk_level=row["risk_level"],
            route=row["route"],
            rules=row["rules"],
            standards=standards or [],
            **common,
        )
        return
    product = Product.objects.get(code=row["code"])
    if row["kind"] == Adjustment.Kind.REMOVE:
        remove_product(product=product, **common)
        return
    changes: dict[str, Any] = {
        name: row[name] or None for name in ("name", "scope", "risk_level", "route", "rules")
    }
    change_product(product=product, kind=row["kind"], standards=standards, **changes, **common)


@transaction.atomic
def load_seed(*, acting_user: Actor = None, directory: Path = SEED) -> Loaded:
    """Load what of the seed is missing; returns what was added."""
    add_missing_seed_standards(acting_user=acting_user)
    loaded = Loaded()
    known = set(Category.objects.values_list("code", flat=True))
    for row in read_csv("categories.csv", directory):
        if row["code"] not in known:
            add_category(acting_user=acting_user, code=row["code"], name=row["name"])
            loaded.categories += 1
    done = set(Adjustment.objects.values_list("product__code", "kind", "effective_on"))
    for row in sorted(read_csv("catalogue.csv", directory), key=lambda r: r["effective_on"]):
        if (row["code"], row["kind"], _date(row["effective_on"])) not in done:
            _adjust(row, acting_user)
            loaded.adjustments += 1
    lines = set(HsMapping.objects.values_list("code", "product__code", "valid_from"))
    products = {product.code: product for product in Product.objects.all()}
    for row in read_csv("hs_codes.csv", directory):
        start = _date(row["valid_from"])
        if start is None or (row["hs_code"], row["product"], start) in lines:
            continue
        add_hs_code(
            acting_user=acting_user,
            product=products[row["product"]],
            code=row["hs_code"],
            valid_from=start,
            valid_until=_date(row["valid_until"]),
            condition=row["condition"],
            limit_quantity=row["limit_quantity"],
            limit_min=_decimal(row["limit_min"]),
            limit_max=_decimal(row["limit_max"]),
            notice=row["notice"],
        )
        loaded.hs_codes += 1
    return loaded
