"""Read a filled-in progress table (:func:`..files.excel.progress_table`) and file its rows as progress reports.

The whole file is checked first and every problem is listed, with its row and column, so that a unit
fixes its table once; only a file without problems is written, in one transaction. Rows left empty, and
rows still holding the unit's latest report exactly as the table was prefilled, are not reports: a unit
sends back the whole table having filled in only its own rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from certis.accounts.models import Organisation, User
from certis.audit.models import EventType
from certis.audit.services import record
from certis.core.text import fold_width, normalize

from .. import access, lifecycle
from ..files import excel
from ..models import Plan, Responsibility, Task, TaskStatus
from . import work as services

REQUIRED_HEADERS = (
    excel.NUMBER,
    excel.UNIT,
    excel.STATUS,
    excel.PERCENT,
    excel.PROGRESS,
    excel.REPORTED_ON,
)
HEADER_ROWS_SEARCHED = 5
NOT_A_WORKBOOK = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, ParseError)

_STATUSES = {
    **{normalize(label): code for code, label in excel.STATUS_LABELS.items()},
    **{normalize(str(label)): code for code, label in TaskStatus.choices},
    **{code: code for code in TaskStatus.values},
}
_PERCENT = re.compile(r"(?P<number>\d{1,3})(?:\.0*)?\s*%?")
_DATE = re.compile(r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?")
_TASK_NUMBER = re.compile(r"(?P<number>\d{1,4})(?:\.0*)?")
_SERVICE_FIELDS = {
    "status": excel.STATUS,
    "percent_complete": excel.PERCENT,
    "reported_on": excel.REPORTED_ON,
}


@dataclass
class Problem:
    row: int  # the row number Excel shows; 0 for the file as a whole
    field: str  # the column's header, or "" for the file as a whole
    reason: str


@dataclass
class ProgressRow:
    row: int
    task: Task
    unit: Organisation
    status: str
    percent_complete: int
    text: str
    reported_on: dt.date


class _Invalid(Exception):
    """A cell that cannot be read; its message is the problem's reason."""


# The file.


def _rows_of(file: Any) -> list[tuple[Any, ...]]:
    if isinstance(file, bytes):
        data = file
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _find_headers(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]]:
    """The header row (its Excel number, 0 if none) and each known header's column index in it."""
    best: tuple[int, dict[str, int]] = (0, {})
    for number, row in enumerate(rows[:HEADER_ROWS_SEARCHED], start=1):
        columns: dict[str, int] = {}
        for index, value in enumerate(row):
            header = excel.header_of(value)
            if header is not None:
                columns.setdefault(header, index)
        if len(columns) > len(best[1]):
            best = (number, columns)
    return best


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Cells.


