"""Who may keep the registers and who may see what of them: one place for the checks of the register pages.

- Everyone, signed in or not, reads the published registers: listed bodies and labs (a number, and a status
  other than applying) and registered personnel, without their identity numbers.
- The regulator's approval staff keep the registers: they change a body's status, record accreditations,
  register people and record their qualifications, employment and status.
- Approval staff and approving officials see a person's masked identity number; nobody sees the plain one.

A role counts only when held in one of the regulator's own organisations: a certification body's manager who
was somehow given the approval-staff role does not thereby keep the register of their competitors.
"""

from __future__ import annotations

from certis.accounts.access import Role, has_regulator_role
from certis.accounts.models import Visitor


def can_keep_register(user: Visitor) -> bool:
    return has_regulator_role(user, Role.APPROVAL_STAFF)


def sees_masked_identity(user: Visitor) -> bool:
    return has_regulator_role(user, Role.APPROVAL_STAFF, Role.APPROVAL_OFFICIAL)
