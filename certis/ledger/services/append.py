"""Appending entries to the log, in the caller's transaction.

An entry is written by the transaction that makes the change it records: it is never lost, and never
written for a change that rolled back. Indexes come from one locked row (``LogHead`` pk 1): concurrent
writers queue on it and commit in index order, so the log has no gap and no duplicate.

**Take the lock late.** The row stays locked until the caller's transaction ends, and every other writer of
any app waits for it meanwhile. Call :func:`append` as the last write of the transaction, after the checks
and the other writes, and do no slow work (mail, files, HTTP) between it and the commit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from ..merkle import MAX_ENTRY_BYTES
from ..models import Entry, LogHead

ENTRY_VERSION = 1
LOOKUP_CHUNK = 2_000
LOOKUP_CHUNK_POSTGRESQL = 50_000
INSERT_BATCH = 5_000
FIELD_NAMES = ["index", "data", "entry_type", "subject_kind", "subject_id", "created_at"]  # Entry's, in order
COPY_FROM = 1_000  # entries; below that, bulk_create
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TYPE = re.compile(r"[a-z][a-z0-9_.]{0,63}")


@dataclass(frozen=True)
class Item:
    """One entry to append: what happened (``type``, e.g. ``certificate.suspended``), to what (``subject``:
    the record's public identifiers, e.g. ``{"certificate": "2025010101000001"}``), the public fields that
    changed, and when (now, if not given)."""

    type: str
    subject: Mapping[str, str]
    fields: Mapping[str, Any] = field(default_factory=dict)
    at: dt.datetime | None = None


_CANONICAL = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the same value always gives the same bytes. Dates and decimals
    become strings (as in audit events); NaN and infinities are refused."""
    return _CANONICAL.encode(value)


def subject_key(subject: Mapping[str, str]) -> tuple[str, str]:
    """The (kind, id) columns an entry is found by: ``{"certificate": "2025…"}`` → ``("certificate",
    "2025…")``; several identifiers give kinds joined by ``+`` and the values as a JSON list."""
    if len(subject) == 1:  # the usual case, kept fast for bulk imports
        [(name, value)] = subject.items()
        if _NAME.fullmatch(name) and isinstance(value, str) and value:
            return name, value
    if not subject:
        raise ValueError("An entry names its subject.")
    names = sorted(subject)
    for name in names:
        if not _NAME.fullmatch(name) or not isinstance(subject[name], str) or not subject[name]:
            raise ValueError(f"Bad subject identifier {name!r}: {subject[name]!r}.")
    if len(names) == 1:
        return names[0], subject[names[0]]
    return "+".join(names), canonical_json([subject[name] for name in names])


def _utc(at: dt.datetime) -> str:
    if timezone.is_naive(at):
        raise ValueError("An entry's time is timezone-aware.")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("Ledger entries are appended inside the transaction of the change they record.")


def _lock_head(pk: int) -> LogHead:
    """The counter row, locked until the transaction ends (made on first use)."""
    head = LogHead.objects.select_for_update().filter(pk=pk).first()
    if head is None:
        LogHead.objects.get_or_create(pk=pk)
        head = LogHead.objects.select_for_update().get(pk=pk)
    return head


def _latest_indexes(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The index of the last entry of each subject already in the log."""
    by_kind: dict[str, list[str]] = {}
    for kind, subject_id in keys:
        by_kind.setdefault(kind, []).append(subject_id)
    latest: dict[tuple[str, str], int] = {}
    for kind, ids in by_kind.items():
        chunk = LOOKUP_CHUNK_POSTGRESQL if connection.vendor == "postgresql" else LOOKUP_CHUNK
        for start in range(0, len(ids), chunk):
            latest.update(
                {(kind, subject_id): last for subject_id, last in _last_of(kind, ids[start : start + chunk])}
            )
    return latest


def _last_of(kind: str, ids: list[str]) -> list[tuple[str, int]]:
    if connection.vendor == "postgresql":  # one array parameter, not thousands of them
        table = connection.ops.quote_name(Entry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT subject_id, max(index) FROM {table} WHERE subject_kind = %s AND subject_id = ANY(%s) "  # noqa: S608
                "GROUP BY subject_id",
                [kind, ids],
            )
            found: list[tuple[str, int]] = cursor.fetchall()
            return found
    rows = (
        Entry.objects.filter(subject_kind=kind, subject_id__in=ids)
        .values_list("subject_id")
        .annotate(last=Max("index"))
        .order_by()
    )
    return list(rows)


def _copying(count: int) -> bool:
    """Whether a batch goes in by ``COPY`` (PostgreSQL, large batches: a fraction of the time of an
    ``INSERT`` with that many parameters) rather than ``bulk_create``."""
    return connection.vendor == "postgresql" and count >= COPY_FROM


def _insert(entries: list[Entry]) -> None:
    if not entries or not _copying(len(entries)):
        Entry.objects.bulk_create(entries, batch_size=INSERT_BATCH)
        return
    columns = ", ".join(connection.ops.quote_name(field.column) for field in Entry._meta.concrete_fields)
    table = connection.ops.quote_name(Entry._meta.db_table)
    times: dict[dt.datetime, str] = {}
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        lines = []
        for entry in entries:
            if entry.created_at not in times:
                times[entry.created_at] = entry.created_at.isoformat()
            text = "\t".join(
                map(_copy_text, (entry.data, entry.entry_type, entry.subject_kind, entry.subject_id))
            )
            lines.append(f"{entry.index}\t{text}\t{times[entry.created_at]}\n")
            if len(lines) == INSERT_BATCH:
                copy.write("".join(lines).encode("utf-8"))
                lines.clear()
        copy.write("".join(lines).encode("utf-8"))


def _copy_text(value: str) -> str:
    """A value in COPY's text format: backslashes, tabs and line ends escaped (JSON has no raw tab or line
    end, but has backslashes)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def append(
    *, type: str, subject: Mapping[str, str], fields: Mapping[str, Any], at: dt.datetime | None = None
) -> Entry:
    """Append one entry; call it inside the caller's transaction, as late as possible (see the module)."""
    return append_many([Item(type=type, subject=subject, fields=fields, at=at)])[0]


def append_many(items: Iterable[Item | Mapping[str, Any]]) -> list[Entry]:
    """Append many entries under one lock with one bulk insert, in the order given (a bulk import)."""
    _require_transaction()
    now = timezone.now()
    times: dict[dt.datetime, str] = {}  # a bulk import gives many entries the same time
    prepared = []
    for item in items:
        if isinstance(item, Mapping):
            item = Item(**item)
        if not _TYPE.fullmatch(item.type):
            raise ValueError(f"Bad entry type {item.type!r}.")
        at = item.at or now
        if at not in times:
            times[at] = _utc(at)
        prepared.append((item, subject_key(item.subject), at, times[at]))
    if not prepared:
        return []
    head = _lock_head(LogHead.APPEND)
    latest = _latest_indexes({key for _item, key, _at, _time in prepared})
    entries = []
    copying, alias = _copying(len(prepared)), connection.alias
    for offset, (item, key, at, time) in enumerate(prepared):
        index = head.next_index + offset
        prev = latest.get(key)
        # The document's keys in sorted order: fields, prev, subject, time, type, v.
        data = (
            f'{{"fields":{canonical_json(item.fields)},"prev":{"null" if prev is None else prev},'
            f'"subject":{canonical_json(item.subject)},"time":"{time}","type":"{item.type}","v":{ENTRY_VERSION}}}'
        )
        if len(data) * 4 > MAX_ENTRY_BYTES and len(data.encode("utf-8")) > MAX_ENTRY_BYTES:
            raise ValueError(f"A ledger entry is at most {MAX_ENTRY_BYTES} bytes ({item.type}).")
        latest[key] = index
        if copying:  # as if read back: COPY returns nothing, and the fields' order is Entry's
            entries.append(Entry.from_db(alias, FIELD_NAMES, (index, data, item.type, key[0], key[1], at)))
        else:
            entries.append(
                Entry(
                    index=index,
                    data=data,
                    entry_type=item.type,
                    subject_kind=key[0],
                    subject_id=key[1],
                    created_at=at,
                )
            )
    _insert(entries)
    LogHead.objects.filter(pk=LogHead.APPEND).update(next_index=head.next_index + len(entries))
    return entries
