"""What checking a declaration needs from the database, loaded in at most four queries whatever its size: the
HS codes in force on the declaration day with their catalogue products, the certificates by number, the
self-declarations by number (only numbers that can be one), and which importers are in the trusted class
(only those not known already as holders of the documents found).

On PostgreSQL the two big lookups (certificates among ten million, importers among a million holders) pass
their thousand keys as one array (``= ANY(%s)``) rather than a thousand parameters: the database plans and
binds one value, and the answer comes back in about the time of the raw query. Other databases take the ORM's
``IN`` lists; both paths give the same rows, and the tests run on both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from certis.certificates.models import Certificate, Holder

from ..files.lines import DeclarationLine
from ..keys import search_key
from ..models import ProductVersion, SelfDeclaration, in_force_on

CERTIFICATE, SELF_DECLARATION = "certificate", "self_declaration"
DECLARATION_PREFIX = "SD"  # every self-declaration number starts so (``declarations.declaration_number``)
_MODEL_SPLIT = re.compile(r"[;；,，、\n]+")
CERTIFICATE_COLUMNS = (
    "number_key",
    "number",
    "scheme",
    "status",
    "product_code",
    "product_models",
    "holder__uscc",
    "holder_name",
    "expires_on",
    "status_since",
    "suspended_until",
    "status_reason",
    "holder__trusted",
)
CERTIFICATE_SQL = (
    "SELECT c.number_key, c.number, c.scheme, c.status, c.product_code, c.product_models, h.uscc, c.holder_name, "
    "c.expires_on, c.status_since, c.suspended_until, c.status_reason, h.trusted "
    "FROM certificates_certificate c JOIN certificates_holder h ON h.id = c.holder_id "
    "WHERE c.number_key = ANY(%s)"
)
TRUSTED_SQL = "SELECT uscc FROM certificates_holder WHERE trusted AND uscc = ANY(%s)"


@dataclass(frozen=True, slots=True)
class MappedProduct:
    code: str
    name: str
    route: str
    condition: str


@dataclass(frozen=True, slots=True)
class Document:
    """A certificate or a self-declaration, as much of it as the check needs."""

    kind: str
    number: str
    scheme: str
    status: str
    product_code: str
    models: str  # as stored: keys are made only for lines that get as far as the model (``model_keys``)
    holder_uscc: str
    holder_name: str
    expires_on: dt.date | None = None
    status_since: dt.date | None = None
    until: dt.date | None = None
    status_reason: str = ""
    holder_trusted: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "status": self.status,
            "product_code": self.product_code,
            "holder_uscc": self.holder_uscc,
            "holder_name": self.holder_name,
            "expires_on": self.expires_on,
        }


def model_keys(models: str) -> frozenset[str]:
    return frozenset(key for key in (search_key(part) for part in _MODEL_SPLIT.split(models or "")) if key)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _raw(sql: str, values: list[str]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [values])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def certificates(numbers: set[str]) -> list[tuple[str, Document]]:
    if not numbers:
        return []
    if _postgresql():
        rows: Iterable[tuple[Any, ...]] = _raw(CERTIFICATE_SQL, sorted(numbers))
    else:
        rows = Certificate.objects.filter(number_key__in=numbers).values_list(*CERTIFICATE_COLUMNS)
    return [(row[0], Document(CERTIFICATE, *row[1:])) for row in rows]


def declarations(numbers: set[str]) -> list[tuple[str, Document]]:
    numbers = {number for number in numbers if number.startswith(DECLARATION_PREFIX)}
    if not numbers:
        return []
    rows = SelfDeclaration.objects.filter(number_key__in=numbers).values_list(
        "number_key",
        "number",
        "status",
        "product__code",
        "product_models",
        "holder__uscc",
        "holder__name",
        "status_since",
        "status_reason",
        "holder__trusted",
    )
    return [
        (
            key,
            Document(
                SELF_DECLARATION, number, "", status, code, models, uscc, name, None, since, None, why, trust
            ),
        )
        for key, number, status, code, models, uscc, name, since, why, trust in rows
    ]


def trusted_importers(usccs: set[str]) -> set[str]:
    if not usccs:
        return set()
    if _postgresql():
        return {row[0] for row in _raw(TRUSTED_SQL, sorted(usccs))}
    return set(Holder.objects.filter(uscc__in=usccs, trusted=True).values_list("uscc", flat=True))


def mapped_products(codes: Iterable[str], day: dt.date) -> dict[str, list[MappedProduct]]:
    """The catalogue products that each HS code falls under on ``day``: the mapping and the product must both
    be in force that day. One query (the join's conditions sit in one ``filter`` so they hold for the same
    mapping row)."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    rows = (
        ProductVersion.objects.filter(in_force_on(day))
        .filter(in_force_on(day, "product__hs_mappings__"), product__hs_mappings__code__in=codes)
        .values_list(
            "product__hs_mappings__code", "product__code", "name", "route", "product__hs_mappings__condition"
        )
        .order_by("product__hs_mappings__code", "product__code")
    )
    found: dict[str, list[MappedProduct]] = {}
    for code, product_code, name, route, condition in rows:
        found.setdefault(code, []).append(MappedProduct(product_code, name, route, condition))
    return found


@dataclass
class Lookups:
    mappings: dict[str, list[MappedProduct]]
    documents: dict[str, list[Document]]
    trusted: set[str]

    @classmethod
    def load(cls, lines: list[DeclarationLine], day: dt.date) -> Lookups:
        codes = {line.hs_code for line in lines if line.hs_code}
        numbers = {line.number_key for line in lines if line.number_key}
        importers = {line.importer_uscc for line in lines if line.importer_uscc and not line.problem}
        documents: dict[str, list[Document]] = {}
        for key, document in [*certificates(numbers), *declarations(numbers)]:
            documents.setdefault(key, []).append(document)
        # The holders of the documents found came with their class; only the other importers are looked up.
        known = {d.holder_uscc: d.holder_trusted for found in documents.values() for d in found}
        trusted = {uscc for uscc in importers if known.get(uscc)} | trusted_importers(
            importers - known.keys()
        )
        return cls(mappings=mapped_products(codes, day), documents=documents, trusted=trusted)
