"""Applying a checked file of certificate reports: the same outcome as calling
``services.report_certificate`` for each row, without a query per row.

Good rows wait in a staging (:func:`staging_for`) while the file is being checked. On PostgreSQL that is a temporary table of
the connection, filled by ``COPY`` batch by batch as the rows are checked (so that the server parses and stores
them while Python checks the next ones); :func:`apply` then runs, in the caller's transaction, four statements:
holders upserted by USCC (the name last reported wins), certificates upserted by (body, number key), expired
certificates renewed by a later expiry date (with their status events), and a check that none of the file's
certificates was closed meanwhile. Elsewhere (SQLite) the rows are spooled to a temporary file and applied in
batches through the ORM.

A certificate reported again exactly as it stands is left alone (its provenance too): re-sending a file changes
nothing. A withdrawn or cancelled certificate is never revived: the check refuses such rows, and if one was
closed while the file was being checked the whole file fails (:class:`ApplyConflict`).

The columns written are listed here; ``tests/test_import_apply.py`` checks that they cover every column of the
certificate and holder tables, so that a field added to the models cannot be silently left out.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.certificates import lifecycle
from certis.certificates.models import Certificate, Holder, ImportJob, StatusEvent
from certis.certificates.services import ledger
from certis.certificates.services.registry import REPORTED_FIELDS

Status = Certificate.Status
LOCK_NAMESPACE = 20_180_024  # pg_advisory_xact_lock(namespace, body id): one import per body at a time

# The staged row's columns and their types, in the order importer.staged_row makes them.
STAGED_COLUMNS = (
    ("row_no", "integer"),
    ("number", "text"),
    ("number_key", "text"),
    ("scheme", "text"),
    ("holder_uscc", "text"),
    ("holder_name", "text"),
    ("holder_name_key", "text"),
    ("holder_address", "text"),
    ("product", "text"),
    ("product_key", "text"),
    ("product_code", "text"),
    ("product_models", "text"),
    ("product_models_key", "text"),
    ("trademark", "text"),
    ("manufacturer", "text"),
    ("factory", "text"),
    ("scope", "text"),
    ("standards", "jsonb"),
    ("mode", "text"),
    ("sites", "jsonb"),
    ("first_issued_on", "date"),
    ("issued_on", "date"),
    ("expires_on", "date"),
    ("signatory_id", "bigint"),
)
STAGED = tuple(name for name, _kind in STAGED_COLUMNS)
# Certificate columns taken from the row as they are: what a report sets (the same fields as the one-by-one
# service), the number, and the search keys the model's save() would compute.
COPIED = ("number", "number_key", *REPORTED_FIELDS, "product_key", "product_models_key")
# Certificate columns the registry sets: provenance, status, times.
SET_HERE = (
    "body_id",
    "holder_id",
    "status",
    "status_since",
    "suspended_until",
    "status_reason",
    "import_job_id",
    "reported_by_id",
    "created_at",
    "updated_at",
)
# What a report may change: the reported fields, their keys and the holder (never the number as first printed,
# nor the status: as services.report_certificate). A certificate whose values all stand is left alone.
REPORTED = (*(name for name in COPIED if name not in ("number", "number_key")), "holder_id")
# What an update sets besides: who reported it, in which file, when.
PROVENANCE = ("import_job_id", "reported_by_id", "updated_at")
HOLDER_COLUMNS = ("uscc", "name", "name_key", "address", "trusted", "organisation_id")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0  # reported before: changed, or left alone because nothing changed
    unchanged: int = 0
    renewed: int = 0


class ApplyConflict(Exception):
    """The registry changed between checking and applying in a way the check could not see."""


def conflict() -> ApplyConflict:
    return ApplyConflict(
        _(
            "While the file was being checked, some of its certificates were withdrawn or cancelled; nothing "
            "was applied. Upload the file again to see which rows."
        )
    )


# Where good rows wait


def staging_for(job: ImportJob) -> TempTable | Spool:
    return TempTable(job) if connection.vendor == "postgresql" else Spool()


class TempTable:
    """A temporary table of this connection, filled by one ``COPY`` per batch. Outside a transaction each batch
    is committed as it comes, which costs nothing here: nobody else sees a temporary table, and it is dropped
    when the job ends (or with the session, if the process dies)."""

    def __init__(self, job: ImportJob) -> None:
        # The only text put into statements: a name made of the job's id (an integer).
        self.name = f"certis_import_{int(job.pk)}"
        columns = ", ".join(f"{name} {kind}" for name, kind in STAGED_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            cursor.execute(f"CREATE TEMP TABLE {self.name} ({columns})")

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {self.name} ({', '.join(STAGED)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.name}")


class Spool:
    """Batches of rows pickled to a temporary file, for databases without COPY."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        pickle.dump(rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 (our own temporary file, written by add())
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def apply(job: ImportJob, staging: TempTable | Spool, *, rows: int, today: dt.date) -> Counts:
    """Apply the staged rows of the job; the caller holds the transaction. The certificates created or
    changed, then the renewals, go into the public log last (``services.ledger``)."""
    started = timezone.now()
    last_event = StatusEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if isinstance(staging, TempTable):
        counts = _apply_postgresql(job, staging.name, rows=rows, today=today)
    else:
        counts = _apply_orm(job, staging.batches(), today=today)
    ledger.log_import(job.pk, since=started)
    if counts.renewed:
        ledger.log_moves(_renewals_since(job, last_event))
    return counts


