"""``certis revoke_signing_key KID --reason …``: a leaked key leaves the JWKS; its codes answer "revoked"."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from certis.certificates.management.keys import acting_user, run_service
from certis.certificates.models import SigningKey
from certis.certificates.services.keys import revoke_signing_key


class Command(BaseCommand):
    help = "Revoke a signing key (one that leaked): codes signed with it no longer verify."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kid", help="The key's id, as in the JWKS.")
        parser.add_argument("--reason", required=True, help="Why the key is revoked (kept in the audit log).")
        parser.add_argument("--by", default="", help="The username of the person revoking the key.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = run_service(
            revoke_signing_key,
            acting_user=acting_user(options["by"]),
            kid=options["kid"],
            reason=options["reason"],
        )
        self.stdout.write(self.style.WARNING(f"Signing key {key.kid} is revoked."))
        active = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).first()
        if active is not None:
            self.stdout.write(f"The active signing key is {active.kid}.")
