"""Notices that follow each stage of an application, in the app and by email, sent after the change commits
(never for a change that rolled back). The applicant's people hear of every stage; the regulator's people of
what they must act on next."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from certis.accounts.access import Role, regulator_people
from certis.accounts.models import User
from certis.accounts.services import notify as send_notice

from ..models import Application
from .access import APPLICANT_ROLES

APPLICANT, STAFF, OFFICIALS, REVIEWER = "applicant", "staff", "officials", "reviewer"

# event: who hears of it
AUDIENCES: dict[str, tuple[str, ...]] = {
    "submitted": (APPLICANT, STAFF),
    "accepted": (APPLICANT,),
    "returned": (APPLICANT,),
    "supplemented": (APPLICANT, STAFF),
    "reviewer_assigned": (REVIEWER,),
    "review_completed": (APPLICANT, OFFICIALS),
    "approved": (APPLICANT, STAFF),
    "refused": (APPLICANT, STAFF),
    "issued": (APPLICANT,),
    "published": (APPLICANT,),
    "withdrawn": (APPLICANT, STAFF),
}


def _message(event: str, application: Application) -> str:
    values = {
        "reference": application.reference,
        "body": application.body.name,
        "number": application.approval_number,
    }
    messages = {
        "submitted": _("Application %(reference)s of %(body)s was submitted and awaits acceptance."),
        "accepted": _("Application %(reference)s was accepted; its technical review begins."),
        "returned": _("Application %(reference)s was returned: supply what is missing and resubmit it."),
        "supplemented": _("Application %(reference)s was supplemented and resubmitted."),
        "reviewer_assigned": _("You are assigned to review application %(reference)s of %(body)s."),
        "review_completed": _(
            "The technical review of application %(reference)s is complete; it awaits the decision."
        ),
        "approved": _("Application %(reference)s was approved; the approval is being issued."),
        "refused": _("Application %(reference)s was refused."),
        "issued": _("The approval for application %(reference)s was issued with number %(number)s."),
        "published": _("Approval %(number)s (application %(reference)s) is published in the register."),
        "withdrawn": _("Application %(reference)s was withdrawn."),
    }
    return messages[event] % values


def _details(event: str, application: Application) -> str:
    """What the email says beyond the notice: what is missing, or the decision's reasons."""
    if event == "returned":
        items = application.missing_items.filter(supplied_at__isnull=True)
        return "\n".join(f"- {item.description}" for item in items)
    if event in ("approved", "refused"):
        decision = getattr(application, "decision", None)
        return decision.reasons if decision else ""
    return ""


def _people(application: Application, audience: str, reviewer_id: int | None) -> QuerySet[User]:
    if audience == APPLICANT:
        return User.objects.filter(
            is_active=True,
            memberships__organisation=application.applicant_id,
            memberships__role__in=APPLICANT_ROLES,
        )
    if audience == STAFF:
        return regulator_people(Role.APPROVAL_STAFF)
    if audience == OFFICIALS:
        return regulator_people(Role.APPROVAL_OFFICIAL)
    if reviewer_id is None:
        return User.objects.none()
    return User.objects.filter(pk=reviewer_id, is_active=True)


def recipients(application: Application, event: str, reviewer_id: int | None = None) -> list[User]:
    chosen: dict[int, User] = {}
    for audience in AUDIENCES[event]:
        for person in _people(application, audience, reviewer_id):
            chosen.setdefault(person.pk, person)
    return list(chosen.values())


def notify(application_id: int, event: str, reviewer_id: int | None = None) -> int:
    """Write the in-app notices and send the mails of one event; returns how many people were told."""
    application = Application.objects.select_related("body").get(pk=application_id)
    people = recipients(application, event, reviewer_id)
    link = reverse("applications:application_detail", args=[application.pk])
    with translation.override(settings.LANGUAGE_CODE):
        message = _message(event, application)
        details = _details(event, application)
    return send_notice(recipients=people, subject=message, body=details, link=link)
