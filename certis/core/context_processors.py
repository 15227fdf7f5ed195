"""The navigation bar: each entry shown only to people whose roles let them use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certis.accounts.access import Role, organisations_of, roles_of
from certis.accounts.models import Organisation
from certis.bodies.application_access import can_see_figures


def _works_for_a_body(user: Any) -> bool:
    kinds = {Organisation.Kind.CERTIFICATION_BODY, Organisation.Kind.LAB}
    return user.is_authenticated and organisations_of(user).filter(kind__in=kinds).exists()


def _entries(request: HttpRequest) -> list[tuple[Any, str]]:
    user = request.user
    roles = roles_of(user)
    superuser = user.is_authenticated and user.is_superuser
    entries: list[tuple[Any, str]] = [(_("Home"), reverse("core:home"))]
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
    approvals = {Role.APPROVAL_STAFF, Role.APPROVAL_OFFICIAL, Role.REVIEWER}
    if superuser or roles & approvals or _works_for_a_body(user):
        entries.append((_("Applications"), reverse("applications:application_list")))
    if can_see_figures(user):
        entries.append((_("Five reductions"), reverse("applications:figures")))
    if superuser or Role.AUDITOR in roles:
        entries.append((_("Audit log"), reverse("audit:event_list")))
    entries.append((_("API"), "/api/docs"))
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    items = [
        {"label": label, "url": url, "active": url != "/" and path.startswith(url)}
        for label, url in _entries(request)
    ]
    return {"nav_items": items}
