"""What the signing-key commands share: who acts, and service refusals as command errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from certis.accounts.models import User

T = TypeVar("T")


def acting_user(username: str) -> User | None:
    """The person named by ``--by``, or None (the platform's operator, outside any organisation)."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"There is no user {username!r}.")
    return user


def run_service(service: Callable[..., T], **kwargs: Any) -> T:
    try:
        return service(**kwargs)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
