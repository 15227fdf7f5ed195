"""Deployment defaults (issue 10): `certis check --deploy` is clean with what a real deployment sets; HTTPS
redirect and HSTS are on unless turned off explicitly; REDIS_URL puts the cache, the rate limits and the
lockouts in Redis; a strict Content-Security-Policy with no inline script in any template."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

CERTIS = Path(__file__).resolve().parents[2]
ROOT = CERTIS.parent
DEPLOYMENT = {
    "DJANGO_SETTINGS_MODULE": "certis.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "certis.example.gov.cn",
    "DATABASE_URL": "postgres://certis@127.0.0.1:5432/certis",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
SETTINGS = (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "AXES_HANDLER", "SILENCED_SYSTEM_CHECKS",
)  # fmt: skip


def certis(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Not the test run's own settings, nor DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set.
    skipped = {*DEPLOYMENT, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in skipped}
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "certis", *args], env={**environment, **env}, cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def production_settings(**env: str) -> dict[str, Any]:
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {SETTINGS!r}}} | {{'CACHE': s.CACHES['default']}}))"
    )
    done = certis("shell", "-c", code, **env)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_check_deploy_is_clean_with_what_a_deployment_sets() -> None:
    done = certis("check", "--deploy", "--fail-level", "WARNING", **DEPLOYMENT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_that_limits_are_per_process_without_redis() -> None:
    without = {key: value for key, value in DEPLOYMENT.items() if key != "REDIS_URL"}
    done = certis("check", "--deploy", **without)
    assert "certis.W001" in done.stdout + done.stderr


def test_https_redirect_and_hsts_are_on_by_default_in_production() -> None:
    values = production_settings(**DEPLOYMENT)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SESSION_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_SECURE"]


def test_a_tls_proxy_that_redirects_and_sends_hsts_turns_them_off_explicitly() -> None:
    env = DEPLOYMENT | {"SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    values = production_settings(**env)
    assert (values["SECURE_SSL_REDIRECT"], values["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert certis("check", "--deploy", "--fail-level", "WARNING", **env).returncode == 0


def test_redis_url_puts_cache_limits_and_lockouts_in_redis() -> None:
    values = production_settings(**DEPLOYMENT)
    assert values["CACHE"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHE"]["LOCATION"] == DEPLOYMENT["REDIS_URL"]
    assert values["AXES_HANDLER"] == "axes.handlers.cache.AxesCacheHandler"


def test_a_bad_redis_url_stops_the_start() -> None:
    done = certis("check", **(DEPLOYMENT | {"REDIS_URL": "127.0.0.1:6379"}))
    assert done.returncode != 0 and "REDIS_URL must start with redis://" in done.stderr


def test_without_redis_url_development_keeps_its_own_memory() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


# Content-Security-Policy

TEMPLATES = sorted({*CERTIS.glob("templates/**/*.html"), *CERTIS.glob("*/templates/**/*.html")})
TEMPLATES += sorted(CERTIS.glob("*/*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|\son[a-z]+=|javascript:"
)
# Left for their owners: the print button of the approval document (bodies) still has an inline handler,
# which the policy blocks (the browser's own Print still works); move it into a static script.
KNOWN_INLINE: set[str] = set()


def _name(path: Path) -> str:
    return str(path).split("/templates/", 1)[1]


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy() -> None:
    policy = Client().get("/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["style-src-elem"]
    assert not any("unsafe-eval" in value for values in directives.values() for value in values)


def test_no_template_has_an_inline_script() -> None:
    offenders = {_name(path) for path in TEMPLATES if INLINE_SCRIPT.search(path.read_text(encoding="utf-8"))}
    assert offenders <= KNOWN_INLINE, offenders - KNOWN_INLINE


def test_no_template_has_a_style_element() -> None:
    """The policy allows no <style> element: rules go into a static stylesheet."""
    offenders = {
        _name(path) for path in TEMPLATES if re.search(r"<style\b", path.read_text(encoding="utf-8"))
    }
    assert offenders == set()
