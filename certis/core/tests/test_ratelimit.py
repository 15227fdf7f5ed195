"""The public pages are rate-limited like the public API, by one limiter and one allowance per address
(issue 10); pages not listed in RATE_LIMITED_VIEWS are not limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from certis.core import ratelimit

pytestmark = pytest.mark.django_db

SEARCH = reverse("certificates:search")
VERIFY = reverse("certificates:verify")
DETAIL = reverse("certificates:detail", args=["CNCA-R-2002-001", "2025NOSUCH0001"])
API = "/api/v1/certificates"


@pytest.fixture
def three_a_minute(settings: Any) -> None:
    settings.CERTIFICATES_ANON_RATE = "3/min"


@pytest.mark.parametrize("url", [SEARCH, VERIFY, DETAIL])
def test_a_public_page_past_the_limit_answers_429_with_retry_after(three_a_minute: None, url: str) -> None:
    client = Client()
    assert [client.get(url).status_code != 429 for _ in range(3)] == [True] * 3
    refused = client.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "core/too_many_requests.html" in [template.name for template in refused.templates]
    assert Client(REMOTE_ADDR="10.0.0.9").get(url).status_code != 429  # another address


def test_pages_and_the_api_share_one_allowance(three_a_minute: None) -> None:
    client = Client()
    assert client.get(SEARCH, {"q": "美的"}).status_code == 200
    assert client.get(API, {"q": "美的"}).status_code == 200
    assert client.post(VERIFY, {"text": "2025010101000001"}).status_code != 429
    assert client.get(API + "/2025010101000001").status_code == 429
    assert client.get(SEARCH).status_code == 429


def test_pages_not_listed_are_not_limited(three_a_minute: None) -> None:
    client = Client()
    assert {client.get(reverse("portal:home")).status_code for _ in range(6)} == {200}
    assert {client.get(reverse("accounts:login")).status_code for _ in range(6)} == {200}


def test_the_caller_is_the_address_the_proxy_saw(three_a_minute: None, settings: Any) -> None:
    settings.NINJA_NUM_PROXIES = 1
    for _ in range(3):
        Client().get(SEARCH, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert Client().get(SEARCH, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # A forged first entry does not make a new caller: the proxy appended the real one last.
    assert Client().get(SEARCH, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1").status_code == 429
    assert Client().get(SEARCH, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_peek_counts_nothing(settings: Any) -> None:
    settings.CERTIFICATES_ANON_RATE = "2/min"
    assert ratelimit.peek("address:x", "CERTIFICATES_ANON_RATE").allowed
    assert [ratelimit.hit("address:x", "CERTIFICATES_ANON_RATE").allowed for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert not ratelimit.peek("address:x", "CERTIFICATES_ANON_RATE").allowed


def test_with_the_cache_down_pages_and_the_api_still_answer(settings: Any, caplog: Any) -> None:
    """Redis unreachable: the limit is not counted (and says so in the log) rather than verification down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client = Client()
    assert client.get(SEARCH).status_code == 200
    assert client.get(API, {"q": "美的"}).status_code == 200
    assert "not counted: the cache cannot be reached" in caplog.text
