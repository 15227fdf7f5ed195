"""A certificate's life, in one place: its states, the moves between them, who may make each move, the
sanction rule, renewal and expiry by date.

Every path reads it: the services that change a certificate (one at a time or by file), the management
pages that offer the moves, the public search and pages, the signed codes' verdicts and the marks.

- **States.** valid → suspended (until a date) → valid again; withdrawn and cancelled are final; expired is
  final for status moves: an expired certificate comes back only by being reported again with a later
  expiry date (a renewal).
- **Who.** The issuing body's staff and managers suspend, reinstate, withdraw and cancel the body's
  certificates. The regulator's supervision staff suspend, reinstate and withdraw any certificate, always as
  a sanction, and do not cancel: cancelling is the body's act, when the holder gives the certificate up.
- **The sanction rule.** A suspension the regulator imposed as a sanction is ended only by the regulator:
  the body may neither reinstate nor cancel it (a cancellation would end the sanction too); it may still
  withdraw, which is no milder.
- **Expiry by date.** A valid or suspended certificate is expired from the day after its expiry date, whether
  or not the nightly task has recorded it yet: what the public sees never waits for that task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from certis.certificates.models import Certificate, StatusEvent

Status = Certificate.Status

LIVE = frozenset({Status.VALID, Status.SUSPENDED})  # may still expire by date, may still move
CLOSED = frozenset({Status.WITHDRAWN, Status.CANCELLED})  # never again, not even by a new report
# Shown as revoked by the signed codes and the verification page.
REVOKED = frozenset({Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED})

# Which status a certificate may move to from which.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.VALID: frozenset({Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED}),
    Status.SUSPENDED: frozenset({Status.VALID, Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED}),
    Status.WITHDRAWN: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.EXPIRED: frozenset(),
}


@dataclass(frozen=True)
class Move:
    """A move a person makes: its name (in the page's address), the status it leads to, its button."""

    name: str
    status: str
    label: Promise
    description: Promise


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "suspend",
            Status.SUSPENDED,
            gettext_lazy("Suspend"),
            gettext_lazy(
                "The certificate may not be relied on until the date given or until it is reinstated."
            ),
        ),
        Move(
            "reinstate",
            Status.VALID,
            gettext_lazy("Reinstate"),
            gettext_lazy("The certificate is valid again."),
        ),
        Move(
            "withdraw",
            Status.WITHDRAWN,
            gettext_lazy("Withdraw"),
            gettext_lazy("The certificate is revoked for good; it cannot be reinstated or reported again."),
        ),
        Move(
            "cancel",
            Status.CANCELLED,
            pgettext_lazy("status change", "Cancel"),
            gettext_lazy("The holder gave the certificate up or it is no longer used; this is final."),
        ),
    )
}
BODY_MOVES = frozenset({"suspend", "reinstate", "withdraw", "cancel"})
REGULATOR_MOVES = frozenset({"suspend", "reinstate", "withdraw"})  # always as a sanction


def acts_as_regulator(move: str, *, regulator: bool, body: bool) -> bool | None:
    """In which capacity someone makes ``move``: True as the regulator (a sanction), False as the issuing body,
    None if they may not make it. Someone who is both acts as the regulator where the regulator may."""
    if regulator and move in REGULATOR_MOVES:
        return True
    if body and move in BODY_MOVES:
        return False
    return None


def sanctioned(certificate: Certificate, events: Iterable[StatusEvent] | None = None) -> bool:
    """Whether the certificate is suspended now by the regulator's sanction. ``events``, its status events
    oldest first, saves a query where the caller has them already."""
    if certificate.status != Status.SUSPENDED:
        return False
    if events is None:
        last = certificate.events.filter(to_status=Status.SUSPENDED).order_by("-id").first()
    else:
        last = next((e for e in reversed(list(events)) if e.to_status == Status.SUSPENDED), None)
    return last is not None and last.sanction


def refusal(
    certificate: Certificate, to: str, *, sanction: bool = False, is_sanctioned: bool = False
) -> str | None:
    """Why the certificate cannot move to ``to`` now, or None if it can. ``sanction``: the move is the
    regulator's; ``is_sanctioned``: the certificate is suspended by a sanction (see :func:`sanctioned`)."""
    if to not in TRANSITIONS[certificate.status]:
        if certificate.status not in LIVE:
            return _("Certificate %(number)s is %(status)s; that is final.") % {
                "number": certificate.number,
                "status": certificate.get_status_display(),
            }
        return _("A certificate that is %(from)s cannot become %(to)s.") % {
            "from": certificate.get_status_display(),
            "to": Status(to).label,
        }
    if is_sanctioned and not sanction and to == Status.VALID:
        return _("The regulator suspended this certificate; only the regulator can reinstate it.")
    if is_sanctioned and not sanction and to == Status.CANCELLED:
        return _(
            "The regulator suspended this certificate as a sanction; it cannot be cancelled until the regulator decides."
        )
    return None


def until_errors(to: str, until: dt.date | None, effective_on: dt.date) -> dict[str, str]:
    """A suspension runs until a later date; no other move has an end."""
    if to != Status.SUSPENDED:
        return {}
    if until is None:
        return {"until": _("Say until when the certificate is suspended.")}
    if until <= effective_on:
        return {"until": _("The end of the suspension must be after its start.")}
    return {}


def closed_refusal(number: str) -> str:
    """Why a withdrawn or cancelled certificate cannot be reported again."""
    return _("Certificate %(number)s has been withdrawn or cancelled and cannot be reported again.") % {
        "number": number
    }


def renews(status: str, expires_on: dt.date, today: dt.date) -> bool:
    """Whether a report with this expiry date brings an expired certificate back to valid."""
    return status == Status.EXPIRED and expires_on > today


def renewal_reason(expires_on: dt.date) -> str:
    return _("Renewed until %(day)s.") % {"day": expires_on}


def expiry_reason() -> str:
    return _("Expired on its expiry date.")


def expired_since(expires_on: dt.date) -> dt.date:
    """A certificate is valid through its expiry date and expired from the day after."""
    return expires_on + dt.timedelta(days=1)


def effective_status(status: str, expires_on: dt.date, today: dt.date) -> str:
    """The status to show: expired from the day after the expiry date, recorded yet or not."""
    if status in LIVE and expires_on < today:
        return Status.EXPIRED
    return status


def status_condition(status: str, today: dt.date) -> Q:
    """The certificates whose :func:`effective_status` is ``status``."""
    if status == Status.EXPIRED:
        return Q(status=Status.EXPIRED) | Q(status__in=LIVE, expires_on__lt=today)
    if status in LIVE:
        return Q(status=status, expires_on__gte=today)
    return Q(status=status)


def is_current(certificate: Certificate, today: dt.date) -> bool:
    """Valid today: the only standing under which the certificate may be relied on (and marks issued)."""
    return effective_status(certificate.status, certificate.expires_on, today) == Status.VALID


def event_word(from_status: str, to_status: str) -> str:
    """What a status move is called in the public log: suspended, reinstated, renewed, withdrawn,
    cancelled or expired."""
    if to_status == Status.VALID:
        return "renewed" if from_status == Status.EXPIRED else "reinstated"
    return str(to_status)
