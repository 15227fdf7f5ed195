from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from certis.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind ``login_required``: its user is a real person."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets ``request.htmx``), so a view answers with
    the fragment it replaces rather than the whole page."""
    return bool(getattr(request, "htmx", False))
