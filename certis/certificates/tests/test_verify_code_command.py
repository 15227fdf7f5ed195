"""``certis verify-code CODE --jwks FILE`` checks a code offline, with the JWKS alone; the key commands."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from certis.audit.models import AuditEvent, EventType
from certis.certificates.models import Certificate, SigningKey
from certis.certificates.signing import code_for
from certis.certificates.tests.code_fixtures import altered, foreign_key, jwks_of, sign_with
from certis.certificates.tests.conftest import CertWorld

KEY = foreign_key("202606-offline")
PAYLOAD = {
    "v": 1,
    "b": "CNCA-R-2002-001",
    "n": "2025010101000001",
    "h": "美的集团股份有限公司",
    "e": "2030-05-31",
}
CODE = sign_with(KEY, PAYLOAD, kid="202606-offline")


@pytest.fixture
def jwks_file(tmp_path: Path) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks_of(KEY)), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify-code", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


# These tests have no database: pytest-django refuses any query in them, so the check is offline indeed.


def test_a_valid_code_exits_zero_and_prints_the_payload(jwks_file: Path) -> None:
    status, out = run(CODE, "--jwks", str(jwks_file))
    assert status == 0
    assert "verdict: valid" in out and "reason: signature_valid" in out and "kid: 202606-offline" in out
    assert '"h": "美的集团股份有限公司"' in out


def test_the_verify_address_from_a_qr_code_is_accepted(jwks_file: Path) -> None:
    status, out = run(
        f"https://certis.example.gov.cn/certificates/verify/?code={CODE}", "--jwks", str(jwks_file)
    )
    assert (status, "verdict: valid" in out) == (0, True)


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        (altered(CODE, e="2040-05-31"), "altered"),
        (sign_with(foreign_key(), PAYLOAD, kid="someone-else"), "unknown_key"),
        ("not a code", "malformed"),
    ],
)
def test_any_other_verdict_exits_one(jwks_file: Path, code: str, verdict: str) -> None:
    status, out = run(code, "--jwks", str(jwks_file))
    assert status == 1
    assert f"verdict: {verdict}" in out


def test_what_an_altered_code_claims_is_marked_untrusted(jwks_file: Path) -> None:
    _status, out = run(altered(CODE, e="2040-05-31"), "--jwks", str(jwks_file))
    assert "NOT to be trusted" in out and "2040-05-31" in out


@pytest.mark.parametrize("content", [None, "{not json", '{"no": "keys"}', "[]"])
def test_a_jwks_that_cannot_be_read_is_an_error(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "jwks.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run(CODE, "--jwks", str(path))
    assert raised.value.returncode == 2


def test_the_certis_command_runs_verify_code_with_no_database_at_hand(jwks_file: Path) -> None:
    """Through the installed ``certis`` command, with a database address that answers nothing."""
    certis = Path(sys.executable).with_name("certis")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "certis.settings.test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
    }
    valid = subprocess.run(  # noqa: S603
        [str(certis), "verify-code", CODE, "--jwks", str(jwks_file)], capture_output=True, text=True, env=env
    )
    assert valid.returncode == 0, valid.stderr
    assert "verdict: valid" in valid.stdout
    forged = subprocess.run(  # noqa: S603
        [str(certis), "verify-code", altered(CODE, n="1"), "--jwks", str(jwks_file)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert forged.returncode == 1 and "verdict: altered" in forged.stdout


# With the platform's own keys.


@pytest.mark.django_db
def test_a_platform_code_verifies_offline_with_the_exported_jwks(
    tmp_path: Path, cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    code = code_for(cert_certificate)
    path = tmp_path / "jwks.json"
    call_command("export_jwks", str(path), stdout=io.StringIO())
    assert run(code, "--jwks", str(path))[0] == 0
    call_command(
        "rotate_signing_key",
        "--reason",
        "yearly",
        "--by",
        cert_world.supervisor.username,
        stdout=io.StringIO(),
    )
    call_command("export_jwks", str(path), stdout=io.StringIO())
    assert run(code, "--jwks", str(path))[0] == 0  # the retired key is still published
    assert run(code_for(cert_certificate), "--jwks", str(path))[0] == 0
    event = AuditEvent.objects.get(event_type=EventType.SIGNING_KEY_ROTATED)
    assert (event.actor, event.data["reason"]) == (cert_world.supervisor, "yearly")


@pytest.mark.django_db
def test_a_revoked_key_leaves_the_exported_jwks_so_its_codes_fail_offline(
    tmp_path: Path, cert_certificate: Certificate
) -> None:
    code = code_for(cert_certificate)
    kid = SigningKey.objects.get().kid
    out = io.StringIO()
    call_command("revoke_signing_key", kid, "--reason", "leaked", stdout=out)
    assert f"Signing key {kid} is revoked." in out.getvalue()
    path = tmp_path / "jwks.json"
    call_command("export_jwks", str(path), stdout=io.StringIO())
    status, printed = run(code, "--jwks", str(path))
    assert (status, "verdict: unknown_key" in printed) == (1, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--reason", "leaked"], "no signing key"),
        (["nope", "--reason", "x", "--by", "ghost"], "no user"),
    ],
)
def test_key_commands_refuse_clearly(args: list[str], message: str) -> None:
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("revoke_signing_key", *args, stdout=io.StringIO())


@pytest.mark.django_db
def test_export_jwks_writes_to_standard_output(cert_certificate: Certificate) -> None:
    code_for(cert_certificate)
    out = io.StringIO()
    call_command("export_jwks", "-", stdout=out)
    assert json.loads(out.getvalue())["keys"][0]["kid"] == SigningKey.objects.get().kid
