"""Who may do what in the catalogue app: one helper per question, used by views, the API and templates.

- Anyone: the catalogue on any day and its changes, the HS code table, public self-declarations.
- The regulator's supervision staff: adjust the catalogue and the HS table, invalidate a self-declaration,
  set a firm's trusted class, see every import check and every self-declaration.
- Makers: the staff and managers of an organisation that the registry knows as a holder (it has a USCC)
  make, cancel and publish or hide their organisation's self-declarations.
- Customs officers (the role held in a customs organisation): check import declarations and see their
  office's checks; they see every self-declaration, public or not, as the check does.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from certis.accounts.models import Membership, Organisation, Visitor
from certis.certificates.access import is_supervisor

from .models import ImportCheck, SelfDeclaration

Role = Membership.Role
MAKER_ROLES = (Role.STAFF, Role.MANAGER)


def is_regulator(user: Visitor) -> bool:
    return is_supervisor(user)


def can_adjust_catalogue(user: Visitor) -> bool:
    return is_regulator(user)


def can_set_trust_class(user: Visitor) -> bool:
    return is_regulator(user)


def can_invalidate(user: Visitor) -> bool:
    return is_regulator(user)


def customs_offices(user: Visitor) -> QuerySet[Organisation]:
    """The customs organisations where this person is a customs officer."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.CUSTOMS,
        memberships__user=user,
        memberships__role=Role.CUSTOMS_OFFICER,
        is_active=True,
    ).distinct()


def is_customs_officer(user: Visitor) -> bool:
    return customs_offices(user).exists()


def maker_organisations(user: Visitor) -> QuerySet[Organisation]:
    """The organisations this person may declare for: staff or manager there, and a holder in the registry."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role__in=MAKER_ROLES,
        holder__isnull=False,
        is_active=True,
    ).distinct()


def is_maker(user: Visitor) -> bool:
    return maker_organisations(user).exists()


def can_manage_declaration(user: Visitor, declaration: SelfDeclaration) -> bool:
    """Cancel, publish or hide: the maker's own people."""
    return maker_organisations(user).filter(pk=declaration.organisation_id).exists()


def can_see_declaration(user: Visitor, declaration: SelfDeclaration) -> bool:
    if declaration.is_public:
        return True
    return is_regulator(user) or is_customs_officer(user) or can_manage_declaration(user, declaration)


def get_declaration_for_user(user: Visitor, number_key: str) -> SelfDeclaration:
    """The declaration with that number if this person may see it, else 404 (a hidden one is not confirmed)."""
    declaration = (
        SelfDeclaration.objects.select_related("product", "lab", "holder", "organisation")
        .filter(number_key=number_key)
        .first()
    )
    if declaration is None or not can_see_declaration(user, declaration):
        raise Http404
    return declaration


def visible_checks(user: Visitor) -> QuerySet[ImportCheck]:
    """All checks for the regulator; a customs officer's own offices' checks; nothing for anyone else."""
    if is_regulator(user):
        return ImportCheck.objects.all()
    return ImportCheck.objects.filter(organisation__in=customs_offices(user))


def get_check_for_user(user: Visitor, pk: int) -> ImportCheck:
    check = visible_checks(user).select_related("organisation", "checked_by").filter(pk=pk).first()
    if check is None:
        raise Http404
    return check
