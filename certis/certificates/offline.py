"""``certis verify-code CODE --jwks FILE``: check a code's signature with nothing but a saved JWKS.

No database is used, so the check runs on a machine that only has the JWKS (downloaded once from
``/.well-known/jwks.json``). It answers for the signature only: whether the certificate is still valid today
is the registry's to say (the verify page, or ``POST /api/v1/codes/verify``). A key the platform revoked is
no longer in the JWKS, so its codes answer ``unknown_key`` here.

Exit status: 0 valid, 1 any other verdict, 2 a JWKS that cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certis.certificates.signing import Verdict, verify_signature


def load_jwks(path: str) -> dict[str, Any]:
    try:
        jwks = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"Cannot read the JWKS file {path}: {error.strerror}.", returncode=2) from None
    except (UnicodeDecodeError, ValueError):
        raise CommandError(f"The JWKS file {path} is not JSON.", returncode=2) from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise CommandError(f'The JWKS file {path} has no "keys" list.', returncode=2)
    return jwks


class Command(BaseCommand):
    help = "Check a certificate's or mark's code offline against a JWKS file; exit status 0 only when valid."
    requires_system_checks: list[str] = []  # nothing to check: the database is not used

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The code (JWS) or the verify address that holds it; - reads stdin.")
        parser.add_argument("--jwks", required=True, help="A JWKS file, as served at /.well-known/jwks.json.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        if code == "-":
            code = sys.stdin.read()
        check = verify_signature(code, load_jwks(options["jwks"]))
        style = self.style.SUCCESS if check.is_valid else self.style.ERROR
        self.stdout.write(style(f"verdict: {check.verdict}"))
        self.stdout.write(f"reason: {check.reason}")
        if check.kid:
            self.stdout.write(f"kid: {check.kid}")
        if check.typ:
            self.stdout.write(f"type: {check.typ}")
        if check.payload is not None:
            trust = "signed by the key above" if check.is_valid else "NOT to be trusted"
            self.stdout.write(f"payload ({trust}):")
            self.stdout.write(json.dumps(check.payload, ensure_ascii=False, indent=2))
        if check.is_valid:
            self.stdout.write(
                "The signature holds. Whether the certificate is still valid today, only the registry says."
            )
        if check.verdict != Verdict.VALID:
            raise SystemExit(1)
