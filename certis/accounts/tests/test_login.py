"""Logging in, locking an account after repeated failures, and the interface language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from certis.accounts.models import Organisation, User
from certis.core.testing import person

LOGIN = reverse("accounts:login")


@pytest.fixture
def clerk(db: object) -> User:
    return person("clerk", Organisation.objects.create(name="认可部", kind=Organisation.Kind.DEPARTMENT))


def log_in(client: Client, password: str, username: str = "clerk") -> object:
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_the_right_password_logs_in(clerk: User) -> None:
    client = Client()
    response = log_in(client, "pw-clerk")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("accounts:profile")).context["user"] == clerk


@pytest.mark.django_db
def test_a_wrong_password_shows_the_form_again(clerk: User) -> None:
    client = Client()
    response = log_in(client, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_from_that_address_even_against_the_right_one(
    clerk: User,
) -> None:
    client = Client()
    for _attempt in range(4):
        assert log_in(client, "wrong").status_code == 200
    locked = log_in(client, "wrong")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in locked.templates]

    again = log_in(Client(), "pw-clerk")  # the same address, the right password: still locked
    assert again.status_code == 429
    with translation.override("zh-hans"):
        assert escape(gettext("Account locked")) in again.content.decode()
    assert Client().get(reverse("accounts:profile")).status_code == 302


@pytest.mark.django_db
def test_four_wrong_passwords_do_not_lock_the_account(clerk: User) -> None:
    client = Client()
    for _attempt in range(4):
        log_in(client, "wrong")
    assert log_in(client, "pw-clerk").status_code == 302


@pytest.mark.django_db
def test_locking_one_account_leaves_the_others_alone(clerk: User) -> None:
    person("other", Organisation.objects.get())
    for _attempt in range(5):
        log_in(Client(), "wrong")
    assert log_in(Client(), "pw-other", username="other").status_code == 302


@pytest.mark.django_db
def test_pages_speak_simplified_chinese_even_to_an_english_browser() -> None:
    response = Client().get(reverse("portal:home"), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.django_db
def test_choosing_english_switches_the_pages_to_english() -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302
    page = client.get(reverse("portal:home"))
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_chinese() -> None:
    client = Client()
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("portal:home"))
    assert '<html lang="zh-hans">' in page.content.decode()
