"""The plan as Excel workbooks: the task-division table (任务分工表) and the progress table (进展情况表).

The sheets' headers, status labels and the collective reference are the Chinese words of the notice's own
tables, not translated interface text: a file written for one person is filled in and sent back by another,
whatever language either reads the site in, so the words are fixed. :mod:`.services.progress_import` reads the
progress table back and also accepts the headers in traditional script or in English.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from certis.accounts.models import Organisation
from certis.core.spreadsheets.safe_text import text_cell
from certis.core.text import normalize

from .. import selectors
from ..models import Plan, ProgressReport, Responsibility, Task, TaskStatus

DIVISION_SHEET = "任务分工表"
PROGRESS_SHEET = "进展情况表"

NUMBER = "序号"
PART = "部分"
MEASURE = "举措"
TASK = "任务内容"
LEAD = "牵头单位"
SUPPORT = "配合单位"
JOINT = "共同负责单位"
DEADLINE = "完成时限"
UNIT = "填报单位"
STATUS = "状态"
PERCENT = "完成比例(%)"
PROGRESS = "进展情况"
REPORTED_ON = "填报日期"
OVERDUE = "是否逾期"

DIVISION_HEADERS = (NUMBER, PART, MEASURE, TASK, LEAD, SUPPORT, JOINT, DEADLINE)
PROGRESS_HEADERS = (NUMBER, TASK, UNIT, STATUS, PERCENT, PROGRESS, REPORTED_ON, DEADLINE, OVERDUE)
ENGLISH_HEADERS = {
    NUMBER: "No.",
    TASK: "Task",
    UNIT: "Unit",
    STATUS: "Status",
    PERCENT: "Percent",
    PROGRESS: "Progress",
    REPORTED_ON: "Date",
    DEADLINE: "Deadline",
    OVERDUE: "Overdue",
}

STATUS_LABELS: dict[str, str] = {
    TaskStatus.NOT_STARTED: "未开始",
    TaskStatus.IN_PROGRESS: "进行中",
    TaskStatus.DONE: "已完成",
    TaskStatus.BLOCKED: "受阻",
}
COLLECTIVE_UNITS = "有关部室、下属单位"
UNIT_SEPARATOR = "、"
YES, NO = "是", "否"
DATE_FORMAT = "yyyy-mm-dd"

DIVISION_WIDTHS = (6, 26, 26, 60, 14, 30, 22, 12)
PROGRESS_WIDTHS = (6, 50, 14, 10, 12, 50, 12, 12, 9)
WRAPPED = {PART, MEASURE, TASK, SUPPORT, JOINT, PROGRESS}

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_CHINESE_DIGITS = "零一二三四五六七八九"


def _header_key(text: str) -> str:
    """Headers compare without script, width, spaces, case, or the "(%)" some writers leave off."""
    return normalize(text).replace("(%)", "").replace("%", "")


_HEADER_KEYS = {
    _header_key(alias): header
    for header in PROGRESS_HEADERS
    for alias in (header, ENGLISH_HEADERS.get(header, header))
}


def header_of(value: Any) -> str | None:
    """The progress table's header that a cell of the file's header row names, if any."""
    if value is None:
        return None
    return _HEADER_KEYS.get(_header_key(str(value)))


def chinese_numeral(number: int) -> str:
    """一 to 九十九, the numbering of the notice's parts; larger numbers stay in digits."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if not tens:
        return _CHINESE_DIGITS[ones]
    return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")


def latest_reports(plan: Plan) -> dict[tuple[int, int], ProgressReport]:
    """Each unit's newest progress report per task (contributions are not reports)."""
    reports = ProgressReport.objects.filter(
        task__plan=plan, task__withdrawn_at__isnull=True, kind=ProgressReport.Kind.REPORT
    ).order_by("task_id", "unit_id", "-reported_on", "-created_at", "-pk")
    latest: dict[tuple[int, int], ProgressReport] = {}
    for report in reports:
        latest.setdefault((report.task_id, report.unit_id), report)
    return latest


# Writing.


def _tasks(plan: Plan, responsibilities: QuerySet[Responsibility]) -> list[Task]:
    units = Prefetch("responsibilities", queryset=responsibilities.select_related("unit").order_by("order"))
    return list(selectors.live_tasks(plan).prefetch_related(units).order_by("number"))


