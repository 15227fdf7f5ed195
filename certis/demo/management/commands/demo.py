"""certis demo: load every app's demonstration data and accounts. Running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from certis.demo import accounts, bodies, catalogue, certificates, governance

# In the order each builds on the one before: people, the plan, the registers (with their applications), the
# certificates issued by the registered bodies, then the catalogue's declarations and import checks.
LOADERS = (accounts, governance, bodies, certificates, catalogue)


class Command(BaseCommand):
    help = "Load demonstration data and accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins: list[tuple[str, str, str]] = []
        for module in LOADERS:
            logins += module.load(self.stdout) or []
        if logins:
            self.stdout.write("\nDemonstration accounts (username / password — role):")
            for username, password, role in logins:
                self.stdout.write(f"  {username:<12} / {password:<14} — {role}")
