"""Recording an import check: the declaration's lines as declared, the verdict of each, and the lane.

The check itself (``checking.check_lines``) only reads; this writes the record and its audit event in one
transaction, so a check that was answered is a check that was recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, ApiToken, Organisation
from certis.audit.models import EventType
from certis.audit.services import record
from certis.core.text import tidy

from ..checking import CheckResult, check_lines
from ..files.lines import read_lines
from ..models import ImportCheck, ImportCheckLine

MAX_LINES = 2000


def _line_values(result: CheckResult) -> list[dict[str, Any]]:
    """Each line as declared (cut to the columns' lengths) with its verdict."""
    rows = []
    for line, verdict in zip(result.lines, result.verdicts, strict=True):
        raw = line.raw
        rows.append(
            {
                "line": line.line,
                "hs_code": raw["hs_code"][:64],
                "product_name": raw["product_name"][:200],
                "product_model": raw["model"][:200],
                "quantity": raw["quantity"][:32],
                "number": raw["number"][:64],
                "importer_uscc": raw["importer_uscc"][:32],
                "exemption": raw["exemption"][:200],
                "verdict": verdict.verdict,
                "reason_code": verdict.reason_code,
                "reason": verdict.reason,
                "lane": verdict.lane,
                "product_codes": verdict.product_codes,
                "document_kind": verdict.document_kind,
                "duplicate_of": verdict.duplicate_of,
            }
        )
    return rows


def _codes_json(codes: list[str]) -> str:
    """Catalogue product codes (four digits each) as a JSON list, without an encoder per line."""
    if all(code.isdigit() for code in codes):
        return "[" + ",".join(f'"{code}"' for code in codes) + "]"
    return json.dumps(codes, ensure_ascii=False)


def _store_lines(check: ImportCheck, rows: list[dict[str, Any]]) -> None:
    """Insert the lines: with COPY on PostgreSQL (a thousand lines in a few milliseconds, where Django takes a
    tenth of a second to build an INSERT of that many rows), else with ``bulk_create``."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not rows:
        ImportCheckLine.objects.bulk_create(
            [ImportCheckLine(import_check=check, **row) for row in rows], batch_size=500
        )
        return
    names = list(rows[0])
    columns = ", ".join(connection.ops.quote_name(name) for name in ["import_check_id", *names])
    table = connection.ops.quote_name(ImportCheckLine._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [row[name] for name in names]
            values[names.index("product_codes")] = _codes_json(row["product_codes"])
            copy.write_row([check.pk, *values])


@transaction.atomic
def check_import(
    *,
    acting_user: Actor,
    organisation: Organisation,
    rows: Iterable[Mapping[str, Any]],
    source: str,
    declared_on: dt.date | None = None,
    reference: str = "",
    file_name: str = "",
    default_importer: str = "",
    token: ApiToken | None = None,
) -> tuple[ImportCheck, CheckResult]:
    """Check a declaration of 1 to ``MAX_LINES`` lines for ``organisation`` (a customs office) and record it."""
    rows = list(rows)
    if not rows:
        raise ValidationError(_("The declaration has no lines."))
    if len(rows) > MAX_LINES:
        raise ValidationError(
            _("The declaration has %(count)d lines; at most %(max)d are checked at once. Split it.")
            % {"count": len(rows), "max": MAX_LINES}
        )
    if organisation.kind != Organisation.Kind.CUSTOMS:
        raise ValidationError(_("Only a customs office checks import declarations."))
    day = declared_on or timezone.localdate()
    result = check_lines(read_lines(rows, default_importer), day)
    check = ImportCheck.objects.create(
        organisation=organisation,
        checked_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        token=token,
        source=source,
        reference=tidy(reference or "")[:64],
        file_name=(file_name or "")[:255],
        declared_on=day,
        lane=result.lane,
        line_count=len(result.verdicts),
        counts=result.counts,
    )
    _store_lines(check, _line_values(result))
    record(
        EventType.IMPORT_CHECKED,
        actor=acting_user,
        target=check,
        organisation=organisation,
        data={
            "lines": check.line_count,
            "counts": check.counts,
            "lane": check.lane,
            "source": source,
            "reference": check.reference,
            "token": token.pk if token is not None else None,
        },
    )
    return check, result
