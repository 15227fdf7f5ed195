"""What the certificate registry writes into the public log (``certis.ledger``): one entry per event of a
certificate's life, appended in the transaction of the change, last.

- ``certificate.reported``: a new certificate, with every public field;
- ``certificate.changed``: a certificate reported again, with the public fields that changed (all of them
  from a bulk import, which does not keep the old values);
- ``certificate.suspended`` / ``reinstated`` / ``renewed`` / ``withdrawn`` / ``cancelled`` / ``expired``:
  a status move (``lifecycle.event_word``), with its date, end, reason and whether it is the regulator's
  sanction.

The subject is ``{"body": approval number, "certificate": number}``: a number is unique only within its body.
The fields are those the certificate's public page shows, nothing more (no contact data, no person's
identity number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from certis.certificates import lifecycle
from certis.certificates.models import Certificate, StatusEvent
from certis.certificates.selectors.search import PUBLIC_RECORD
from certis.ledger.services import Item, append, append_many

# The public record without the body's own fields (the body has entries of its own) and the row id.
LOGGED = tuple(name for name in PUBLIC_RECORD if name != "id" and not name.startswith("body__"))
MOVE_VALUES = ("from_status", "to_status", "effective_on", "until", "reason", "sanction")
REPORTED_TYPE = "certificate.reported"
CHANGED_TYPE = "certificate.changed"


def subject(body_number: str | None, number: str) -> dict[str, str]:
    """A certificate's public identifiers; its body has a number (only approved bodies report)."""
    assert body_number, f"certificate {number} of a body without a number"
    return {"body": body_number, "certificate": number}


def subject_of(certificate: Certificate) -> dict[str, str]:
    return subject(certificate.body.number, certificate.number)


def _public(values: dict[str, Any]) -> dict[str, Any]:
    return {name.replace("__", "_"): values[name] for name in LOGGED}


def public_fields(certificate: Certificate) -> dict[str, Any]:
    """The certificate's logged fields as they stand in the database now."""
    values = Certificate.objects.filter(pk=certificate.pk).values(*LOGGED).get()
    return _public(values)


def log_report(certificate: Certificate, *, before: dict[str, Any] | None) -> None:
    """A certificate reported: new (``before`` is None), or again, with the fields that changed from
    ``before`` (its :func:`public_fields` before the change); nothing if none did."""
    fields = public_fields(certificate)
    if before is not None:
        fields = {name: value for name, value in fields.items() if before.get(name) != value}
        if not fields:
            return
    append(type=CHANGED_TYPE if before else REPORTED_TYPE, subject=subject_of(certificate), fields=fields)


def _move_fields(event: StatusEvent | dict[str, Any]) -> dict[str, Any]:
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    return {
        "status": get("to_status"),
        "from": get("from_status"),
        "effective_on": get("effective_on"),
        "until": get("until"),
        "reason": get("reason"),
        "sanction": bool(get("sanction")),
    }


def log_move(certificate: Certificate, event: StatusEvent) -> None:
    word = lifecycle.event_word(event.from_status, event.to_status)
    append(type=f"certificate.{word}", subject=subject_of(certificate), fields=_move_fields(event))


def log_moves(moves: Iterable[tuple[str | None, str, dict[str, Any]]]) -> None:
    """Many status moves at once (the daily expiry, renewals by a file): (body number, number, event values)."""
    append_many(
        Item(
            type=f"certificate.{lifecycle.event_word(values['from_status'], values['to_status'])}",
            subject=subject(body_number, number),
            fields=_move_fields(values),
        )
        for body_number, number, values in moves
    )


def _job_items(job_id: int, since: dt.datetime) -> Iterator[Item]:
    rows = (
        Certificate.objects.filter(import_job_id=job_id)
        .order_by("pk")
        .values("created_at", "body__number", *LOGGED)
        .iterator(chunk_size=5_000)
    )
    for values in rows:
        created = values["created_at"] >= since
        yield Item(
            type=REPORTED_TYPE if created else CHANGED_TYPE,
            subject=subject(values["body__number"], values["number"]),
            fields=_public(values),
        )


def log_import(job_id: int, *, since: dt.datetime) -> None:
    """Every certificate a bulk import created or changed (created: since ``since``), in id order."""
    append_many(_job_items(job_id, since))