def _task_number(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    match = _TASK_NUMBER.fullmatch(fold_width(str(value)).strip())
    if match is None:
        raise _Invalid(_("“%(value)s” is not a task number.") % {"value": value})
    return int(match["number"])


def _status(value: Any) -> str:
    status = _STATUSES.get(normalize(str(value)))
    if status is None:
        choices = "、".join(excel.STATUS_LABELS.values())
        raise _Invalid(
            _("Unknown status “%(value)s”; use %(choices)s.") % {"value": value, "choices": choices}
        )
    return status


def _percent(value: Any) -> int:
    number: int | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
    elif (match := _PERCENT.fullmatch(fold_width(str(value)).strip())) is not None:
        number = int(match["number"])
    if number is None or not 0 <= number <= 100:
        raise _Invalid(_("“%(value)s” is not a whole number from 0 to 100.") % {"value": value})
    return number


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        day = _date_from_text(str(value))
    if day > timezone.localdate():
        raise _Invalid(_("The date cannot be in the future."))
    return day


def _date_from_text(text: str) -> dt.date:
    match = _DATE.fullmatch(fold_width(text).strip())
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise _Invalid(_("“%(value)s” is not a date; write it as 2026-03-01.") % {"value": text}) from None


# Rows.


class _Cells:
    """One row's cells, read one by one: what cannot be read becomes a problem named by its column."""

    def __init__(self, number: int, values: dict[str, Any], headers: dict[str, str]) -> None:
        self.number, self.values, self.headers = number, values, headers
        self.problems: list[Problem] = []

    def problem(self, header: str, reason: str) -> None:
        self.problems.append(Problem(self.number, self.headers.get(header, header), reason))

    def read(self, header: str, parse: Callable[[Any], Any], missing: str) -> Any:
        value = self.values.get(header)
        if _blank(value):
            self.problem(header, missing)
            return None
        try:
            return parse(value)
        except _Invalid as error:
            self.problem(header, str(error))
            return None


def _report(cells: _Cells, task: Task | None, unit: Organisation | None) -> ProgressRow | None:
    """The row's report, when every cell of it reads and agrees (status and percentage)."""
    status = cells.read(excel.STATUS, _status, _("Give the status."))
    percent = cells.read(excel.PERCENT, _percent, _("Give the percentage complete."))
    text = cells.read(excel.PROGRESS, lambda value: str(value).strip(), _("Describe the progress made."))
    reported_on = cells.read(excel.REPORTED_ON, _date, _("Give the date of the report."))
    if status is not None and percent is not None and (reason := lifecycle.percent_mismatch(status, percent)):
        cells.problem(excel.PERCENT, reason)
    if task is None or unit is None or cells.problems:
        return None
    return ProgressRow(cells.number, task, unit, status, percent, text, reported_on)


class _Reader:
    """Checks the rows of one file against one plan and one person, remembering what it has seen."""

    def __init__(self, *, plan: Plan, acting_user: User, headers: dict[str, str]) -> None:
        self.plan, self.acting_user, self.headers = plan, acting_user, headers
        self.tasks = {task.number: task for task in plan.tasks.filter(withdrawn_at__isnull=True)}
        self.reporters: dict[int, dict[str, Organisation]] = {}
        for responsibility in Responsibility.objects.filter(
            task__plan=plan,
            task__withdrawn_at__isnull=True,
            role__in=lifecycle.REPORTING_ROLES,
        ).select_related("unit"):
            self.reporters.setdefault(responsibility.task_id, {})[responsibility.unit.name_key] = (
                responsibility.unit
            )
        self.latest = excel.latest_reports(plan)
        self.manages = access.can_manage(acting_user)
        self.allowed: dict[int, bool] = {}
        self.seen: dict[tuple[int, int], int] = {}  # (task, unit): the row that reports it first
        self.rows: list[ProgressRow] = []
        self.problems: list[Problem] = []

    def read(self, number: int, values: dict[str, Any]) -> None:
        if all(_blank(values.get(header)) for header in (excel.STATUS, excel.PERCENT, excel.PROGRESS)):
            return
        cells = _Cells(number, values, self.headers)
        task = cells.read(excel.NUMBER, self._task, _("Give the task number."))
        unit = cells.read(excel.UNIT, lambda value: self._unit(task, value), _("Give the reporting unit."))
        row = _report(cells, task, unit)
        if row is not None and self._unchanged(row):
            return
        if task is not None and unit is not None:
            self._check_once(cells, task, unit)
            if not self._may_report_for(unit):
                cells.problem(excel.UNIT, _("You may not report for %(unit)s.") % {"unit": unit.name})
        if row is not None and not cells.problems:
            self.rows.append(row)
        self.problems += cells.problems

    def _check_once(self, cells: _Cells, task: Task, unit: Organisation) -> None:
        """The same task and unit twice in a file is a mistake on the later row, whichever is right."""
        first = self.seen.setdefault((task.pk, unit.pk), cells.number)
        if first != cells.number:
            cells.problem(
                excel.UNIT,
                _("Task %(number)s is already reported for %(unit)s in row %(row)s.")
                % {"number": task.number, "unit": unit.name, "row": first},
            )

    def _task(self, value: Any) -> Task:
        number = _task_number(value)
        if number not in self.tasks:
            raise _Invalid(_("Unknown task number %(number)s.") % {"number": number})
        return self.tasks[number]

    def _unit(self, task: Task | None, value: Any) -> Organisation | None:
        """The task's reporting unit the cell names; None when the task is unknown (its own problem)."""
        key = normalize(str(value))
        if task is not None and key in self.reporters.get(task.pk, {}):
            return self.reporters[task.pk][key]
        if not Organisation.objects.filter(name_key=key).exists():
            raise _Invalid(_("Unknown unit “%(unit)s”.") % {"unit": value})
        if task is None:
            return None
        raise _Invalid(
            _("%(unit)s is not a lead or joint unit of task %(number)s.")
            % {"unit": value, "number": task.number}
        )

    def _unchanged(self, row: ProgressRow) -> bool:
        """Whether the row is still the unit's latest report, as the exported table was prefilled."""
        report = self.latest.get((row.task.pk, row.unit.pk))
        return report is not None and (
            (report.status, report.percent_complete, report.text.strip(), report.reported_on)
            == (row.status, row.percent_complete, row.text, row.reported_on)
        )

    def _may_report_for(self, unit: Organisation) -> bool:
        """Office staff report for any unit; everyone else only for the units they belong to."""
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = (
                self.manages or self.acting_user.memberships.filter(organisation=unit).exists()
            )
        return self.allowed[unit.pk]


def read_progress_file(
    *, plan: Plan, file: Any, acting_user: User
) -> tuple[list[ProgressRow], list[Problem]]:
    """The rows to file and every problem found; rows are only worth filing when there are no problems."""
    try:
        rows = _rows_of(file)
    except NOT_A_WORKBOOK:
        return [], [Problem(0, "", _("The file is not an Excel workbook (.xlsx)."))]
    header_row, columns = _find_headers(rows)
    missing = [header for header in REQUIRED_HEADERS if header not in columns]
    if missing:
        reason = _("The table has no “%(column)s” column.")
        return [], [Problem(header_row, header, reason % {"column": header}) for header in missing]
    headers = {header: str(rows[header_row - 1][index]).strip() for header, index in columns.items()}
    reader = _Reader(plan=plan, acting_user=acting_user, headers=headers)
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        reader.read(number, {header: row[i] if i < len(row) else None for header, i in columns.items()})
    return reader.rows, reader.problems


# Writing.


def _service_problems(error: ValidationError | PermissionDenied, row: ProgressRow) -> list[Problem]:
    if isinstance(error, PermissionDenied):
        reason = str(error) or _("You may not report for %(unit)s.") % {"unit": row.unit.name}
        return [Problem(row.row, excel.UNIT, reason)]
    if hasattr(error, "error_dict"):
        return [
            Problem(row.row, _SERVICE_FIELDS.get(name, ""), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem(row.row, "", message) for message in error.messages]


def import_progress(*, acting_user: User, plan: Plan, file: Any) -> tuple[int, list[Problem]]:
    """File every row of the progress table, or none: the count filed and the problems found."""
    rows, problems = read_progress_file(plan=plan, file=file, acting_user=acting_user)
    if problems or not rows:
        return 0, problems
    current = rows[0]
    try:
        with transaction.atomic():
            for current in rows:
                services.report_progress(
                    acting_user=acting_user,
                    task=current.task,
                    status=current.status,
                    percent_complete=current.percent_complete,
                    text=current.text,
                    reported_on=current.reported_on,
                    unit=current.unit,
                )
            record(EventType.PROGRESS_IMPORTED, actor=acting_user, target=plan, data={"rows": len(rows)})
    except (ValidationError, PermissionDenied) as error:
        return 0, _service_problems(error, current)
    return len(rows), []
