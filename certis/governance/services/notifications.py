"""Notices (in the app and by mail) that follow a change, sent after the change commits (never for a change that rolled back)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from certis.accounts.models import User
from certis.accounts.services import notify

from ..models import FollowUp


def notify_follow_up(follow_up_id: int) -> int:
    """Tell the people of every unit a follow-up was sent to; in the app and by mail; returns how many were told."""
    follow_up = FollowUp.objects.select_related("task").get(pk=follow_up_id)
    units = follow_up.recipients.values("unit")
    people = (
        User.objects.filter(memberships__organisation__in=units, is_active=True).exclude(email="").distinct()
    )
    link = reverse("governance:follow_up_detail", kwargs={"follow_up_id": follow_up.pk})
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Follow-up on task %(number)s: reply by %(date)s") % {
            "number": follow_up.task.number,
            "date": follow_up.due_on.isoformat(),
        }
        body = f"{follow_up.message}\n\n{follow_up.task.text}"
    return notify(recipients=people, subject=subject, body=body, link=link)
