"""Changes to the registers themselves: bodies and labs, their scope, accreditation and status; personnel,
their qualifications and employer. Each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, Organisation
from certis.audit.models import EventType
from certis.audit.services import changes, record
from certis.core.identifiers import clean_identity_number, clean_uscc, digest, mask_identity_number, seal
from certis.core.text import normalize
from certis.ledger.services import append

from ..models import (
    Accreditation,
    Body,
    Employment,
    NumberSequence,
    Person,
    Qualification,
    ScopeEntry,
    StatusChange,
)
from .lifecycle import APPROVABLE_STATUSES, CHANGEABLE_STATUSES, PERSON_FINAL_STATUSES, body_moves

Status = Body.Status

_ORGANISATION_KIND = {
    Body.Kind.CERTIFICATION_BODY: Organisation.Kind.CERTIFICATION_BODY,
    Body.Kind.LAB: Organisation.Kind.LAB,
}


@dataclass(frozen=True)
class Scope:
    """One line of scope as asked for or granted."""

    category: str
    scheme: str = ""
    standards: str = ""


@transaction.atomic
def register_body(
    *,
    acting_user: Actor,
    kind: str,
    name: str,
    uscc: str,
    address: str,
    region: str,
    organisation: Organisation | None = None,
    parent: Body | None = None,
) -> Body:
    """Enter a body or lab in the register as applying: not yet public, it becomes so when approved."""
    code = clean_uscc(uscc)
    if Body.objects.filter(uscc=code).exists():
        raise ValidationError(
            {"uscc": _("A body with this unified social credit code is already registered.")}
        )
    if not name.strip():
        raise ValidationError({"name": _("Give the body's name.")})
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name.strip(), kind=_ORGANISATION_KIND[Body.Kind(kind)]
        )
    body = Body.objects.create(
        organisation=organisation,
        kind=kind,
        name=name.strip(),
        uscc=code,
        address=address.strip(),
        region=region.strip(),
        parent=parent,
    )
    record(EventType.BODY_REGISTERED, actor=acting_user, target=body, data={"kind": kind, "uscc": code})
    return body


def next_number(kind: str, year: int) -> str:
    """The next approval number for the year, under a row lock: CNCA-R-2026-001 for a certification body,
    a 12-digit qualification number (year, then sequence) for a lab. Call inside a transaction."""
    prefix = "CNCA-R" if kind == Body.Kind.CERTIFICATION_BODY else "CMA"
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    while True:
        sequence.last += 1
        number = (
            f"CNCA-R-{year}-{sequence.last:03d}"
            if prefix == "CNCA-R"
            else f"{year % 100:02d}{sequence.last:010d}"
        )
        if not Body.objects.filter(
            number=number
        ).exists():  # a number entered by hand before Certis took over
            break
    sequence.save(update_fields=["last"])
    return number


@transaction.atomic
def approve_body(
    *,
    acting_user: Actor,
    body: Body,
    scope: Iterable[Scope],
    approved_on: dt.date,
    valid_until: dt.date | None = None,
    number: str | None = None,
    reason: str = "",
) -> Body:
    """Give the body its number and scope and list it in the register as approved.

    ``number`` is for bodies approved before Certis (their existing number is kept); otherwise the next one is
    taken. A body approved again (renewal) keeps its number.
    """
    body = Body.objects.select_for_update().get(pk=body.pk)
    if body.status not in APPROVABLE_STATUSES:
        raise ValidationError(
            _("A body that is %(status)s cannot be approved.") % {"status": body.get_status_display()}
        )
    if body.number is None:
        body.number = number or next_number(body.kind, approved_on.year)
    elif number and number != body.number:
        raise ValidationError(_("A body keeps its approval number; it cannot be given another."))
    before = {"status": body.status, "valid_until": body.valid_until}
    if body.status == Status.APPLYING:
        _status_change(body, Status.APPROVED, approved_on, reason or _("Approved"), acting_user)
        body.approved_on = approved_on
    body.valid_until = valid_until
    try:
        with transaction.atomic():
            body.save()
    except IntegrityError:
        raise ValidationError(
            {"number": _("The approval number %(number)s is already in use.") % {"number": body.number}}
        ) from None
    added = grant_scope(body=body, scope=scope, granted_on=approved_on)
    record(
        EventType.BODY_APPROVED,
        actor=acting_user,
        target=body,
        organisation=body.organisation,
        data={
            "number": body.number,
            "scope_added": added,
            **changes(before, {"status": body.status, "valid_until": body.valid_until}),
        },
    )
    _log(body, "body.approved", {**_register_entry(body), "reason": reason})
    return body


def grant_scope(*, body: Body, scope: Iterable[Scope], granted_on: dt.date) -> int:
    """Add scope lines the body does not hold yet; returns how many were added. Runs inside the caller's service."""
    held = {(s.scheme, normalize(s.category)) for s in body.scope.filter(removed_on__isnull=True)}
    new = []
    for line in scope:
        key = (line.scheme, normalize(line.category))
        if key not in held:
            held.add(key)
            new.append(
                ScopeEntry(
                    body=body,
                    scheme=line.scheme,
                    category=line.category.strip(),
                    standards=line.standards.strip(),
                    granted_on=granted_on,
                )
            )
    ScopeEntry.objects.bulk_create(new)
    return len(new)


