"""Who may do what: role checks in one place, used by views, the API and templates."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Membership, Organisation, User

Role = Membership.Role


def actor_of(request: HttpRequest) -> User | None:
    """Who acts through a request open to the public: the person signed in, or None for an anonymous
    visitor (a report of a suspected fake, say)."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=roles).exists()


# The regulator's own organisations: roles such as approval staff count only when held in one of these.
REGULATOR_KINDS = (
    Organisation.Kind.REGULATOR,
    Organisation.Kind.DEPARTMENT,
    Organisation.Kind.AFFILIATE,
    Organisation.Kind.LOCAL_BUREAU,
)


def has_regulator_role(user: User | AnonymousUser, *roles: str) -> bool:
    """Like :func:`has_role`, but only for roles held in a regulator organisation: a body's manager who was
    somehow given a regulator role does not thereby act for the regulator."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, role__in=roles, organisation__kind__in=REGULATOR_KINDS
    ).exists()


def regulator_people(*roles: str) -> QuerySet[User]:
    """The people who hold one of the roles in one of the regulator's organisations."""
    return User.objects.filter(
        memberships__role__in=roles, memberships__organisation__kind__in=REGULATOR_KINDS, is_active=True
    ).distinct()


def organisations_of(user: User | AnonymousUser) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def roles_of(user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def can_browse_audit(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.AUDITOR)
