"""Fixtures of the management page tests: the cast beyond ``cert_world`` and clients that read English."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from certis.accounts.models import Organisation, User
from certis.core.testing import client_for, person

__all__ = ["browse", "nobody"]


@pytest.fixture
def nobody(db: Any) -> User:
    """Someone with a login who works for no certification body and not for the regulator: a certified firm."""
    firm = Organisation.objects.create(
        name="佛山市顺德区美盈电器制造有限公司", kind=Organisation.Kind.CERTIFIED_FIRM
    )
    return person("manage_nobody", firm)


def browse(user: User | None) -> Client:
    """A client for the person (anonymous for None) that asks for the pages in English."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