def _require_changeable(body: Body) -> None:
    if body.status not in CHANGEABLE_STATUSES:
        raise ValidationError(
            _("%(body)s is %(status)s: its register entry cannot change now.")
            % {"body": body.name, "status": body.get_status_display()}
        )


@transaction.atomic
def extend_scope(
    *, acting_user: Actor, body: Body, scope: Iterable[Scope], granted_on: dt.date, application: str
) -> int:
    """Grant an approved body more scope on an application (its reference is kept with the event); returns
    how many lines were added."""
    _require_changeable(body)
    added = grant_scope(body=body, scope=scope, granted_on=granted_on)
    record(
        EventType.BODY_SCOPE_CHANGED,
        actor=acting_user,
        target=body,
        organisation=body.organisation,
        data={"added": added, "application": application},
    )
    if added:
        _log(body, "body.scope_changed", {"scope": _scope_lines(body), "application": application})
    return added


@transaction.atomic
def change_particulars(
    *, acting_user: Actor, body: Body, particulars: dict[str, str], application: str
) -> Body:
    """Change an approved body's particulars (name, address) on an application (its reference is kept)."""
    _require_changeable(body)
    before = {key: getattr(body, key) for key in particulars}
    for key, value in particulars.items():
        setattr(body, key, value)
    body.save()
    after = {key: getattr(body, key) for key in particulars}
    record(
        EventType.BODY_PARTICULARS_CHANGED,
        actor=acting_user,
        target=body,
        organisation=body.organisation,
        data={**changes(before, after), "application": application},
    )
    changed = {key: value for key, value in after.items() if before[key] != value}
    if changed:
        _log(body, "body.changed", {**changed, "application": application})
    return body


