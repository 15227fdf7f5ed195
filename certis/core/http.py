from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from certis.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind ``login_required``: its user is a real person."""

    user: User
