"""Who may do what with certificates: one helper per question, used by views, the API and templates.

- The public (anyone, signed in or not) sees a certificate's public fields and its status history.
- Staff and managers of a certification body report and manage the body's own certificates.
- The regulator's supervision staff see every certificate and may suspend, reinstate or withdraw one as a
  sanction.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from certis.accounts.access import has_regulator_role
from certis.accounts.models import Membership, Organisation, User
from certis.bodies.models import Body

from .models import Certificate

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