def _write_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    cell = text_cell(sheet.cell(row=row, column=column), None if value == "" else value)  # never a formula
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def _start_sheet(sheet: Worksheet, title: str, headers: Sequence[str], widths: Sequence[int]) -> None:
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    _write_cell(sheet, 1, 1, title)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = text_cell(sheet.cell(row=2, column=column), header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_rows(sheet: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    for row, values in enumerate(rows, start=3):
        for column, (header, value) in enumerate(zip(headers, values, strict=True), start=1):
            cell = _write_cell(sheet, row, column, value)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=header in WRAPPED)


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _names(responsibilities: Iterable[Responsibility], role: str) -> list[str]:
    return [r.unit.name for r in responsibilities if r.role == role]


def _division_row(task: Task) -> tuple[Any, ...]:
    responsibilities = list(task.responsibilities.all())
    support = _names(responsibilities, Responsibility.Role.SUPPORT)
    if task.collective:
        support.append(COLLECTIVE_UNITS)
    return (
        task.number,
        f"{chinese_numeral(task.part.number)}、{task.part.title}",
        task.measure.title if task.measure else "",
        task.text,
        UNIT_SEPARATOR.join(_names(responsibilities, Responsibility.Role.LEAD)),
        UNIT_SEPARATOR.join(support),
        UNIT_SEPARATOR.join(_names(responsibilities, Responsibility.Role.JOINT)),
        task.deadline,
    )


def division_table(plan: Plan) -> bytes:
    """The task-division table as the notice lays it out: who leads, supports or shares each live task."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DIVISION_SHEET
    _start_sheet(sheet, plan.title, DIVISION_HEADERS, DIVISION_WIDTHS)
    tasks = _tasks(plan, Responsibility.objects.all())
    _write_rows(sheet, DIVISION_HEADERS, (_division_row(task) for task in tasks))
    return _workbook_bytes(workbook)


def _progress_row(task: Task, unit: Organisation | None, report: ProgressReport | None) -> tuple[Any, ...]:
    reported = (
        (STATUS_LABELS.get(report.status), report.percent_complete, report.text, report.reported_on)
        if report
        else (None, None, None, None)
    )
    overdue = YES if task.is_overdue else NO  # type: ignore[attr-defined]
    return (task.number, task.text, unit.name if unit else None, *reported, task.deadline, overdue)


def progress_rows(plan: Plan) -> list[tuple[Any, ...]]:
    """One row per task and reporting unit, prefilled with that unit's latest report.

    A task that names only "all relevant units" has no reporting unit, yet still gets one row (with the
    unit left empty) so that the table lists every task.
    """
    reporters = Responsibility.objects.filter(role__in=[Responsibility.Role.LEAD, Responsibility.Role.JOINT])
    latest = latest_reports(plan)
    rows = []
    for task in _tasks(plan, reporters):
        units: list[Organisation | None] = [r.unit for r in task.responsibilities.all()] or [None]
        for unit in units:
            report = latest.get((task.pk, unit.pk)) if unit else None
            rows.append(_progress_row(task, unit, report))
    return rows


def _add_validations(sheet: Worksheet, last_row: int) -> None:
    statuses = DataValidation(
        type="list", formula1='"{}"'.format(",".join(STATUS_LABELS.values())), allow_blank=True
    )
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    for validation, header in ((statuses, STATUS), (percent, PERCENT)):
        column = get_column_letter(PROGRESS_HEADERS.index(header) + 1)
        validation.showErrorMessage = True
        validation.add(f"{column}3:{column}{max(last_row, 3)}")
        sheet.add_data_validation(validation)


def progress_table(plan: Plan) -> bytes:
    """The progress table the units fill in and send back (see :mod:`.services.progress_import`)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROGRESS_SHEET
    _start_sheet(sheet, plan.title, PROGRESS_HEADERS, PROGRESS_WIDTHS)
    rows = progress_rows(plan)
    _write_rows(sheet, PROGRESS_HEADERS, rows)
    _add_validations(sheet, last_row=len(rows) + 2)
    return _workbook_bytes(workbook)
