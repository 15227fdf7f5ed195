"""``certis export_jwks FILE``: save the published JWKS, for ``certis verify-code --jwks`` on another machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certis.certificates.signing import published_jwks


class Command(BaseCommand):
    help = (
        "Write the public keys that verify codes (as at /.well-known/jwks.json) to a file, or - for stdout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the JWKS; - writes to standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(published_jwks(), indent=2)
        if options["file"] == "-":
            self.stdout.write(text)
            return
        try:
            Path(options["file"]).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {options['file']}: {error.strerror}.") from None
        self.stdout.write(f"{len(published_jwks()['keys'])} keys written to {options['file']}.")
