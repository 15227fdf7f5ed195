"""certis reclaim_import_jobs: fail the certificate import jobs whose process died while running them.

A job is lost when the process checking it is killed (``kill -9``, out of memory, a web worker recycled in the
middle of a small file): it would show "being checked" for ever. Every claim of a job reclaims lost ones, and
this command does it on its own, from cron every few minutes::

    # /etc/cron.d/certis
    */5 * * * *  certis  /srv/certis/.venv/bin/certis reclaim_import_jobs

A job counts as lost when its heartbeat is older than ``CERTIFICATES_IMPORT_STALE_SECONDS`` (300 by default).
Nothing of a lost job was applied; its page says so and asks for the file again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from certis.certificates.services.imports import reclaim_lost_jobs


class Command(BaseCommand):
    help = "Mark failed the certificate import jobs lost with their process (run every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reclaim_lost_jobs()
        noun = "job" if count == 1 else "jobs"
        self.stdout.write(f"{count} lost import {noun} marked failed.")
