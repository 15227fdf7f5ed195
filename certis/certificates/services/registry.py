"""Changes to certificates: reporting one (create or update by body and number) and its lifecycle.

Every change runs in one transaction, takes the certificate's row lock, writes a :class:`StatusEvent` when the
status moves and an audit event. Bulk files go through ``certis.certificates.services.imports``, which uses the same
rules (``certis.certificates.rules``) and the same holder upsert.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, Organisation
from certis.audit.models import AuditEvent, EventType
from certis.audit.services import changes, record
from certis.bodies.models import Body
from certis.certificates import lifecycle
from certis.certificates.models import Certificate, Holder, ImportJob, StatusEvent, number_key
from certis.certificates.services import ledger

Status = Certificate.Status

# The fields a report sets; the rest (status, keys, provenance) are the registry's own.
REPORTED_FIELDS = (
    "scheme",
    "holder_name",
    "holder_address",
    "product",
    "product_code",
    "product_models",
    "trademark",
    "manufacturer",
    "factory",
    "scope",
    "standards",
    "mode",
    "sites",
    "first_issued_on",
    "issued_on",
    "expires_on",
    "signatory_id",
)


def save_holder(*, uscc: str, name: str, address: str) -> Holder:
    """The holder with this USCC, created or renamed to the name last reported for it."""
    holder, created = Holder.objects.get_or_create(uscc=uscc, defaults={"name": name, "address": address})
    if not created and (holder.name != name or holder.address != address):
        holder.name, holder.address = name, address
        holder.save(update_fields=["name", "name_key", "address"])
    return holder


@transaction.atomic
def report_certificate(
    *, acting_user: Actor, body: Body, data: dict[str, Any], import_job: ImportJob | None = None
) -> tuple[Certificate, bool]:
    """Create the certificate (body, number), or update it if the body reported it before.

    ``data`` is what ``rules.check_row`` returned for this body. Reporting a withdrawn or cancelled
    certificate is refused there; reporting an expired one with a later expiry date renews it.
    """
    holder = save_holder(uscc=data["holder_uscc"], name=data["holder_name"], address=data["holder_address"])
    today = timezone.localdate()
    certificate = (
        Certificate.objects.select_for_update()
        .filter(body=body, number_key=number_key(data["number"]))
        .first()
    )
    created = certificate is None
    before: dict[str, Any] = {}
    logged_before = None if certificate is None else ledger.public_fields(certificate)
    if certificate is None:
        certificate = Certificate(body=body, number=data["number"], status=Status.VALID, status_since=today)
    else:
        if certificate.status in lifecycle.CLOSED:
            raise ValidationError(lifecycle.closed_refusal(certificate.number))
        before = {name: getattr(certificate, name) for name in REPORTED_FIELDS}
    for name in REPORTED_FIELDS:
        setattr(certificate, name, data[name])
    certificate.holder = holder
    certificate.import_job = import_job
    certificate.reported_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    renewed = lifecycle.renews(certificate.status, certificate.expires_on, today)
    if created:
        certificate.status_since = min(today, certificate.issued_on)
    certificate.save()
    renewal = None
    if renewed:
        renewal = _move(
            certificate,
            Status.VALID,
            reason=lifecycle.renewal_reason(certificate.expires_on),
            acting_user=acting_user,
            organisation=body.organisation,
            effective_on=today,
        )
    after = {name: getattr(certificate, name) for name in REPORTED_FIELDS}
    record(
        EventType.CERTIFICATE_REPORTED if created else EventType.CERTIFICATE_UPDATED,
        actor=acting_user,
        target=certificate,
        organisation=body.organisation,
        data={"number": certificate.number} if created else changes(before, after),
    )
    ledger.log_report(certificate, before=logged_before)
    if renewal is not None:
        ledger.log_move(certificate, renewal)
    return certificate, created


def _move(
    certificate: Certificate,
    to: str,
    *,
    reason: str,
    acting_user: Actor,
    organisation: Organisation | None,
    effective_on: dt.date,
    until: dt.date | None = None,
    sanction: bool = False,
) -> StatusEvent:
    """Record the move and set the certificate's status; the caller holds the row lock."""
    event = StatusEvent.objects.create(
        certificate=certificate,
        from_status=certificate.status,
        to_status=to,
        effective_on=effective_on,
        until=until,
        reason=reason,
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        actor_organisation=organisation,
        sanction=sanction,
    )
    certificate.status, certificate.status_since, certificate.status_reason = to, effective_on, reason
    certificate.suspended_until = until if to == Status.SUSPENDED else None
    certificate.save(
        update_fields=["status", "status_since", "status_reason", "suspended_until", "updated_at"]
    )
    return event


