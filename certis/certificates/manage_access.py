"""Who may make which lifecycle move on a certificate from the management pages, and in what capacity.

Builds on ``access`` (which certificates a person manages at all):

- the issuing body's staff and managers suspend, reinstate, withdraw and cancel the body's certificates;
- the regulator's supervision staff suspend, reinstate and withdraw any certificate, always as a sanction
  (``sanction=True``), and do not cancel: cancelling is the body's act, when the holder gives the certificate
  up or no longer makes the product;
- someone who is both (a superuser who also works for the body) acts as the regulator for the moves the
  regulator makes, and as the body for cancelling.

Whether a move is possible *now* is the service's answer (``services.refusal``), plus the rule the body's
staff meet on the page before the service tells them: a suspension the regulator imposed as a sanction is
ended only by the regulator, so the body is offered neither reinstating nor cancelling it (withdrawing, the
harsher end, stays open to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certis.accounts.access import REGULATOR_KINDS
from certis.accounts.models import Membership, Organisation, User

from .access import can_manage, is_supervisor
from .models import Certificate, StatusEvent
from .services import refusal

Status = Certificate.Status


@dataclass(frozen=True)
class Move:
    """A lifecycle move as the pages offer it: its name in the address, the status it leads to, its button."""

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
            _("Suspend"),
            _("The certificate may not be relied on until the date given or until it is reinstated."),
        ),
        Move("reinstate", Status.VALID, _("Reinstate"), _("The certificate is valid again.")),
        Move(
            "withdraw",
            Status.WITHDRAWN,
            _("Withdraw"),
            _("The certificate is revoked for good; it cannot be reinstated or reported again."),
        ),
        Move(
            "cancel",
            Status.CANCELLED,
            pgettext_lazy("status change", "Cancel"),
            _("The holder gave the certificate up or it is no longer used; this is final."),
        ),
    )
}
BODY_MOVES = ("suspend", "reinstate", "withdraw", "cancel")
REGULATOR_MOVES = ("suspend", "reinstate", "withdraw")


@dataclass(frozen=True)
class Capacity:
    """In which capacities a person acts on one certificate."""

    as_regulator: bool
    as_body: bool

    def acts_as_regulator(self, move: str) -> bool | None:
        """True: as the regulator (a sanction); False: as the body; None: this person may not make the move."""
        if self.as_regulator and move in REGULATOR_MOVES:
            return True
        if self.as_body and move in BODY_MOVES:
            return False
        return None


def capacity(user: User | AnonymousUser, certificate: Certificate) -> Capacity:
    return Capacity(as_regulator=is_supervisor(user), as_body=can_manage(user, certificate))


def suspended_as_sanction(certificate: Certificate, history: list[StatusEvent]) -> bool:
    """Whether the certificate is suspended by a sanction; ``history`` is its events, oldest first."""
    if certificate.status != Status.SUSPENDED:
        return False
    suspensions = [event for event in history if event.to_status == Status.SUSPENDED]
    return bool(suspensions) and suspensions[-1].sanction


def open_moves(certificate: Certificate, who: Capacity, *, sanctioned: bool) -> list[tuple[Move, bool]]:
    """The moves this person can make now, each with whether it is made as the regulator."""
    moves = []
    for name, move in MOVES.items():
        as_regulator = who.acts_as_regulator(name)
        if as_regulator is None or refusal(certificate, move.status) is not None:
            continue
        if name in ("reinstate", "cancel") and sanctioned and not as_regulator:
            continue  # see test_lifecycle: a cancellation would end the regulator's sanction too
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
