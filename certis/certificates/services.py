"""Changes to certificates: reporting one (create or update by body and number) and its lifecycle.

Every change runs in one transaction, takes the certificate's row lock, writes a :class:`StatusEvent` when the
status moves and an audit event. Bulk files go through ``certis.certificates.importer``, which uses the same
rules (``certis.certificates.rules``) and the same holder upsert.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.audit.models import EventType
from certis.audit.services import changes, record
from certis.bodies.models import Body

from .models import Certificate, Holder, ImportJob, StatusEvent, number_key

Status = Certificate.Status

# Which status a certificate may move to from which. Withdrawn and cancelled are final; an expired certificate
# comes back only by being reported again with a later expiry date (a renewal), never by a status move.
MOVES: dict[str, set[str]] = {
    Status.VALID: {Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED},
    Status.SUSPENDED: {Status.VALID, Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED},
    Status.WITHDRAWN: set(),
    Status.CANCELLED: set(),
    Status.EXPIRED: set(),
}

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
    *, acting_user: Any, body: Body, data: dict[str, Any], import_job: ImportJob | None = None
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
    if certificate is None:
        certificate = Certificate(body=body, number=data["number"], status=Status.VALID, status_since=today)
    else:
        if certificate.status in (Status.WITHDRAWN, Status.CANCELLED):
            raise ValidationError(
                _("Certificate %(number)s has been withdrawn or cancelled and cannot be reported again.")
                % {"number": certificate.number}
            )
        before = {name: getattr(certificate, name) for name in REPORTED_FIELDS}
    for name in REPORTED_FIELDS:
        setattr(certificate, name, data[name])
    certificate.holder = holder
    certificate.import_job = import_job
    certificate.reported_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    renewed = certificate.status == Status.EXPIRED and certificate.expires_on > today
    if created:
        certificate.status_since = min(today, certificate.issued_on)
    certificate.save()
    if renewed:
        _move(
            certificate,
            Status.VALID,
            reason=_("Renewed until %(day)s.") % {"day": certificate.expires_on},
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
    return certificate, created


def _move(
    certificate: Certificate,
    to: str,
    *,
    reason: str,
    acting_user: Any,
    organisation: Any,
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


def refusal(certificate: Certificate, to: str) -> str | None:
    """Why the certificate cannot move to that status now, or None if it can."""
    if to in MOVES[certificate.status]:
        return None
    if certificate.status in (Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED):
        return _("Certificate %(number)s is %(status)s; that is final.") % {
            "number": certificate.number,
            "status": certificate.get_status_display(),
        }
    return _("A certificate that is %(from)s cannot become %(to)s.") % {
        "from": certificate.get_status_display(),
        "to": Status(to).label,
    }


@transaction.atomic
def change_status(
    *,
    acting_user: Any,
    certificate: Certificate,
    status: str,
    reason: str,
    organisation: Any = None,
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
    why_not = refusal(certificate, status)
    if why_not:
        raise ValidationError(why_not)
    if status == Status.SUSPENDED:
        if until is None:
            raise ValidationError({"until": _("Say until when the certificate is suspended.")})
        if until <= effective_on:
            raise ValidationError({"until": _("The end of the suspension must be after its start.")})
    if status == Status.VALID and not sanction and _suspended_as_sanction(certificate):
        raise ValidationError(
            _("The regulator suspended this certificate; only the regulator can reinstate it.")
        )
    if status == Status.CANCELLED and not sanction and _suspended_as_sanction(certificate):
        # A cancellation at the holder's request is neutral; it must not end a sanction before the regulator
        # decides. The body may still withdraw, which is no milder than the suspension.
        raise ValidationError(
            _(
                "The regulator suspended this certificate as a sanction; it cannot be cancelled until the regulator decides."
            )
        )
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
    return certificate


def _suspended_as_sanction(certificate: Certificate) -> bool:
    last = certificate.events.filter(to_status=Status.SUSPENDED).order_by("-id").first()
    return certificate.status == Status.SUSPENDED and last is not None and last.sanction


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
    reason = _("Expired on its expiry date.")
    total = 0
    while True:
        due = list(
            Certificate.objects.select_for_update(skip_locked=True)
            .filter(status__in=[Status.VALID, Status.SUSPENDED], expires_on__lt=today)
            .values_list("pk", "status", "expires_on")[:batch]
        )
        if not due:
            break
        StatusEvent.objects.bulk_create(
            StatusEvent(
                certificate_id=pk,
                from_status=status,
                to_status=Status.EXPIRED,
                effective_on=expires_on + dt.timedelta(days=1),
                reason=reason,
            )
            for pk, status, expires_on in due
        )
        for expires_on in {row[2] for row in due}:
            Certificate.objects.filter(pk__in=[pk for pk, _s, e in due if e == expires_on]).update(
                status=Status.EXPIRED,
                status_since=expires_on + dt.timedelta(days=1),
                status_reason=reason,
                suspended_until=None,
                updated_at=timezone.now(),
            )
        total += len(due)
    if total:
        from certis.audit.models import AuditEvent

        AuditEvent.objects.create(
            event_type=EventType.CERTIFICATES_EXPIRED,
            target_type="certificates.certificate",
            target_id="*",
            target_repr=_("%(count)d certificates expired") % {"count": total},
            data={"count": total, "before": str(today)},
        )
    return total