@transaction.atomic
def change_status(
    *,
    acting_user: Actor,
    certificate: Certificate,
    status: str,
    reason: str,
    organisation: Organisation | None = None,
    until: dt.date | None = None,
    sanction: bool = False,
    effective_on: dt.date | None = None,
) -> Certificate:
    """Suspend (until a date), reinstate, withdraw or cancel a certificate, with the reason.

    ``sanction`` marks a regulator's decision; a suspension that was a sanction is lifted only by the
    regulator. Who may call this for which certificate is decided by ``access``, not here.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason; it is shown with the certificate's status.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    effective_on = effective_on or timezone.localdate()
    why_not = lifecycle.refusal(
        certificate, status, sanction=sanction, is_sanctioned=lifecycle.sanctioned(certificate)
    )
    if why_not:
        raise ValidationError(why_not)
    errors = lifecycle.until_errors(status, until, effective_on)
    if errors:
        raise ValidationError(errors)
    before = certificate.status
    event = _move(
        certificate,
        status,
        reason=reason,
        acting_user=acting_user,
        organisation=organisation,
        effective_on=effective_on,
        until=until,
        sanction=sanction,
    )
    record(
        EventType.CERTIFICATE_STATUS_CHANGED,
        actor=acting_user,
        target=certificate,
        organisation=organisation,
        data={
            "before": {"status": before},
            "after": {"status": status},
            "reason": reason,
            "event": event.pk,
            "sanction": sanction,
            "until": until,
        },
    )
    ledger.log_move(certificate, event)
    return certificate


def suspend_certificate(*, until: dt.date, **kwargs: Any) -> Certificate:
    return change_status(status=Status.SUSPENDED, until=until, **kwargs)


def reinstate_certificate(**kwargs: Any) -> Certificate:
    return change_status(status=Status.VALID, **kwargs)


def withdraw_certificate(**kwargs: Any) -> Certificate:
    return change_status(status=Status.WITHDRAWN, **kwargs)


def cancel_certificate(**kwargs: Any) -> Certificate:
    return change_status(status=Status.CANCELLED, **kwargs)


@transaction.atomic
def expire_due_certificates(*, today: dt.date | None = None, batch: int = 5000) -> int:
    """Mark expired every valid or suspended certificate whose expiry date has passed; the scheduled task.

    A certificate is valid through its expiry date and expired from the day after.

    Set-based, in batches under row locks (``skip_locked``: a certificate being changed right now is expired
    on the next run), so that a day with many expiries does not hold the table.
    """
    today = today or timezone.localdate()
    reason = lifecycle.expiry_reason()
    total = 0
    logged: list[tuple[str | None, str, dict[str, Any]]] = []
    while True:
        due = list(
            Certificate.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=lifecycle.LIVE, expires_on__lt=today)
            .values_list("pk", "status", "expires_on", "body__number", "number")[:batch]
        )
        if not due:
            break
        StatusEvent.objects.bulk_create(
            StatusEvent(
                certificate_id=pk,
                from_status=status,
                to_status=Status.EXPIRED,
                effective_on=lifecycle.expired_since(expires_on),
                reason=reason,
            )
            for pk, status, expires_on, _body, _number in due
        )
        logged.extend(
            (body_number, number, _expiry(status, expires_on, reason))
            for _pk, status, expires_on, body_number, number in due
        )
        for expires_on in {row[2] for row in due}:
            Certificate.objects.filter(pk__in=[row[0] for row in due if row[2] == expires_on]).update(
                status=Status.EXPIRED,
                status_since=lifecycle.expired_since(expires_on),
                status_reason=reason,
                suspended_until=None,
                updated_at=timezone.now(),
            )
        total += len(due)
    if total:
        AuditEvent.objects.create(
            event_type=EventType.CERTIFICATES_EXPIRED,
            target_type="certificates.certificate",
            target_id="*",
            target_repr=_("%(count)d certificates expired") % {"count": total},
            data={"count": total, "before": str(today)},
        )
        ledger.log_moves(logged)
    return total


def _expiry(status: str, expires_on: dt.date, reason: str) -> dict[str, Any]:
    return {
        "from_status": status,
        "to_status": Status.EXPIRED,
        "effective_on": lifecycle.expired_since(expires_on),
        "until": None,
        "reason": reason,
        "sanction": False,
    }
