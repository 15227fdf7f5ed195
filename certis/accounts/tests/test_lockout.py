"""Lockouts count per account and address (issue 10): five wrong passwords from one address lock the account
from that address only; an attacker elsewhere cannot lock the owner out. Guessing from many addresses meets
the account's ceiling (``LOGIN_ACCOUNT_CEILING``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from certis.accounts.models import Organisation, User
from certis.core.testing import person

LOGIN = reverse("accounts:login")
OWNER, ATTACKER = "10.1.0.1", "203.0.113.7"


@pytest.fixture
def clerk(db: object) -> User:
    return person("clerk", Organisation.objects.create(name="认可部", kind=Organisation.Kind.DEPARTMENT))


def log_in(address: str, password: str, username: str = "clerk", **extra: Any) -> Any:
    return Client(REMOTE_ADDR=address, **extra).post(LOGIN, {"username": username, "password": password})


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(clerk: User) -> None:
    assert [log_in(ATTACKER, "wrong").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    assert log_in(ATTACKER, "pw-clerk").status_code == 429  # the attacker's address stays locked
    assert log_in(OWNER, "pw-clerk").status_code == 302  # the owner still gets in


def test_the_owner_who_mistypes_five_times_is_locked_at_that_address_only(clerk: User) -> None:
    for _attempt in range(5):
        log_in(OWNER, "wrong")
    assert log_in(OWNER, "pw-clerk").status_code == 429
    assert log_in("10.1.0.2", "pw-clerk").status_code == 302  # the next desk


def test_addresses_are_read_through_the_configured_proxies(clerk: User, settings: Any) -> None:
    """Behind one proxy every caller's socket address is the proxy's: the lockout must count the caller."""
    settings.NINJA_NUM_PROXIES = 1
    for _attempt in range(5):
        log_in("127.0.0.1", "wrong", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert log_in("127.0.0.1", "pw-clerk", HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    assert log_in("127.0.0.1", "pw-clerk", HTTP_X_FORWARDED_FOR=OWNER).status_code == 302


def test_guessing_from_many_addresses_meets_the_account_ceiling(clerk: User, settings: Any) -> None:
    settings.LOGIN_ACCOUNT_CEILING = "8/15min"
    for address in ("198.51.100.1", "198.51.100.2"):
        assert [log_in(address, "wrong").status_code for _ in range(4)] == [200] * 4
    refused = log_in("198.51.100.3", "pw-clerk")  # the right password, a fresh address: past the ceiling
    assert refused.status_code == 200
    assert [error.code for error in refused.context["form"].errors.as_data()["__all__"]] == [
        "account_ceiling"
    ]
    with translation.override("zh-hans"):  # the interface's default language
        expected = gettext(
            "Too many failed logins to this account from many addresses: nobody may log in to it for the "
            "next %(minutes)d minutes. Try again then, or ask your organisation's manager."
        )
    before, after = expected.split("%(minutes)d")
    assert before in str(refused.context["form"].errors) and after in str(refused.context["form"].errors)
    person("other", Organisation.objects.get())
    assert log_in("198.51.100.3", "pw-other", username="other").status_code == 302  # other accounts go on


def test_tries_from_a_locked_address_do_not_count_towards_the_ceiling(clerk: User, settings: Any) -> None:
    settings.LOGIN_ACCOUNT_CEILING = "6/15min"
    for _attempt in range(20):  # five count; axes refuses the other fifteen unread
        log_in(ATTACKER, "wrong")
    assert log_in(OWNER, "pw-clerk").status_code == 302
