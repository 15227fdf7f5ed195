"""A ceiling on failed logins to one account from all addresses together.

django-axes locks an account after ``LOGIN_FAILURE_LIMIT`` wrong passwords *from one address*
(``AXES_LOCKOUT_PARAMETERS`` in settings/base.py), so that nobody elsewhere can lock its owner out. That leaves
guessing from many addresses, five tries each. Past ``LOGIN_ACCOUNT_CEILING`` failures to one account (50 in
15 minutes unless set), nobody may log in to it until the window ends, its owner included: to do that to
someone an attacker now needs ten addresses, where one was enough. Axes has one failure limit for all its
lockout parameters, so the ceiling is counted here, with the rate limits' counters (``certis.core.ratelimit``:
in Redis in production, like axes' own).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest

from certis.core.ratelimit import Verdict, hit, peek

CEILING = "LOGIN_ACCOUNT_CEILING"


def _ident(username: str) -> str:
    digest = hashlib.blake2b(username.strip().casefold().encode(), digest_size=12).hexdigest()
    return f"login:{digest}"


def record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Count a failed login (Django's ``user_login_failed``), unless axes refused it unread: tries from an
    address that is already locked out must not bring the account's ceiling nearer."""
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    username = credentials.get("username")
    if username:
        hit(_ident(str(username)), CEILING)


def account_verdict(username: str) -> Verdict:
    """Whether the account may still be tried (``allowed``), counting nothing."""
    return peek(_ident(username), CEILING)