def _renewals_since(job: ImportJob, last_event: int) -> Iterator[tuple[str | None, str, dict[str, Any]]]:
    events = (
        StatusEvent.objects.filter(pk__gt=last_event, certificate__import_job_id=job.pk)
        .order_by("pk")
        .values("certificate__body__number", "certificate__number", *ledger.MOVE_VALUES)
    )
    for values in events.iterator(chunk_size=5_000):
        yield values.pop("certificate__body__number"), values.pop("certificate__number"), values


# PostgreSQL


def _apply_postgresql(job: ImportJob, temp: str, *, rows: int, today: dt.date) -> Counts:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, job.body_id])
        cursor.execute(f"ANALYZE {temp} (holder_uscc, number_key)")
        cursor.execute(_holders_sql(temp))
        cursor.execute(
            _certificates_sql(temp),
            {
                "body": job.body_id,
                "valid": Status.VALID,
                "today": today,
                "job": job.pk,
                "user": job.uploaded_by_id,
                "now": now,
                "closed": list(lifecycle.CLOSED),
            },
        )
        created, changed = cursor.fetchone()
        # Every certificate of the file is locked now: one closed since the check began stays closed.
        cursor.execute(
            "SELECT count(*) FROM certificates_certificate c "  # noqa: S608
            "WHERE c.body_id = %s AND c.status = ANY(%s) AND c.updated_at >= %s "
            f"AND EXISTS (SELECT 1 FROM {temp} t WHERE t.number_key = c.number_key)",
            [job.body_id, list(lifecycle.CLOSED), job.started_at or job.created_at],
        )
        if cursor.fetchone()[0]:
            raise conflict()
        renewed = _renew_postgresql(cursor, job, today, now)
    updated = rows - created
    return Counts(created=created, updated=updated, unchanged=updated - (changed - created), renewed=renewed)


def _holders_sql(temp: str) -> str:
    return (
        "INSERT INTO certificates_holder AS h (uscc, name, name_key, address, trusted) "  # noqa: S608
        "SELECT DISTINCT ON (holder_uscc) holder_uscc, holder_name, holder_name_key, holder_address, false "
        f"FROM {temp} ORDER BY holder_uscc, row_no DESC "
        "ON CONFLICT (uscc) DO UPDATE SET name = EXCLUDED.name, name_key = EXCLUDED.name_key, "
        "address = EXCLUDED.address "
        "WHERE (h.name, h.address) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.address)"
    )


def _certificates_sql(temp: str) -> str:
    columns = ", ".join((*COPIED, *SET_HERE))
    values = ", ".join(
        (
            *(f"t.{name}" for name in COPIED),
            "%(body)s",
            "h.id",
            "%(valid)s",
            "LEAST(%(today)s::date, t.issued_on)",
            "NULL",
            "''",
            "%(job)s",
            "%(user)s",
            "%(now)s",
            "%(now)s",
        )
    )
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*REPORTED, *PROVENANCE))
    old = ", ".join(f"c.{name}" for name in REPORTED)
    new = ", ".join(f"EXCLUDED.{name}" for name in REPORTED)
    return (
        f"WITH upserted AS (INSERT INTO certificates_certificate AS c ({columns}) "  # noqa: S608
        f"SELECT {values} FROM {temp} t JOIN certificates_holder h ON h.uscc = t.holder_uscc "
        f"ON CONFLICT (body_id, number_key) DO UPDATE SET {updates} "
        f"WHERE c.status <> ALL(%(closed)s) AND ({old}) IS DISTINCT FROM ({new}) "
        "RETURNING (xmax = 0) AS created) "
        "SELECT count(*) FILTER (WHERE created), count(*) FROM upserted"
    )


