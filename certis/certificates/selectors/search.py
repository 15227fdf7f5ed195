"""Selectors of public verification: find certificates by number, by any part of the holder's name, by the
holder's USCC, or by product or model; and what a certificate's public page and the public API show.

Everything here reads the public fields only (``PUBLIC_ROW``, ``PUBLIC_RECORD``): who reported a
certificate, from which import, and everything about the signatory but their name and registration number stay
out. Rows are plain dicts read with ``.values()``, so a template cannot reach a private field by accident.

How each search stays fast at 10 million certificates and 2 million holders (PostgreSQL):

- **number**: equality on ``number_key`` (B-tree). The same number may be used by two bodies: all are returned.
  The lookup of one certificate (:func:`records_by_number`, what verification serves most) is one statement
  built once and prepared on PostgreSQL.
- **USCC**: the holder by its unique USCC, then its certificates through ``certificate_holder_idx``.
- **holder's name**: ``search_key`` of the query (simplified script, half-width, case-folded, without spaces,
  brackets or punctuation) matched with ``LIKE '%key%'`` on ``holder.name_key``, which the pg_trgm GIN index
  serves; at most ``HOLDER_CAP`` holders are taken (no ORDER BY, so the scan stops there), then their
  certificates. A query of one or two characters has no trigram to look for: it matches names that *begin*
  with it (``LIKE 'key%'``, served by the same index through its start-of-word trigrams).
- **product or model**: the same on ``product_key`` and ``product_models_key``, at most ``MATCH_CAP``
  certificates.

The matches are then sorted (holder's name, number) and paged; counts stop at ``COUNT_CAP`` like the registers'
and are taken on the matching rows alone, without the join and sort of the page (:class:`SearchPaginator`).
A certificate whose expiry date has passed is expired even before the nightly task records it: statuses
shown and filtered on are :func:`effective_status`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _

from certis.bodies.models import Scheme
from certis.certificates.lifecycle import effective_status, expired_since, expiry_reason, status_condition
from certis.certificates.models import Certificate, Holder, StatusEvent, number_key
from certis.core.identifiers import clean_uscc
from certis.core.listing import CappedPaginator, capped_count
from certis.core.text import fold_width, search_key, squash_spaces

Status = Certificate.Status

# Holders whose names match, at most. A broad name ("有限公司") matches hundreds of thousands; their
# certificates (five a holder on average) are read and sorted for every page, so the cap is what keeps such a
# search fast (100 holders: p95 about 20 ms at 2 million holders, 200: about 30 ms). Past it the page asks for
# more of the name.
HOLDER_CAP = 100
MATCH_CAP = 1000  # certificates matching a product or model, at most
SHORT_QUERY = 2  # queries of this many characters or fewer match the beginning of names only
MAX_QUERY = 100  # characters
MAX_NUMBER = 64  # a certificate number's length

NUMBER, HOLDER, USCC, PRODUCT, AUTO = "number", "holder", "uscc", "product", "auto"
KINDS = (AUTO, NUMBER, HOLDER, USCC, PRODUCT)
KIND_LABELS = {
    AUTO: _("Anything (guess what was typed)"),
    NUMBER: _("Certificate number"),
    HOLDER: _("Holder's name"),
    USCC: _("Holder's unified social credit code"),
    PRODUCT: _("Product or model"),
}

# What a search result shows.
PUBLIC_ROW = (
    "number",
    "scheme",
    "holder_name",
    "product",
    "product_models",
    "scope",
    "status",
    "status_since",
    "suspended_until",
    "status_reason",
    "issued_on",
    "expires_on",
    "body__number",
    "body__name",
)
# What a certificate's page and the API's answer show.
PUBLIC_RECORD = (
    *PUBLIC_ROW,
    "id",
    "holder_address",
    "holder__uscc",
    "product_code",
    "trademark",
    "manufacturer",
    "factory",
    "standards",
    "mode",
    "sites",
    "first_issued_on",
    "body__status",
    "signatory__name",
    "signatory__registration_number",
)

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_DIGIT = re.compile(r"\d")
_BODY_NUMBER = re.compile(r"[^\x00-\x1f]{1,32}")


def public_row(values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """A row read with ``PUBLIC_ROW`` (or ``PUBLIC_RECORD``), with its effective status and status date, the
    scheme's name, and the body's fields without the ``body__`` prefix."""
    row = dict(values)
    status = effective_status(row["status"], row["expires_on"], today)
    if status != row["status"]:  # expired by its date, not yet recorded
        row["status_since"] = expired_since(row["expires_on"])
        row["suspended_until"] = None
        row["status_reason"] = expiry_reason()
    row["status"] = status
    row["status_label"] = Status(status).label
    row["scheme_label"] = Scheme(row["scheme"]).label if row["scheme"] in Scheme.values else row["scheme"]
    row["body"] = {key.removeprefix("body__"): row.pop(key) for key in list(row) if key.startswith("body__")}
    if "signatory__name" in row:
        row["signatory"] = {
            "name": row.pop("signatory__name"),
            "registration_number": row.pop("signatory__registration_number"),
        }
        row["holder_uscc"] = row.pop("holder__uscc")
    row["models"] = [part.strip() for part in row.get("product_models", "").split(";") if part.strip()]
    return row


# Search


@dataclass
class Search:
    """A search as asked (``text``, ``requested`` kind, filters) and as run (``kind``, the key matched)."""

    text: str
    requested: str = AUTO
    scheme: str = ""
    status: str = ""
    kind: str = ""
    key: str = ""
    holders_capped: bool = False
    matches_capped: bool = False
    starts_with: bool = False
    today: dt.date = field(default_factory=timezone.localdate)


def guess_kind(text: str) -> str:
    """What was typed: a USCC (18 characters with a good check character), a number (no Chinese characters
    and at least one digit), or else a name."""
    compact = fold_width(text).replace(" ", "")
    if len(compact) == 18:
        try:
            clean_uscc(compact)
        except ValidationError:
            pass
        else:
            return USCC
    if not _CJK.search(text) and _DIGIT.search(compact):
        return NUMBER
    return HOLDER


def public_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.all()


def _filtered(rows: QuerySet[Certificate], search: Search) -> QuerySet[Certificate]:
    if search.scheme:
        rows = rows.filter(scheme=search.scheme)
    if search.status:
        rows = rows.filter(status_condition(search.status, search.today))
    return rows


def _by_number(search: Search) -> QuerySet[Certificate]:
    search.key = number_key(search.text)
    if len(search.key) > MAX_NUMBER:
        return public_certificates().none()
    return public_certificates().filter(number_key=search.key)


def _name_condition(column: str, key: str, search: Search) -> Q:
    if len(key) <= SHORT_QUERY:
        search.starts_with = True
        return Q(**{f"{column}__startswith": key})
    return Q(**{f"{column}__contains": key})


def _by_holder_ids(search: Search, ids: list[int]) -> QuerySet[Certificate]:
    search.holders_capped = len(ids) > HOLDER_CAP
    return public_certificates().filter(holder_id__in=ids[:HOLDER_CAP])


def matching_holder_ids(search: Search) -> list[int]:
    """Up to ``HOLDER_CAP + 1`` holders whose names contain the query (or begin with it, when short)."""
    search.key = search_key(search.text)
    if not search.key:
        return []
    condition = _name_condition("name_key", search.key, search)
    return list(Holder.objects.filter(condition).order_by().values_list("id", flat=True)[: HOLDER_CAP + 1])


def _by_uscc(search: Search) -> QuerySet[Certificate]:
    try:
        search.key = clean_uscc(search.text)
    except ValidationError:
        search.key = ""
        return public_certificates().none()
    ids = list(Holder.objects.filter(uscc=search.key).values_list("id", flat=True))
    return _by_holder_ids(search, ids)


def _by_product(search: Search) -> QuerySet[Certificate]:
    search.key = search_key(search.text)
    if not search.key:
        return public_certificates().none()
    condition = _name_condition("product_key", search.key, search) | _name_condition(
        "product_models_key", search.key, search
    )
    ids = list(
        _filtered(public_certificates().filter(condition), search)
        .order_by()
        .values_list("id", flat=True)[: MATCH_CAP + 1]
    )
    search.matches_capped = len(ids) > MATCH_CAP
    return public_certificates().filter(pk__in=ids[:MATCH_CAP])


def matching(search: Search) -> QuerySet[Certificate]:
    """The certificates the search finds, unsorted (see :func:`find`); sets ``search.kind`` and the caps.

    ``auto`` guesses the kind (:func:`guess_kind`); a number that no certificate has is then looked for among
    models, and a name that no holder has among products."""
    search.text = squash_spaces(search.text.replace("\x00", ""))[:MAX_QUERY]
    kind = search.requested if search.requested in KINDS else AUTO
    if kind == AUTO:
        kind = guess_kind(search.text)
        if kind == NUMBER and not _by_number(search).exists():
            kind = PRODUCT
        elif kind == HOLDER:
            ids = matching_holder_ids(search)
            if ids:
                search.kind = HOLDER
                return _filtered(_by_holder_ids(search, ids), search)
            search.starts_with = False
            kind = PRODUCT
    search.kind = kind
    if not search.text:
        rows = public_certificates().none()
    elif kind == NUMBER:
        rows = _by_number(search)
    elif kind == USCC:
        rows = _by_uscc(search)
    elif kind == HOLDER:
        rows = _by_holder_ids(search, matching_holder_ids(search))
    else:
        rows = _by_product(search)
    return _filtered(rows, search)


def find(search: Search) -> QuerySet[Any]:
    """The certificates the search finds, sorted (holder's name, number, body), as public rows
    (``PUBLIC_ROW`` values)."""
    return sorted_rows(matching(search))


def sorted_rows(rows: QuerySet[Certificate]) -> QuerySet[Any]:
    ordered: QuerySet[Any] = rows.order_by("holder_name", "number_key", "body__number", "pk").values(
        *PUBLIC_ROW
    )
    return ordered


class SearchPaginator(CappedPaginator):
    """Pages of sorted public rows, counted on the bare matching rows: the count needs neither the join to
    the bodies nor the sort, which for a broad name (a thousand certificates) halved its time."""

    def __init__(self, rows: QuerySet[Certificate], per_page: int) -> None:
        super().__init__(sorted_rows(rows), per_page)
        self.matching_rows = rows

    @cached_property
    def count(self) -> int:
        total, self.count_is_exact = capped_count(self.matching_rows)
        return total


def results_page(search: Search, page_number: Any = 1, per_page: int = 50) -> Page[Any]:
    """One page of what the search finds, as public rows (:func:`public_row`), counted up to ``COUNT_CAP``:
    what the search page shows, and what ``benchmarks/certificates_search.py`` measures."""
    page = SearchPaginator(matching(search), per_page).get_page(page_number)
    page.object_list = [public_row(row, search.today) for row in page.object_list]
    return page


# One certificate


@lru_cache(maxsize=8)
def _detail_prefix(script_prefix: str) -> str:
    return reverse("certificates:search")


def row_url(row: dict[str, Any]) -> str:
    """The public page of a listed row, or "" when its body has no number yet."""
    number = row["body"]["number"]
    return detail_url(number, row["number"]) if number else ""


def report_url(number: str) -> str:
    """The page to report a suspected fake, with the number that was not found filled in."""
    return reverse("certificates:report_suspect") + "?" + urlencode({"number": number})


def detail_url(body_number: str, number: str) -> str:
    """A certificate's public page: ``reverse("certificates:detail", args=[body_number, number])``, quoted
    the same way, at a tenth of the cost (the API and the search page build one per certificate listed)."""
    path = f"{body_number}/{number}/"
    return _detail_prefix(get_script_prefix()) + quote(path, safe=RFC3986_SUBDELIMS + "/~:@")


def plain_body_number(value: str) -> str | None:
    """A body's approval number as typed (any width or case), or None if it cannot be one."""
    compact = re.sub(r"\s+", "", fold_width(value or "")).upper()
    return compact if _BODY_NUMBER.fullmatch(compact) else None


def records_by_number(
    number: str, *, body: str | None = None, today: dt.date | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Every certificate with this number (at most ``limit``: one per body that uses it), as public records,
    in one query. ``body`` (an approval number) keeps the one issued by that body.

    This is the lookup that public verification serves thousands of times a second, so the statement is
    built by the ORM once (:func:`record_statement`) and then only executed, as a prepared statement on
    PostgreSQL (:func:`_fetch`): building it and planning it took several times longer than running it
    (``benchmarks/certificates_verify.py``)."""
    today = today or timezone.localdate()
    key = number_key(number or "")
    if not key or len(key) > MAX_NUMBER or "\x00" in key:
        return []
    params: list[Any] = [key]
    if body is not None:
        plain = plain_body_number(body)
        if plain is None:
            return []
        params.append(plain)
    rows = _fetch(record_statement(connection.vendor, body is not None), [*params, limit])
    return [public_row(_record_values(row), today) for row in rows]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run the lookup. On PostgreSQL it is a prepared statement, planned once per connection: planning its
    four-table join took three times as long as running it, and Django (which prepares nothing, so as to work
    behind any connection pooler) would plan it on every call. ``CERTIFICATES_PREPARED_LOOKUP = False`` turns
    this off behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21,
    or without ``max_prepared_statements``). The statement is logged like Django's own when queries are."""
    if connection.vendor != "postgresql" or not getattr(settings, "CERTIFICATES_PREPARED_LOOKUP", True):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django's default: prepare nothing. Django's own cursors bind on the
        raw.prepare_threshold = 2**31  # client side and never prepare; this cursor prepares when told to.
    started = time.monotonic()
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall()
    if connection.queries_logged:
        took = time.monotonic() - started
        connection.queries_log.append({"sql": f"{sql} -- prepared; {params!r}", "time": f"{took:.3f}"})
    return rows


_KEY, _BODY = "\x01number key\x01", "\x01body number\x01"  # markers, replaced by parameters
_RECORD_DATES = {"status_since", "suspended_until", "issued_on", "expires_on", "first_issued_on"}
_RECORD_JSON = {"standards", "sites"}


@lru_cache(maxsize=8)
def record_statement(vendor: str, by_body: bool) -> str:
    """The ORM's statement for :func:`records_by_number` (``PUBLIC_RECORD`` columns in that order), with the
    number key, the body's number when ``by_body``, and the limit as parameters. Per database vendor, since
    the SQL differs. ``benchmarks/certificates_verify.py`` gives the same statement to its bare app."""
    rows = Certificate.objects.filter(number_key=_KEY)
    if by_body:
        rows = rows.filter(body__number=_BODY)
    query = rows.order_by("body__number", "pk").values(*PUBLIC_RECORD).query
    sql, params = query.sql_with_params()
    if params != ((_KEY, _BODY) if by_body else (_KEY,)):  # the ORM changed how it builds the statement
        raise RuntimeError(f"Unexpected parameters in the certificate lookup: {params!r}")
    return f"{sql} LIMIT %s"


def _record_values(row: tuple[Any, ...]) -> dict[str, Any]:
    """A fetched row as ``.values()`` would give it: dates and JSON decoded whatever the database driver
    returned (SQLite gives text)."""
    values = dict(zip(PUBLIC_RECORD, row, strict=True))
    for name in _RECORD_DATES:
        if isinstance(values[name], str):
            values[name] = dt.date.fromisoformat(values[name])
    for name in _RECORD_JSON:
        if isinstance(values[name], str | bytes):
            values[name] = json.loads(values[name])
    return values


def records_for_numbers(
    numbers: Iterable[str], *, today: dt.date | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The public rows of many numbers in one query, by number key (for bulk verification)."""
    today = today or timezone.localdate()
    keys = {
        key
        for key in (number_key(n) for n in numbers)
        if key and len(key) <= MAX_NUMBER and "\x00" not in key
    }
    found: dict[str, list[dict[str, Any]]] = {}
    if not keys:
        return found
    rows = Certificate.objects.filter(number_key__in=keys).order_by("body__number", "pk")
    for value in rows.values("number_key", *PUBLIC_ROW):
        found.setdefault(value.pop("number_key"), []).append(public_row(value, today))
    return found


def history(certificate_id: int, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The certificate's status changes in order: date, from, to, until, reason and whether it was the
    regulator's sanction (never who made it). An expiry not yet recorded by the nightly task is added."""
    labels = dict(Status.choices)
    events: list[dict[str, Any]] = [
        dict(event)
        for event in StatusEvent.objects.filter(certificate_id=certificate_id)
        .order_by("effective_on", "id")
        .values("effective_on", "from_status", "to_status", "until", "reason", "sanction")
    ]
    last = events[-1]["to_status"] if events else None
    if record["status"] == Status.EXPIRED and last != Status.EXPIRED:
        events.append(
            {
                "effective_on": record["status_since"],
                "from_status": last or Status.VALID,
                "to_status": Status.EXPIRED,
                "until": None,
                "reason": record["status_reason"],
                "sanction": False,
            }
        )
    for event in events:
        event["from_label"] = labels.get(event["from_status"], event["from_status"])
        event["to_label"] = labels.get(event["to_status"], event["to_status"])
    return events


def verdict_for(number: str) -> str:
    """What the registry answers for a number, for a report of a suspected fake: ``not_found``, ``ambiguous``
    (several bodies use it) or the certificate's status; ``""`` for something that cannot be a number."""
    if not number or len(number_key(number)) > MAX_NUMBER:
        return ""
    records = records_by_number(number, limit=2)
    if not records:
        return "not_found"
    return "ambiguous" if len(records) > 1 else str(records[0]["status"])
