"""What every app's tests share: the people of the cast (:mod:`certis.core.testing.cast` makes them), a client
logged in as one of them, a Chromium page logged in, and the permission tests' view of a response.

Imported by tests only; the fixtures live in :mod:`certis.core.testing.cast`, which the root ``conftest.py``
registers through ``pytest_plugins``.
"""

from __future__ import annotations

import shutil
from typing import Any

from django.test import Client
from django.urls import reverse

from certis.accounts.models import Membership, Organisation, User
from certis.core.text import normalize

SEED_NAME = "cnca-2018-implementation-plan.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOGIN = "login"  # the answer when a page sends the visitor to log in


def unit(name: str) -> Organisation:
    return Organisation.objects.get(name_key=normalize(name), kind__in=["department", "affiliate"])


def person(username: str, organisation: Organisation, role: str = Membership.Role.STAFF) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def log_in(browser: Any, base_url: str, user: User) -> Any:
    """A new page, logged in as the user (whose password the cast gives as "pw-" + username)."""
    page = browser.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-" + user.username)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def answer(response: Any) -> int | str:
    """A permission test's view of a response: the status code, or LOGIN when it sends the visitor to log in."""
    if getattr(response, "streaming", False):
        # Read to the end: the test client then closes the file itself, without closing the database
        # connection as a second response.close() would (it looks like a finished request).
        b"".join(response.streaming_content)
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return LOGIN
    status: int = response.status_code
    return status