def _status_change(body: Body, to: str, effective_on: dt.date, reason: str, acting_user: Actor) -> None:
    if to not in body_moves(body.status):
        raise ValidationError(
            _("A body that is %(from)s cannot become %(to)s.")
            % {"from": body.get_status_display(), "to": Status(to).label if to in Status.values else to}
        )
    StatusChange.objects.create(
        body=body,
        from_status=body.status,
        to_status=to,
        effective_on=effective_on,
        reason=reason,
        decided_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    body.status, body.status_since = to, effective_on


@transaction.atomic
def change_body_status(
    *, acting_user: Actor, body: Body, status: str, reason: str, effective_on: dt.date | None = None
) -> Body:
    """Suspend, reinstate, withdraw or cancel a body; the reason is kept in the register's history."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason; it is published with the change.")})
    body = Body.objects.select_for_update().get(pk=body.pk)
    if body.status == Status.APPLYING:
        raise ValidationError(_("A body not yet approved has no status to change; decide its application."))
    before = body.status
    _status_change(body, status, effective_on or timezone.localdate(), reason.strip(), acting_user)
    body.save(update_fields=["status", "status_since"])
    record(
        EventType.BODY_STATUS_CHANGED,
        actor=acting_user,
        target=body,
        organisation=body.organisation,
        data={"before": {"status": before}, "after": {"status": body.status}, "reason": reason.strip()},
    )
    _log(
        body,
        "body.status_changed",
        {"status": body.status, "from": before, "effective_on": body.status_since, "reason": reason.strip()},
    )
    return body


@transaction.atomic
def record_accreditation(
    *,
    acting_user: Actor,
    body: Body,
    accreditation_body: str,
    number: str,
    scope: str,
    valid_from: dt.date,
    valid_until: dt.date,
) -> Accreditation:
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("The accreditation cannot end before it starts.")})
    if Accreditation.objects.filter(
        accreditation_body=accreditation_body.strip(), number=number.strip()
    ).exists():
        raise ValidationError({"number": _("This accreditation is already recorded.")})
    accreditation = Accreditation.objects.create(
        body=body,
        accreditation_body=accreditation_body.strip(),
        number=number.strip(),
        scope=scope.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    record(
        EventType.ACCREDITATION_RECORDED,
        actor=acting_user,
        target=body,
        data={
            "accreditation_body": accreditation.accreditation_body,
            "number": accreditation.number,
            "valid_until": valid_until,
        },
    )
    return accreditation


def accreditation_valid_on(body: Body, day: dt.date) -> Accreditation | None:
    return body.accreditations.filter(valid_from__lte=day, valid_until__gte=day).first()


@transaction.atomic
def register_person(
    *, acting_user: Actor, name: str, identity_number: str, registration_number: str
) -> Person:
    """Register a certification person; the identity number is checked, then kept only digested, sealed and masked."""
    number = clean_identity_number(identity_number)
    if not name.strip():
        raise ValidationError({"name": _("Give the person's name.")})
    if not registration_number.strip():
        raise ValidationError({"registration_number": _("Give the registration number.")})
    key = digest(number)
    if Person.objects.filter(id_number_digest=key).exists():
        raise ValidationError(
            {"identity_number": _("A person with this identity number is already registered.")}
        )
    if Person.objects.filter(registration_number=registration_number.strip()).exists():
        raise ValidationError({"registration_number": _("This registration number is already in use.")})
    person = Person.objects.create(
        name=name.strip(),
        registration_number=registration_number.strip(),
        id_number_digest=key,
        id_number_sealed=seal(number),
        id_number_masked=mask_identity_number(number),
        status_since=timezone.localdate(),
    )
    record(
        EventType.PERSON_REGISTERED,
        actor=acting_user,
        target=person,
        data={"registration_number": person.registration_number},
    )
    return person


@transaction.atomic
def qualify_person(
    *,
    acting_user: Actor,
    person: Person,
    role: str,
    grade: str,
    schemes: list[str],
    valid_from: dt.date,
    valid_until: dt.date,
    field_codes: list[str] | None = None,
) -> Qualification:
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("The qualification cannot end before it starts.")})
    if not schemes:
        raise ValidationError({"schemes": _("Name at least one scheme.")})
    qualification = Qualification.objects.create(
        person=person,
        role=role,
        grade=grade,
        schemes=sorted(set(schemes)),
        field_codes=sorted(set(field_codes or [])),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    record(
        EventType.PERSON_QUALIFIED,
        actor=acting_user,
        target=person,
        data={"role": role, "grade": grade, "schemes": qualification.schemes, "valid_until": valid_until},
    )
    return qualification


@transaction.atomic
def employ_person(*, acting_user: Actor, person: Person, body: Body, started_on: dt.date) -> Employment:
    """Record that the person now works for the body; their previous employment ends the day before."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = person.employments.filter(ended_on__isnull=True).first()
    if current is not None:
        if current.body_id == body.pk:
            raise ValidationError(_("The person already works for this body."))
        if started_on <= current.started_on:
            raise ValidationError(
                {"started_on": _("The new employment must start after the current one started.")}
            )
        current.ended_on = started_on - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
    employment = Employment.objects.create(person=person, body=body, started_on=started_on)
    record(
        EventType.PERSON_EMPLOYED,
        actor=acting_user,
        target=person,
        organisation=body.organisation,
        data={
            "body": body.name,
            "started_on": started_on,
            "previous": current.body.name if current else None,
        },
    )
    return employment


@transaction.atomic
def change_person_status(*, acting_user: Actor, person: Person, status: str, reason: str) -> Person:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if status not in Person.Status.values:
        raise ValidationError({"status": _("Choose a status of the register.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status in PERSON_FINAL_STATUSES:
        raise ValidationError(_("A revoked registration cannot change again."))
    if status == person.status:
        raise ValidationError(_("The person already has this status."))
    before = person.status
    person.status, person.status_since, person.status_reason = status, timezone.localdate(), reason.strip()
    person.save(update_fields=["status", "status_since", "status_reason"])
    record(
        EventType.PERSON_STATUS_CHANGED,
        actor=acting_user,
        target=person,
        data={"before": {"status": before}, "after": {"status": status}, "reason": person.status_reason},
    )
    append(
        type="person.status_changed",
        subject={"person": person.registration_number},
        fields={
            "status": status,
            "from": before,
            "effective_on": person.status_since,
            "reason": person.status_reason,
        },
    )
    return person


def in_good_standing(person: Person, day: dt.date, scheme: str | None = None) -> bool:
    """Whether the person may sign on that day: registration not suspended or revoked by then, and a
    qualification valid then (for the scheme, if one is named).

    The register keeps the current status and the day it took effect (``status_since``): someone suspended
    since a later day was in good standing on the day asked about. The certificate registry checks its
    signatories the same way, in bulk (``certis.certificates.rules.Signatory``)."""
    if person.status != Person.Status.ACTIVE and (person.status_since is None or person.status_since <= day):
        return False
    qualifications = person.qualifications.filter(valid_from__lte=day, valid_until__gte=day)
    if scheme is None:
        return qualifications.exists()
    return any(scheme in q.schemes for q in qualifications)


# The public log (certis.ledger): a body's approval, status, scope and particulars, appended last in the
# transaction of the change; only what the public register shows.


def _scope_lines(body: Body) -> list[dict[str, object]]:
    lines = body.scope.filter(removed_on__isnull=True).order_by("scheme", "category", "pk")
    return [
        {
            "scheme": line.scheme,
            "category": line.category,
            "standards": line.standards,
            "granted_on": str(line.granted_on),
        }
        for line in lines
    ]


def _register_entry(body: Body) -> dict[str, object]:
    return {
        "kind": body.kind,
        "name": body.name,
        "uscc": body.uscc,
        "region": body.region,
        "status": body.status,
        "approved_on": body.approved_on,
        "valid_until": body.valid_until,
        "scope": _scope_lines(body),
    }


def _log(body: Body, entry_type: str, fields: dict[str, object]) -> None:
    assert body.number, "a body is in the public log once it has its number"
    append(type=entry_type, subject={"body": body.number}, fields=fields)
