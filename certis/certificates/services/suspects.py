"""Reports of suspected fake certificates and marks, from anyone, to the regulator's supervision staff.

Anyone may report (no account needed); the report reaches every supervision officer in the app and by email
once it is saved. Spam is held back without a captcha: a hidden field that people leave empty, and a limit of
reports per browser session and per address each hour (``CERTIFICATES_SUSPECT_REPORTS_PER_HOUR``). Supervision
staff read the reports and close them when dealt with.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.throttling import BaseThrottle

from certis.accounts.access import Role, regulator_people
from certis.accounts.models import Actor, User
from certis.accounts.services import notify
from certis.audit.models import EventType
from certis.audit.services import record
from certis.certificates.access import is_supervisor
from certis.certificates.models import Certificate, SuspectReport
from certis.certificates.signing import Verdict

SESSION_KEY = "certificates_suspect_reports"
HOUR = 3600


def can_handle_suspects(user: User | AnonymousUser) -> bool:
    """Read and close reports of suspected fakes: the regulator's supervision staff."""
    return is_supervisor(user)


@transaction.atomic
def report_suspect(
    *, acting_user: Actor, number: str, what_was_seen: str, contact: str = "", verdict: str = ""
) -> SuspectReport:
    """Save a report and, once it is committed, tell the supervision staff."""
    number, what_was_seen = number.strip(), what_was_seen.strip()
    if not number:
        raise ValidationError({"number": _("Give the number or code you checked.")})
    if not what_was_seen:
        raise ValidationError({"what_was_seen": _("Say where you saw the certificate or mark.")})
    report = SuspectReport.objects.create(
        number=number[:2000], what_was_seen=what_was_seen, contact=contact.strip()[:200], verdict=verdict[:32]
    )
    # The reporter's contact details are personal data: the audit log keeps what was reported, not who.
    record(
        EventType.SUSPECT_REPORTED,
        actor=acting_user,
        target=report,
        data={"number": report.number[:100], "verdict": report.verdict},
    )
    transaction.on_commit(lambda: notify_supervisors(report.pk))
    return report


@transaction.atomic
def close_suspect_report(*, acting_user: Actor, report: SuspectReport) -> SuspectReport:
    """Mark a report dealt with; closing a closed one is refused."""
    report = SuspectReport.objects.select_for_update().get(pk=report.pk)
    if report.status == SuspectReport.Status.CLOSED:
        raise ValidationError(_("This report is already closed."))
    report.status = SuspectReport.Status.CLOSED
    report.save(update_fields=["status"])
    record(
        EventType.SUSPECT_CLOSED,
        actor=acting_user,
        target=report,
        data={"before": {"status": "open"}, "after": {"status": "closed"}},
    )
    return report


def notify_supervisors(report_id: int) -> int:
    """The in-app notice and the mail to every supervision officer; returns how many were told."""
    report = SuspectReport.objects.get(pk=report_id)
    people = list(regulator_people(Role.SUPERVISOR))
    link = reverse("certificates:suspects")
    with translation.override(settings.LANGUAGE_CODE):
        message = _("A suspected fake certificate or mark was reported: %(number)s") % {
            "number": report.number[:80]
        }
    return notify(recipients=people, subject=message, body=report.what_was_seen, link=link)


# Spam defence


def _address(request: HttpRequest) -> str:
    """The caller's address, read as the API's rate limits read it (``NINJA_NUM_PROXIES``)."""
    return str(BaseThrottle().get_ident(request) or "")


def may_report(request: HttpRequest) -> bool:
    """Whether this browser session and this address are still under the hourly limit."""
    limit = settings.CERTIFICATES_SUSPECT_REPORTS_PER_HOUR
    now = time.time()
    recent = [t for t in request.session.get(SESSION_KEY, []) if t > now - HOUR]
    by_address = cache.get(f"certis:suspects:{_address(request)}", 0)
    return len(recent) < limit and by_address < limit * 4


def count_report(request: HttpRequest) -> None:
    now = time.time()
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t > now - HOUR] + [now]
    key = f"certis:suspects:{_address(request)}"
    cache.add(key, 0, HOUR)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, HOUR)


def verdict_label(verdict: str) -> str:
    """What the registry had answered the reporter, in words: a code's verdict, a certificate's status, or
    that the number was not found or is used by several bodies."""
    labels: dict[str, Any] = {
        **dict(Verdict.choices),
        **dict(Certificate.Status.choices),
        "not_found": _("Not found"),
        "ambiguous": _("Used by several bodies"),
    }
    return str(labels.get(verdict, verdict))


def open_reports_first() -> Any:
    return SuspectReport.objects.order_by("-status", "-created_at", "-pk")  # "open" sorts after "closed"
