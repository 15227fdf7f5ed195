"""The navigation bar: each entry shown only to people whose roles let them use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certis.accounts.access import REGULATOR_KINDS, Role
from certis.accounts.models import Membership, Organisation
from certis.bodies.applications.access import can_see_figures
from certis.catalogue import access as catalogue_access
from certis.catalogue.access import MAKER_ROLES
from certis.certificates.access import BODY_ROLES

BODY_KINDS = (Organisation.Kind.CERTIFICATION_BODY, Organisation.Kind.LAB)
NON_MAKER_KINDS = (*REGULATOR_KINDS, *BODY_KINDS, Organisation.Kind.CUSTOMS)


@dataclass(frozen=True)
class _Standing:
    """What the navigation needs to know of a person, read in one query of their memberships. It mirrors, for
    the menu only, accounts.access.roles_of and has_regulator_role, certificates.access.reporting_bodies and
    catalogue.access.is_customs_officer; the pages themselves ask those."""

    roles: set[str]
    superuser: bool
    works_for_a_body: bool
    reports_certificates: bool
    supervises_certificates: bool
    customs_officer: bool
    may_be_maker: bool

    @classmethod
    def of(cls, user: Any) -> _Standing:
        held: list[tuple[str, str]] = []
        if user.is_authenticated:
            held = list(Membership.objects.filter(user=user).values_list("role", "organisation__kind"))
        superuser = user.is_authenticated and user.is_superuser
        return cls(
            roles={role for role, _kind in held},
            superuser=superuser,
            works_for_a_body=any(kind in BODY_KINDS for _role, kind in held),
            reports_certificates=any(
                role in BODY_ROLES and kind == Organisation.Kind.CERTIFICATION_BODY for role, kind in held
            ),
            supervises_certificates=superuser
            or any(role == Role.SUPERVISOR and kind in REGULATOR_KINDS for role, kind in held),
            customs_officer=any(
                role == Role.CUSTOMS_OFFICER and kind == Organisation.Kind.CUSTOMS for role, kind in held
            ),
            # Whether the organisation holds certificates is the catalogue's question, asked only of those
            # who could be makers at all.
            may_be_maker=any(role in MAKER_ROLES and kind not in NON_MAKER_KINDS for role, kind in held),
        )


def _entries(request: HttpRequest) -> list[tuple[Any, str]]:
    user = request.user
    standing = _Standing.of(user)
    roles, superuser = standing.roles, standing.superuser
    entries: list[tuple[Any, str]] = [(_("Home"), reverse("portal:home"))]
    entries.append((_("Implementation plan"), reverse("governance:plan_list")))
    if user.is_authenticated:
        entries.append((_("My tasks"), reverse("governance:my_tasks")))
    if superuser or roles & {Role.PLAN_OFFICE, Role.LEADING_GROUP}:
        entries.append((_("Dashboard"), reverse("governance:dashboard")))
        entries.append((_("Follow-ups"), reverse("governance:follow_up_list")))
        entries.append((_("Assessment"), reverse("governance:assessment_list")))
    elif user.is_authenticated:
        entries.append((_("Follow-ups"), reverse("governance:follow_up_list")))
    entries.append((_("Register"), reverse("register:index")))
    entries += _certificate_entries(standing)
    approvals = {Role.APPROVAL_STAFF, Role.APPROVAL_OFFICIAL, Role.REVIEWER}
    if superuser or roles & approvals or standing.works_for_a_body:
        entries.append((_("Applications"), reverse("applications:application_list")))
    entries += _catalogue_entries(user, standing)
    if can_see_figures(user):
        entries.append((_("Five reductions"), reverse("applications:figures")))
    if superuser or Role.AUDITOR in roles:
        entries.append((_("Audit log"), reverse("audit:event_list")))
    entries.append((_("API"), "/api/docs"))
    return entries


def _certificate_entries(standing: _Standing) -> list[tuple[Any, str]]:
    entries: list[tuple[Any, str]] = [
        (_("Certificates"), reverse("certificates:search")),
        (_("Verify a code"), reverse("certificates:verify")),
    ]
    if standing.reports_certificates:
        entries.append((_("Report certificates"), reverse("certificates:report")))
    if standing.reports_certificates or standing.supervises_certificates:
        entries.append((_("Manage certificates"), reverse("certificates:manage")))
    if standing.supervises_certificates:
        entries.append((_("Suspected fakes"), reverse("certificates:suspects")))
    return entries


def _catalogue_entries(user: Any, standing: _Standing) -> list[tuple[Any, str]]:
    entries: list[tuple[Any, str]] = [(_("CCC catalogue"), reverse("catalogue:index"))]
    if standing.customs_officer or standing.supervises_certificates:
        entries.append((_("Import checks"), reverse("catalogue:import_checks")))
    if standing.may_be_maker and catalogue_access.is_maker(user):
        entries.append((_("Self-declarations"), reverse("catalogue:my_declarations")))
    if standing.supervises_certificates:
        entries.append((_("Trusted firms"), reverse("catalogue:trust")))
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries, the one whose address is the longest start of the page's marked active (so that
    /certificates/verify/ marks "Verify a code", not also "Certificates")."""
    path = request.path
    entries = _entries(request)
    matches = [url for _label, url in entries if url != "/" and path.startswith(url)]
    current = max(matches, key=len, default=None)
    return {"nav_items": [{"label": label, "url": url, "active": url == current} for label, url in entries]}
