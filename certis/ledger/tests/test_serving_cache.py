"""The log's files are the same bytes in every language: no Vary: Cookie, so a proxy or CDN keeps one copy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from certis.ledger.services import integrate


@pytest.mark.django_db
def test_the_log_varies_on_nothing_but_the_pages_still_vary_on_the_language_cookie(db: Any) -> None:
    integrate()  # the empty log's first checkpoint
    client = Client()
    for path in ("/log/checkpoint", "/log/key", "/.well-known/jwks.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Cookie" not in response.get("Vary", ""), path
    assert "Cookie" in client.get("/certificates/").get("Vary", "")
