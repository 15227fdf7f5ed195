"""The life of a register entry: the statuses a body or lab moves through, and a registered person's.

Written once here and read by the services (which refuse any other move), the forms (which offer only these
moves), the pages and the API. The approval staff make every move (:func:`.access.can_keep_register`); the
first one, applying → approved, happens only through an approval (``services.approve_body``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Body, Person

Status = Body.Status

# Which status a body may move to from which; withdrawn and cancelled are final.
BODY_MOVES: dict[str, set[str]] = {
    Status.APPLYING: {Status.APPROVED},
    Status.APPROVED: {Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED},
    Status.SUSPENDED: {Status.APPROVED, Status.WITHDRAWN, Status.CANCELLED},
    Status.WITHDRAWN: set(),
    Status.CANCELLED: set(),
}
# What each move is called, by the status it leads to (the move out of applying is the approval itself).
BODY_MOVE_NAMES = {
    Status.APPROVED: _("Reinstate (approved again)"),
    Status.SUSPENDED: _("Suspend"),
    Status.WITHDRAWN: _("Withdraw"),
    Status.CANCELLED: pgettext_lazy("status change", "Cancel"),
}
# A body may be approved while applying, and approved again (renewed) while approved.
APPROVABLE_STATUSES = (Status.APPLYING, Status.APPROVED)
# A body whose entry may change on an application (more scope, new particulars).
CHANGEABLE_STATUSES = (Status.APPROVED,)
# Listed in the public register: every status past applying (withdrawn and cancelled bodies stay listed).
LISTED_STATUSES = [status for status in Status if status != Status.APPLYING]
# A body that may take on certification personnel.
EMPLOYING_STATUSES = (Status.APPROVED, Status.SUSPENDED)

# A registered person's status may change to any other, except out of revoked.
PERSON_FINAL_STATUSES = (Person.Status.REVOKED,)


def body_moves(status: str) -> set[str]:
    """The statuses a body of this status may move to (none: its status is final)."""
    return BODY_MOVES.get(status, set())


def person_moves(status: str) -> list[str]:
    """The statuses a person of this status may move to, in the model's order (none: final)."""
    if status in PERSON_FINAL_STATUSES:
        return []
    return [value for value in Person.Status.values if value != status]
