"""``certis rotate_signing_key``: a new active signing key; the old one is retired but stays published."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from certis.certificates.management.keys import acting_user, run_service
from certis.certificates.services.keys import rotate_signing_key


class Command(BaseCommand):
    help = "Make a new signing key active; codes signed with the old key keep verifying."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reason", default="", help="Why the key is rotated (kept in the audit log).")
        parser.add_argument("--by", default="", help="The username of the person rotating the key.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = run_service(
            rotate_signing_key, acting_user=acting_user(options["by"]), reason=options["reason"]
        )
        self.stdout.write(self.style.SUCCESS(f"The active signing key is now {key.kid}."))
