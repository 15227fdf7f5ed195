"""certis demo: load every app's demonstration data and accounts. Running it again changes nothing."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load demonstration data and accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins: list[tuple[str, str, str]] = []
        for config in apps.get_app_configs():
            if not config.name.startswith("certis."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            logins += module.load(self.stdout) or []
        if logins:
            self.stdout.write("\nDemonstration accounts (username / password — role):")
            for username, password, role in logins:
                self.stdout.write(f"  {username:<12} / {password:<14} — {role}")
