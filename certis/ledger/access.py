"""Who may do what with the ledger. The log itself (``/log/``) is public; its alerts are for the regulator's
supervision staff and auditors."""

from __future__ import annotations

from certis.accounts.access import Role, has_regulator_role
from certis.accounts.models import Visitor


def can_view_alerts(user: Visitor) -> bool:
    return has_regulator_role(user, Role.SUPERVISOR, Role.AUDITOR)
