"""certis import-plan FILE: read a notice and import its plan (or show what would change)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from certis.accounts.models import Organisation, User
from certis.governance.files.notice import Notice, NoticeError, read_notice
from certis.governance.models import Plan
from certis.governance.services.plan_import import (
    PlanDiff,
    diff_plan,
    find_plan_for,
    import_plan,
    revise_plan,
)


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"{path} is not UTF-8 or GB18030 text.")


def require_migrated_database() -> None:
    """Even a dry run reads the database (is the notice already imported?): say so plainly when it cannot,
    rather than fail with a traceback about a missing table."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(f"The database cannot be reached ({error}): check DATABASE_URL.") from None
    if pending:
        raise CommandError(
            f"The database is not set up ({len(pending)} migrations not applied): run certis migrate first."
        )


class Command(BaseCommand):
    help = "Import the leading group and implementation plan from a notice (text file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; change nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as one JSON object.")
        parser.add_argument("--yes", action="store_true", help="Apply a revised notice without asking.")
        parser.add_argument("--user", help="Username of the person importing (recorded in the audit log).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        text = read_text(path)
        try:
            notice = read_notice(text)
        except NoticeError as error:
            lines = [f"line {p.line}: {p.expected} — {p.text[:60]}" for p in error.problems]
            raise CommandError(
                "The notice could not be read; nothing was imported.\n" + "\n".join(lines)
            ) from None
        require_migrated_database()
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        if options["user"] and user is None:
            raise CommandError(f"No user {options['user']!r}.")
        plan, same = find_plan_for(notice, text)
        if options["dry_run"]:
            self._print_dry_run(notice, plan, same, options["json"])
            return
        if plan is not None and same:
            self.stdout.write(f"Already imported as plan {plan.pk}; nothing changed.")
        elif plan is not None:
            self._revise(plan, notice, text, path.name, user, options["yes"])
        else:
            issuer = Organisation.objects.filter(kind=Organisation.Kind.REGULATOR).order_by("pk").first()
            plan = import_plan(
                acting_user=user, notice=notice, source_text=text, source_name=path.name, issuer=issuer
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported plan {plan.pk}: {len(notice.parts)} parts, {len(notice.measures)} measures, "
                    f"{len(notice.tasks)} tasks, {len(notice.units())} units."
                )
            )

    def _print_dry_run(self, notice: Notice, plan: Plan | None, same: bool, as_json: bool) -> None:
        summary = notice.as_json()
        if plan is not None:
            summary["existing_plan"] = plan.pk
            summary["changes"] = None if same else diff_plan(plan, notice).as_json()
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{notice.title}\n{summary['parts']} parts, {summary['measures']} measures, "
                f"{len(notice.tasks)} tasks, units: {'、'.join(notice.units())}"
            )

    def _revise(self, plan: Plan, notice: Notice, text: str, name: str, user: User | None, yes: bool) -> None:
        diff = diff_plan(plan, notice)
        self._describe(diff)
        if not yes and not (
            sys.stdin.isatty() and input("Apply these changes? [y/N] ").strip().lower() == "y"
        ):
            self.stdout.write("Not applied. Run again with --yes to apply.")
            return
        revise_plan(acting_user=user, plan=plan, notice=notice, source_text=text, source_name=name)
        self.stdout.write(self.style.SUCCESS(f"Plan {plan.pk} revised."))

    def _describe(self, diff: PlanDiff) -> None:
        self.stdout.write(f"Revision of an imported plan: {len(diff.tasks)} task(s) differ.")
        if diff.outline_changed:
            self.stdout.write("  parts or measures changed")
        if diff.positions_changed:
            self.stdout.write("  leading group or office changed")
        for change in diff.tasks:
            self.stdout.write(f"  task {change.number}: {change.kind}")
