"""certis expire_certificates: mark expired every certificate whose expiry date has passed.

A certificate is valid through its expiry date and expired from the day after, so this runs once a day,
shortly after midnight (Asia/Shanghai), from cron or a systemd timer::

    # /etc/cron.d/certis
    10 0 * * *  certis  /srv/certis/.venv/bin/certis expire_certificates

Running it twice, or late, is harmless: it expires what is due and nothing else, and a certificate being
changed at that moment is expired on the next run. ``--today`` runs it as of another day (to catch up or to
rehearse); a day in the future is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from certis.certificates.services.registry import expire_due_certificates


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (write it as 2026-03-01).") from None


class Command(BaseCommand):
    help = "Mark expired the certificates whose expiry date has passed (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=str, help="Run as of this day (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options.get("today") else timezone.localdate()
        if today > timezone.localdate():
            raise CommandError(f"{today} is in the future: certificates are expired only when due.")
        count = expire_due_certificates(today=today)
        noun = "certificate" if count == 1 else "certificates"
        self.stdout.write(f"{count} {noun} expired (expiry date before {today}).")
