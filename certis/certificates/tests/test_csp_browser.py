"""In Chromium, under the Content-Security-Policy (issue 10): the home page, a certificate search through htmx,
the login page with the language switch, and Swagger UI at /api/docs work, and the browser reports no
violation of the policy."""

from __future__ import annotations

from typing import Any

import pytest

from certis.certificates.tests.public_fixtures import PubWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every violation the page reports, from before its first script runs (Playwright's init scripts are
# not subject to the page's policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _watched(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page()
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    return page, console


def _violations(page: Any, console: list[str]) -> list[str]:
    reported = list(page.evaluate("window.__violations"))
    return reported + [text for text in console if "Content Security Policy" in text]


def test_the_pages_work_under_the_policy_and_nothing_is_refused(
    live_server: Any, pub_world: PubWorld, browser: Any
) -> None:
    page, console = _watched(browser)
    seen: list[str] = []

    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("header.top .brand").is_visible()
    assert page.evaluate("typeof htmx") == "object"  # htmx loaded from its static file
    seen += _violations(page, console)

    page.goto(f"{live_server.url}/certificates/")
    page.fill("input[name=q]", "美的集团")
    with page.expect_response(lambda response: "q=" in response.url) as answered:
        page.click("form[role=search] button[type=submit]")
    assert answered.value.request.headers.get("hx-request") == "true"  # searched through htmx
    page.wait_for_function("document.querySelector('#certificate-results').innerText.includes('美的')")
    assert "q=" in page.url  # hx-push-url
    seen += _violations(page, console)

    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("form.card input[name=username]").is_visible()
    with page.expect_navigation():
        page.select_option("#language", "en")  # certis.js submits the switch (no inline handler)
    assert page.locator("html").get_attribute("lang") == "en"
    seen += _violations(page, console)

    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() > 5
    seen += _violations(page, console)

    assert seen == []
    assert [text for text in console if "Refused" in text] == []

    # The listener hears a violation when there is one: an inline script added now is refused.
    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    page.wait_for_function("window.__violations.length > 0")
    assert _violations(page, console)[0].startswith("script-src")
