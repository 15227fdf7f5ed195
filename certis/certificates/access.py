"""Who may do what with certificates: one helper per question, used by views, the API and templates.

- The public (anyone, signed in or not) sees a certificate's public fields and its status history.
- Staff and managers of a certification body report and manage the body's own certificates, and see their
  body's import jobs; someone who reports for no body gets 403 on every reporting page, someone who reports
  for a body gets 404 for another body's pages and jobs (their ids are not confirmed to outsiders).
- The regulator's supervision staff see every certificate and may suspend, reinstate or withdraw one as a
  sanction.

Which moves exist, who may make each and the sanction rule are ``lifecycle``'s; the capacity helpers below
apply them to a person and a certificate. Someone who is both regulator and body staff (a superuser who also
works for the body) acts as the regulator for the moves the regulator makes, and as the body for cancelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from certis.accounts.access import REGULATOR_KINDS, has_regulator_role
from certis.accounts.models import Membership, Organisation, User, Visitor
from certis.bodies.models import Body
from certis.certificates import lifecycle
from certis.certificates.lifecycle import Move
from certis.certificates.models import Certificate, ImportJob

Role = Membership.Role
BODY_ROLES = (Role.STAFF, Role.MANAGER)


def reporting_bodies(user: User | AnonymousUser) -> QuerySet[Body]:
    """The certification bodies this person reports certificates for."""
    if not user.is_authenticated:
        return Body.objects.none()
    return Body.objects.filter(
        kind=Body.Kind.CERTIFICATION_BODY,
        organisation__kind=Organisation.Kind.CERTIFICATION_BODY,
        organisation__memberships__user=user,
        organisation__memberships__role__in=BODY_ROLES,
    ).distinct()


def is_supervisor(user: User | AnonymousUser) -> bool:
    return has_regulator_role(user, Role.SUPERVISOR)


def can_manage(user: User | AnonymousUser, certificate: Certificate) -> bool:
    """Report changes to, suspend, reinstate or cancel: the issuing body's staff."""
    return reporting_bodies(user).filter(pk=certificate.body_id).exists()


def can_sanction(user: User | AnonymousUser) -> bool:
    """Suspend, reinstate or withdraw any certificate as the regulator's sanction."""
    return is_supervisor(user)


def managed_certificates(user: User | AnonymousUser) -> QuerySet[Certificate]:
    """The certificates this person may manage: all for supervision staff, else their bodies' own."""
    if is_supervisor(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(body__in=reporting_bodies(user))


def get_certificate_for_user(user: User | AnonymousUser, pk: int) -> Certificate:
    """A certificate the person may manage, or 404 (not 403: others' certificate ids are not confirmed)."""
    certificate = (
        managed_certificates(user).select_related("body", "holder", "signatory").filter(pk=pk).first()
    )
    if certificate is None:
        raise Http404
    return certificate


def bodies_or_403(user: Visitor) -> QuerySet[Body]:
    bodies = reporting_bodies(user)
    if not bodies.exists():
        raise PermissionDenied
    return bodies


def get_reporting_body(user: Visitor, body_id: int) -> Body:
    body = bodies_or_403(user).select_related("organisation").filter(pk=body_id).first()
    if body is None:
        raise Http404
    return body


def jobs_for(user: Visitor) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(body__in=reporting_bodies(user))


def get_job_for_user(user: Visitor, job_id: int) -> ImportJob:
    bodies_or_403(user)
    job = jobs_for(user).select_related("body", "uploaded_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


Status = Certificate.Status


@dataclass(frozen=True)
class Capacity:
    """In which capacities a person acts on one certificate."""

    as_regulator: bool
    as_body: bool

    def acts_as_regulator(self, move: str) -> bool | None:
        """True: as the regulator (a sanction); False: as the body; None: this person may not make the move."""
        return lifecycle.acts_as_regulator(move, regulator=self.as_regulator, body=self.as_body)


def capacity(user: User | AnonymousUser, certificate: Certificate) -> Capacity:
    return Capacity(as_regulator=is_supervisor(user), as_body=can_manage(user, certificate))


def open_moves(certificate: Certificate, who: Capacity, *, sanctioned: bool) -> list[tuple[Move, bool]]:
    """The moves this person can make now, each with whether it is made as the regulator."""
    moves = []
    for name, move in lifecycle.MOVES.items():
        as_regulator = who.acts_as_regulator(name)
        if as_regulator is None:
            continue
        if lifecycle.refusal(certificate, move.status, sanction=as_regulator, is_sanctioned=sanctioned):
            continue
        moves.append((move, as_regulator))
    return moves


def check_move(user: User | AnonymousUser, certificate: Certificate, move: str) -> bool:
    """Whether the person makes the move as the regulator; PermissionDenied if they may not make it at all.

    Only who may act is decided here; whether the certificate can make the move now is left to the service,
    whose reason the page shows."""
    as_regulator = capacity(user, certificate).acts_as_regulator(move)
    if as_regulator is None:
        raise PermissionDenied
    return as_regulator


def acting_organisation(
    user: User | AnonymousUser, certificate: Certificate, *, as_regulator: bool
) -> Organisation | None:
    """The organisation on whose behalf the move is made, recorded with it: the issuing body's for its staff;
    for the regulator, the regulator organisation (or department) where the person holds the supervision role."""
    if not as_regulator:
        return certificate.body.organisation
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(
            user=user, role=Membership.Role.SUPERVISOR, organisation__kind__in=REGULATOR_KINDS
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return membership.organisation
    return Organisation.objects.filter(kind=Organisation.Kind.REGULATOR).order_by("pk").first()
