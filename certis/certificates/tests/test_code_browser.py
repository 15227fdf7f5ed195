"""In Chromium: a visitor pastes a certificate's QR code text into the verify page and sees "valid"; then
pastes a code whose expiry date was edited and sees "altered"."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from certis.certificates.models import Certificate
from certis.certificates.signing import code_for
from certis.certificates.tests.code_fixtures import altered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_pastes_a_qr_code_and_sees_the_verdict(
    live_server: Any, cert_certificate: Certificate, browser: Any
) -> None:
    code = code_for(cert_certificate)
    forged = altered(code, e="2040-05-31")
    page = browser.new_page()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])

    page.goto(f"{live_server.url}/certificates/verify/")
    page.fill("#verify-form textarea[name=code]", code)
    page.click("#verify-form button[type=submit]")
    page.wait_for_load_state()
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert verdict.locator(".verdict-word").inner_text() == "Valid"
    assert "signature_valid" in verdict.inner_text()
    assert "2025010101000001" in verdict.inner_text()

    page.fill("#verify-form textarea[name=code]", forged)
    page.click("#verify-form button[type=submit]")
    page.wait_for_load_state()
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "altered"
    assert verdict.locator(".verdict-word").inner_text() == "Altered"
    assert "signature_invalid" in verdict.inner_text()
    assert verdict.locator("a[href^='/certificates/report-suspect/']").count() == 1