def _renew_postgresql(cursor: Any, job: ImportJob, today: dt.date, now: dt.datetime) -> int:
    """Expired certificates that this job gave a later expiry date become valid again."""
    cursor.execute(
        "SELECT id, expires_on FROM certificates_certificate "
        "WHERE body_id = %s AND status = %s AND import_job_id = %s AND expires_on > %s ORDER BY id",
        [job.body_id, Status.EXPIRED, job.pk, today],
    )
    renewals = cursor.fetchall()
    if renewals:
        cursor.execute(
            "UPDATE certificates_certificate AS c SET status = %s, status_since = %s, "
            "status_reason = r.reason, suspended_until = NULL, updated_at = %s "
            "FROM unnest(%s::bigint[], %s::text[]) AS r(id, reason) WHERE c.id = r.id",
            [
                Status.VALID,
                today,
                now,
                [pk for pk, _day in renewals],
                [lifecycle.renewal_reason(day) for _pk, day in renewals],
            ],
        )
        _renewal_events(job, renewals, today)
    return len(renewals)


def _renewal_events(job: ImportJob, renewals: list[tuple[int, dt.date]], today: dt.date) -> None:
    StatusEvent.objects.bulk_create(
        (
            StatusEvent(
                certificate_id=pk,
                from_status=Status.EXPIRED,
                to_status=Status.VALID,
                effective_on=today,
                reason=lifecycle.renewal_reason(day),
                actor_id=job.uploaded_by_id,
                actor_organisation_id=job.body.organisation_id,
            )
            for pk, day in renewals
        ),
        batch_size=2_000,
    )


# Other databases: batches through the ORM


def _apply_orm(job: ImportJob, batches: Iterator[list[tuple[Any, ...]]], *, today: dt.date) -> Counts:
    counts = Counts()
    now = timezone.now()
    for batch in batches:
        rows = [dict(zip(STAGED, row, strict=True)) for row in batch]
        holders = _save_holders(rows)
        existing = {
            c.number_key: c
            for c in Certificate.objects.select_for_update().filter(
                body_id=job.body_id, number_key__in=[row["number_key"] for row in rows]
            )
        }
        new, changed, renewals = [], [], []
        for row in rows:
            certificate = existing.get(row["number_key"])
            holder_id = holders[row["holder_uscc"]]
            if certificate is None:
                certificate = Certificate(
                    body_id=job.body_id,
                    number=row["number"],
                    number_key=row["number_key"],
                    status=Status.VALID,
                    status_since=min(today, row["issued_on"]),
                    created_at=now,
                )
                _fill(certificate, row, holder_id)
                new.append(certificate)
            elif certificate.status in lifecycle.CLOSED:
                raise conflict()
            elif _fill(certificate, row, holder_id):
                changed.append(certificate)
            else:
                counts.unchanged += 1
                continue
            certificate.import_job_id = job.pk
            certificate.reported_by_id = job.uploaded_by_id
            certificate.updated_at = now
            if lifecycle.renews(certificate.status, certificate.expires_on, today):
                certificate.status, certificate.status_since = Status.VALID, today
                certificate.status_reason = lifecycle.renewal_reason(certificate.expires_on)
                certificate.suspended_until = None
                renewals.append(certificate)
        Certificate.objects.bulk_create(new, batch_size=500)
        Certificate.objects.bulk_update(changed, _ORM_UPDATED, batch_size=500)
        _renewal_events(job, [(c.pk, c.expires_on) for c in renewals], today)
        counts.created += len(new)
        counts.updated += len(changed)
        counts.renewed += len(renewals)
    counts.updated += counts.unchanged
    return counts


def _fill(certificate: Certificate, row: dict[str, Any], holder_id: int) -> bool:
    """Set the reported values; whether any differed from what the certificate had."""
    differs = certificate.holder_id != holder_id
    for name in REPORTED[:-1]:
        value = row[name]
        if name in ("standards", "sites"):
            value = json.loads(value)
        differs = differs or getattr(certificate, name) != value
        setattr(certificate, name, value)
    certificate.holder_id = holder_id
    return differs


def _save_holders(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Holders by USCC, created or renamed to the name last reported in the batch; their ids by USCC."""
    last = {row["holder_uscc"]: row for row in rows}
    existing = {h.uscc: h for h in Holder.objects.filter(uscc__in=list(last))}
    new, changed = [], []
    for uscc, row in last.items():
        holder = existing.get(uscc)
        if holder is None:
            new.append(
                Holder(
                    uscc=uscc,
                    name=row["holder_name"],
                    name_key=row["holder_name_key"],
                    address=row["holder_address"],
                )
            )
        elif (holder.name, holder.address) != (row["holder_name"], row["holder_address"]):
            holder.name, holder.name_key, holder.address = (
                row["holder_name"],
                row["holder_name_key"],
                row["holder_address"],
            )
            changed.append(holder)
    Holder.objects.bulk_create(new, batch_size=500)
    Holder.objects.bulk_update(changed, ["name", "name_key", "address"], batch_size=500)
    return dict(Holder.objects.filter(uscc__in=list(last)).values_list("uscc", "id"))


_ORM_UPDATED = [
    *(name.removesuffix("_id") for name in (*REPORTED, *PROVENANCE)),
    "status",
    "status_since",
    "status_reason",
    "suspended_until",
]
