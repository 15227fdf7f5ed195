"""The life of a self-declaration (自我声明): its states, the moves between them, who may make each move, and
the rules between them. Services, views, forms and the API read it here.

- Made: a maker's people declare a product that, on the day, is in the catalogue on a route that admits a
  self-declaration (``DECLARABLE_ROUTES``); the declaration starts ``valid``.
- Cancel: ``valid`` → ``cancelled``, by the maker's people (the product is no longer made, the models changed…).
- Invalidate: ``valid`` → ``invalidated``, by the regulator's supervision staff (a failed spot check, a false
  test report…).
- Both ``cancelled`` and ``invalidated`` are final. Every move needs a reason, shown with the status.
- Publishing or hiding is not a move: the maker's people choose who may look the declaration up (customs and
  the regulator always may); the page offers it while the declaration is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from certis.accounts.models import Visitor

from . import access
from .models import DeclarationStatus, Route, SelfDeclaration

Status = DeclarationStatus
DECLARABLE_ROUTES = (Route.SELF_DECLARATION, Route.EITHER)
INITIAL = Status.VALID
FINAL = frozenset({Status.CANCELLED, Status.INVALIDATED})


@dataclass(frozen=True)
class Move:
    """A move of a self-declaration's status: where it may start, where it ends, and who may make it."""

    name: str
    sources: frozenset[str]
    to: str
    permitted: Callable[[Visitor, SelfDeclaration], bool]


CANCEL = Move(
    name="cancel",
    sources=frozenset({Status.VALID}),
    to=Status.CANCELLED,
    permitted=access.can_manage_declaration,
)
INVALIDATE = Move(
    name="invalidate",
    sources=frozenset({Status.VALID}),
    to=Status.INVALIDATED,
    permitted=lambda user, declaration: access.can_invalidate(user),
)
MOVES = (CANCEL, INVALIDATE)


def may_make(user: Visitor, declaration: SelfDeclaration, move: Move) -> bool:
    """Whether this person may make the move on this declaration (whatever its status now)."""
    return move.permitted(user, declaration)


def allows(declaration: SelfDeclaration, move: Move) -> bool:
    """Whether the declaration's status lets the move start."""
    return declaration.status in move.sources


def check_move(declaration: SelfDeclaration, move: Move) -> None:
    """Refuse a move the declaration's status does not allow (a final status stays)."""
    if not allows(declaration, move):
        raise ValidationError(
            _("Self-declaration %(number)s is %(status)s; that is final.")
            % {"number": declaration.number, "status": declaration.get_status_display()}
        )


def may_set_visibility(user: Visitor, declaration: SelfDeclaration) -> bool:
    """Publish or hide: the maker's own people."""
    return access.can_manage_declaration(user, declaration)


def offered_moves(user: Visitor, declaration: SelfDeclaration) -> dict[str, bool]:
    """For the declaration's page: each move by name, and whether this person may make it now."""
    return {move.name: allows(declaration, move) and may_make(user, declaration, move) for move in MOVES}
