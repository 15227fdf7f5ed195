"""The ledger's commands (``certis ledger-worker``, ``ledger-key``, ``export-log``, ``verify-log``). They live
here, where mypy can check them: a module name with a hyphen cannot be imported by the import statement, so
``management/commands/<name>.py`` only re-exports the class."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from certis.accounts.models import User

from .verifier import VerificationError, verify_log


class WorkerCommand(BaseCommand):
    help = "Integrate new ledger entries and sign a checkpoint every few seconds; audit the log every five minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between integrations.")
        parser.add_argument(
            "--audit-every", type=float, default=300.0, help="Seconds between audits; 0: never."
        )
        parser.add_argument(
            "--once", action="store_true", help="Integrate once (and audit with --audit) and stop."
        )
        parser.add_argument("--audit", action="store_true", help="With --once: audit the log as well.")

    def handle(self, *args: Any, **options: Any) -> None:
        from .services import audit_log, integrate

        audited = time.monotonic()
        while True:
            checkpoint = integrate()
            if checkpoint is not None:
                self.stdout.write(f"Signed checkpoint {checkpoint.size}.")
            if options["once"]:
                if options["audit"]:
                    self.stdout.write(f"Audit: {len(audit_log())} new alerts.")
                return
            if checkpoint is not None and checkpoint.size and integrate_again(checkpoint):
                continue
            if options["audit_every"] and time.monotonic() - audited >= options["audit_every"]:
                audit_log()
                audited = time.monotonic()
            time.sleep(options["interval"])


def integrate_again(checkpoint: Any) -> bool:
    """Whether entries are still waiting beyond what one integration takes (a bulk import)."""
    from .models import LogHead

    committed = LogHead.objects.filter(pk=LogHead.APPEND).values_list("next_index", flat=True).first() or 0
    return bool(committed > checkpoint.size)


class KeyCommand(BaseCommand):
    help = "Create the log's signing key, or rotate it (old checkpoints stay verifiable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "rotate", "show"])
        parser.add_argument("--reason", default="", help="Why the key is rotated (kept in the audit log).")
        parser.add_argument("--by", default="", help="The username of the person acting.")

    def handle(self, *args: Any, **options: Any) -> None:
        from .services.keys import create_log_key, rotate_log_key

        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"There is no user {options['by']!r}.")
        if options["action"] == "rotate":
            key = rotate_log_key(acting_user=actor, reason=options["reason"])
        elif options["action"] == "create":
            key = create_log_key(acting_user=actor)
        else:
            from .services import current_log_key

            key = current_log_key()
        self.stdout.write(key.verifier_key)


class ExportCommand(BaseCommand):
    help = "Write the log (checkpoint, key, tiles, entry bundles) to a directory for a static web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from .export import export_log

        try:
            size = export_log(options["directory"])
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Exported the log at size {size} to {options['directory']}.")


class VerifyCommand(BaseCommand):
    help = (
        "Verify a tlog-tiles log (URL prefix or directory) from its entries up; exit status 1 on a mismatch."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", help="The log's URL prefix (https://…/log) or an exported directory.")
        parser.add_argument("--key", action="append", default=[], help="A trusted verifier key (repeatable).")
        parser.add_argument(
            "--previous", type=Path, help="A checkpoint saved earlier: the log must extend it."
        )
        parser.add_argument(
            "--no-entry-rules", action="store_true", help="Skip the check of entries' prev links."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        previous = None
        if options["previous"]:
            try:
                previous = options["previous"].read_bytes()
            except OSError as error:
                raise CommandError(
                    f"Cannot read {options['previous']}: {error.strerror}.", returncode=2
                ) from None
        try:
            report = verify_log(
                options["location"],
                keys=options["key"],
                previous=previous,
                check_entries=not options["no_entry_rules"],
            )
        except VerificationError as error:
            raise CommandError(f"The log does not verify:\n{error}", returncode=1) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        checkpoint = report.checkpoint
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {checkpoint.origin} at size {checkpoint.size}, {report.tiles_checked} tiles recomputed "
                "from the entries, root and signature verified."
            )
        )
