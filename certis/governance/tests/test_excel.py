"""The plan's Excel tables: the task-division table, the progress table, and progress filed from it.

The plan is small and built here: task 1 led by 认可部 with 科标部 and 法律部 supporting (in that notice
order) and past its deadline; task 2 shared by 认证部 and 法律部; task 3 led by 认证部 with all relevant
units; task 4 names only all relevant units; task 5 was withdrawn. ``renke`` is staff of 认可部,
``renzheng`` staff of 认证部, ``office`` the leading-group office.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certis.accounts.models import Membership, Organisation, User
from certis.audit.models import AuditEvent, EventType
from certis.core.text import normalize
from certis.governance.files.excel import (
    DEADLINE,
    DIVISION_HEADERS,
    NUMBER,
    OVERDUE,
    PERCENT,
    PROGRESS,
    PROGRESS_HEADERS,
    REPORTED_ON,
    STATUS,
    TASK,
    UNIT,
    chinese_numeral,
    division_table,
    progress_table,
)
from certis.governance.models import Measure, Part, Plan, ProgressReport, Responsibility, Task
from certis.governance.services import work as services
from certis.governance.services.progress_import import import_progress, read_progress_file

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_TITLE = "贯彻落实质量认证体系建设意见实施方案"
LONG_AGO = dt.date(2024, 3, 1)
FAR_FUTURE = dt.date(2999, 1, 1)


# Factories.


def organisation(name: str, kind: str = Organisation.Kind.DEPARTMENT) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind)


def member(username: str, unit: Organisation, role: str = Membership.Role.STAFF) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(user=user, organisation=unit, role=role)
    return user


def make_plan(title: str = PLAN_TITLE) -> Plan:
    return Plan.objects.create(
        title=title, title_key=normalize(title), source_text=title, source_sha256="0" * 64
    )


def make_task(
    plan: Plan,
    number: int,
    part: Part,
    measure: Measure | None = None,
    *,
    lead: tuple[Organisation, ...] = (),
    support: tuple[Organisation, ...] = (),
    joint: tuple[Organisation, ...] = (),
    **fields: Any,
) -> Task:
    task = Task.objects.create(
        plan=plan, number=number, part=part, measure=measure, text=f"第{number}项任务的内容。", **fields
    )
    roles = [
        *((unit, Responsibility.Role.LEAD) for unit in lead),
        *((unit, Responsibility.Role.SUPPORT) for unit in support),
        *((unit, Responsibility.Role.JOINT) for unit in joint),
    ]
    for order, (unit, role) in enumerate(roles):
        Responsibility.objects.create(task=task, unit=unit, role=role, order=order)
    return task


@dataclass
class World:
    plan: Plan
    units: dict[str, Organisation]
    office: User
    renke: User
    renzheng: User

    def task(self, number: int) -> Task:
        return Task.objects.get(plan=self.plan, number=number)


@pytest.fixture
def world() -> World:
    today = timezone.localdate()
    units = {name: organisation(name) for name in ("认可部", "认证部", "法律部", "科标部")}
    regulator = organisation("国家认证认可监督管理委员会", Organisation.Kind.REGULATOR)
    plan = make_plan()
    first = Part.objects.create(plan=plan, number=1, title="大力推广先进质量管理方法")
    second = Part.objects.create(plan=plan, number=2, title="深化质量认证制度改革")
    tools = Measure.objects.create(plan=plan, part=first, number=1, title="推广先进质量管理工具")
    ccc = Measure.objects.create(plan=plan, part=second, number=2, title="改革强制性产品认证制度")
    make_task(
        plan,
        1,
        first,
        tools,
        lead=(units["认可部"],),
        support=(units["科标部"], units["法律部"]),
        deadline=today - dt.timedelta(days=10),
    )
    make_task(
        plan,
        2,
        second,
        ccc,
        joint=(units["认证部"], units["法律部"]),
        deadline=today + dt.timedelta(days=100),
    )
    make_task(plan, 3, second, ccc, lead=(units["认证部"],), collective=True)
    make_task(plan, 4, second, collective=True)
    make_task(plan, 5, second, ccc, lead=(units["认可部"],), withdrawn_at=timezone.now())
    return World(
        plan=plan,
        units=units,
        office=member("office", regulator, Membership.Role.PLAN_OFFICE),
        renke=member("renke", units["认可部"]),
        renzheng=member("renzheng", units["认证部"]),
    )


# Files.


def sheet_of(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def data_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=3, values_only=True))


def upload(workbook: Any, name: str = "progress.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def progress_file(
    rows: list[dict[str, Any]], headers: tuple[str, ...] = PROGRESS_HEADERS, *, title: bool = True
) -> SimpleUploadedFile:
    """A filled-in table: an optional title row, the headers, then each row's cells by (simplified) header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([PLAN_TITLE])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in PROGRESS_HEADERS[: len(headers)]])
    return upload(workbook)


def renke_row(**changes: Any) -> dict[str, Any]:
    """A good report from 认可部 on task 1."""
    row = {
        NUMBER: 1,
        UNIT: "认可部",
        STATUS: "进行中",
        PERCENT: 60,
        PROGRESS: "已完成质量管理工具箱框架。",
        REPORTED_ON: LONG_AGO,
    }
    return {**row, **changes}


# The task-division table.


def test_division_table_has_title_merged_over_the_headers(world: World) -> None:
    sheet = sheet_of(division_table(world.plan))

    assert sheet.title == "任务分工表"
    assert sheet["A1"].value == PLAN_TITLE
    assert sheet["A1"].font.bold
    assert "A1:H1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert tuple(cell.value for cell in sheet[2]) == DIVISION_HEADERS
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape"


def test_division_table_lists_live_tasks_with_their_units_in_notice_order(world: World) -> None:
    rows = {row[0]: row for row in data_rows(sheet_of(division_table(world.plan)))}

    assert list(rows) == [1, 2, 3, 4]
    _, part, measure, text, lead, support, joint, deadline = rows[1]
    assert (part, measure, text) == (
        "一、大力推广先进质量管理方法",
        "推广先进质量管理工具",
        "第1项任务的内容。",
    )
    assert (lead, support, joint) == ("认可部", "科标部、法律部", None)
    assert deadline.date() == world.task(1).deadline
    assert rows[2][4:7] == (None, None, "认证部、法律部")
    assert rows[3][4:7] == ("认证部", "有关部室、下属单位", None)
    assert rows[4][4:8] == (None, "有关部室、下属单位", None, None)


def test_division_table_writes_deadlines_as_dates(world: World) -> None:
    sheet = sheet_of(division_table(world.plan))
    deadline = sheet.cell(row=3, column=DIVISION_HEADERS.index(DEADLINE) + 1)

    assert deadline.is_date
    assert deadline.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize(
    ("number", "numeral"), [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (23, "二十三")]
)
def test_parts_are_numbered_as_the_notice_numbers_them(number: int, numeral: str) -> None:
    assert chinese_numeral(number) == numeral


# The progress table.


def test_progress_table_has_one_row_per_task_and_reporting_unit(world: World) -> None:
    sheet = sheet_of(progress_table(world.plan))

    assert sheet.title == "进展情况表"
    assert tuple(cell.value for cell in sheet[2]) == PROGRESS_HEADERS
    assert [(row[0], row[2]) for row in data_rows(sheet)] == [
        (1, "认可部"),
        (2, "认证部"),
        (2, "法律部"),
        (3, "认证部"),
        (4, None),
    ]


def test_progress_table_is_prefilled_from_the_units_latest_report(world: World) -> None:
    for percent, day in ((20, LONG_AGO), (40, LONG_AGO + dt.timedelta(days=30))):
        services.report_progress(
            acting_user=world.renzheng,
            task=world.task(2),
            status="in_progress",
            percent_complete=percent,
            text=f"=已完成{percent}%",
            reported_on=day,
        )
    sheet = sheet_of(progress_table(world.plan))
    rows = data_rows(sheet)
    column = {header: index for index, header in enumerate(PROGRESS_HEADERS)}

    ours, theirs = rows[1], rows[2]
    assert ours[column[STATUS] : column[PROGRESS] + 1] == ("进行中", 40, "=已完成40%")
    assert ours[column[REPORTED_ON]].date() == LONG_AGO + dt.timedelta(days=30)
    assert sheet.cell(row=4, column=column[PROGRESS] + 1).data_type == "s"  # text, not a formula
    assert theirs[column[STATUS] : column[REPORTED_ON] + 1] == (None, None, None, None)
    assert [row[column[OVERDUE]] for row in rows] == ["是", "否", "否", "否", "否"]
    assert rows[0][column[TASK]] == "第1项任务的内容。"


def test_progress_table_offers_the_four_statuses_in_a_drop_down(world: World) -> None:
    sheet = sheet_of(progress_table(world.plan))
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]

    assert len(lists) == 1
    assert lists[0].formula1 == '"未开始,进行中,已完成,受阻"'
    assert "D3" in lists[0].sqref


# Round trip.


def test_filled_in_progress_table_files_reports_for_the_rows_filled(world: World) -> None:
    services.report_progress(
        acting_user=world.renzheng,
        task=world.task(2),
        status="in_progress",
        percent_complete=30,
        text="已起草改革方案。",
        reported_on=LONG_AGO,
    )
    workbook = openpyxl.load_workbook(io.BytesIO(progress_table(world.plan)))
    sheet = workbook.active
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for column, value in zip("DEFG", ("进行中", 60, "已完成工具箱框架。", yesterday), strict=True):
        sheet[f"{column}3"] = value

    count, problems = import_progress(acting_user=world.renke, plan=world.plan, file=upload(workbook))

    assert (count, problems) == (1, [])
    task = world.task(1)
    assert (task.status, task.percent_complete, task.last_reported_at) == ("in_progress", 60, yesterday)
    report = ProgressReport.objects.get(task=task)
    assert (report.unit, report.reported_by, report.text) == (
        world.units["认可部"],
        world.renke,
        "已完成工具箱框架。",
    )
    assert ProgressReport.objects.filter(task=world.task(2)).count() == 1  # prefilled, not filed again
    event = AuditEvent.objects.get(event_type=EventType.PROGRESS_IMPORTED)
    assert (event.actor, event.target_id, event.data) == (world.renke, str(world.plan.pk), {"rows": 1})


def test_unit_staff_file_every_row_of_their_unit_at_once(world: World) -> None:
    rows = [
        {**renke_row(), NUMBER: 2, UNIT: "认证部"},
        {**renke_row(), NUMBER: 3, UNIT: "认证部", STATUS: "已完成", PERCENT: 100},
    ]

    count, problems = import_progress(acting_user=world.renzheng, plan=world.plan, file=progress_file(rows))

    assert (count, problems) == (2, [])
    assert world.task(3).status == "done"


def test_office_may_file_for_any_unit_when_reading(world: World) -> None:
    rows = [renke_row(), {**renke_row(), NUMBER: 2, UNIT: "法律部"}]

    read, problems = read_progress_file(plan=world.plan, file=progress_file(rows), acting_user=world.office)

    assert problems == []
    assert [(row.task.number, row.unit.name) for row in read] == [(1, "认可部"), (2, "法律部")]


def test_office_files_progress_for_any_unit(world: World) -> None:
    rows = [renke_row(), {**renke_row(), NUMBER: 2, UNIT: "法律部"}]

    assert import_progress(acting_user=world.office, plan=world.plan, file=progress_file(rows)) == (2, [])


# All or nothing.


def test_a_bad_last_row_files_nothing_and_names_its_row_and_column(world: World) -> None:
    rows = [
        {**renke_row(), NUMBER: 2, UNIT: "认证部"},
        {**renke_row(), NUMBER: 3, UNIT: "认证部", PERCENT: 120},
    ]

    count, problems = import_progress(acting_user=world.renzheng, plan=world.plan, file=progress_file(rows))

    assert count == 0
    assert [(problem.row, problem.field) for problem in problems] == [(4, PERCENT)]
    assert not ProgressReport.objects.exists()
    assert world.task(2).status == "not_started"
    assert not AuditEvent.objects.filter(event_type=EventType.PROGRESS_IMPORTED).exists()


def test_a_refusal_while_filing_undoes_the_rows_filed_before_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.report_progress
    calls: list[int] = []

    def refuse_second(**kwargs: Any) -> ProgressReport:
        calls.append(kwargs["task"].number)
        if len(calls) == 2:
            raise ValidationError({"status": "Unknown status."})
        return real(**kwargs)

    monkeypatch.setattr(services, "report_progress", refuse_second)
    rows = [{**renke_row(), NUMBER: 2, UNIT: "认证部"}, {**renke_row(), NUMBER: 3, UNIT: "认证部"}]

    count, problems = import_progress(acting_user=world.renzheng, plan=world.plan, file=progress_file(rows))

    assert count == 0
    assert [(p.row, p.field, p.reason) for p in problems] == [(4, STATUS, "Unknown status.")]
    assert not ProgressReport.objects.exists()
    assert world.task(2).status == "not_started"


# Each kind of problem.


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({NUMBER: 99}, NUMBER, id="unknown task number"),
        pytest.param({NUMBER: "第一项"}, NUMBER, id="task number not a number"),
        pytest.param({UNIT: "宣传部"}, UNIT, id="unknown unit"),
        pytest.param({UNIT: "法律部"}, UNIT, id="supporting unit, not lead"),
        pytest.param({NUMBER: 3, UNIT: "认证部"}, UNIT, id="unit the user does not belong to"),
        pytest.param({UNIT: None}, UNIT, id="no unit"),
        pytest.param({STATUS: "差不多"}, STATUS, id="bad status"),
        pytest.param({STATUS: None}, STATUS, id="no status"),
        pytest.param({PERCENT: 120}, PERCENT, id="percent 120"),
        pytest.param({PERCENT: "60.5"}, PERCENT, id="percent not whole"),
        pytest.param({STATUS: "已完成", PERCENT: 50}, PERCENT, id="done with 50"),
        pytest.param({STATUS: "未开始", PERCENT: 10}, PERCENT, id="not started with 10"),
        pytest.param({REPORTED_ON: FAR_FUTURE}, REPORTED_ON, id="future date"),
        pytest.param({REPORTED_ON: "下周一"}, REPORTED_ON, id="not a date"),
        pytest.param({REPORTED_ON: "2024-02-30"}, REPORTED_ON, id="no such day"),
        pytest.param({REPORTED_ON: None}, REPORTED_ON, id="no date"),
        pytest.param({PROGRESS: "  "}, PROGRESS, id="empty text"),
    ],
)
def test_a_bad_cell_is_a_problem_of_its_row_and_column(
    world: World, changes: dict[str, Any], field: str
) -> None:
    count, problems = import_progress(
        acting_user=world.renke, plan=world.plan, file=progress_file([renke_row(**changes)])
    )

    assert count == 0
    assert [(problem.row, problem.field) for problem in problems] == [(3, field)]
    assert problems[0].reason
    assert not ProgressReport.objects.exists()


def test_the_same_task_and_unit_twice_is_a_problem_on_the_second_row(world: World) -> None:
    rows = [renke_row(), renke_row(**{PROGRESS: "另一种说法。"})]

    count, problems = import_progress(acting_user=world.renke, plan=world.plan, file=progress_file(rows))

    assert count == 0
    assert [(problem.row, problem.field) for problem in problems] == [(4, UNIT)]
    assert "3" in problems[0].reason


def test_every_problem_of_the_file_is_listed(world: World) -> None:
    rows = [
        renke_row(**{STATUS: "差不多"}),
        renke_row(**{NUMBER: 99, PERCENT: 120, PROGRESS: None}),
        renke_row(**{NUMBER: None, STATUS: None, PERCENT: None, PROGRESS: None}),  # nothing reported
        renke_row(**{UNIT: "宣传部", REPORTED_ON: FAR_FUTURE}),
    ]

    count, problems = import_progress(acting_user=world.renke, plan=world.plan, file=progress_file(rows))

    assert count == 0
    assert [(problem.row, problem.field) for problem in problems] == [
        (3, STATUS),
        (4, NUMBER),
        (4, PERCENT),
        (4, PROGRESS),
        (6, UNIT),
        (6, REPORTED_ON),
    ]


def test_a_text_file_named_xlsx_is_not_a_workbook(world: World) -> None:
    file = SimpleUploadedFile("progress.xlsx", "序号,填报单位\n1,认可部\n".encode(), content_type=XLSX)

    count, problems = import_progress(acting_user=world.renke, plan=world.plan, file=file)

    assert count == 0
    assert [(problem.row, problem.field) for problem in problems] == [(0, "")]
    assert ".xlsx" in problems[0].reason


def test_a_missing_column_is_named(world: World) -> None:
    headers = PROGRESS_HEADERS[: PROGRESS_HEADERS.index(REPORTED_ON)]

    count, problems = import_progress(
        acting_user=world.renke, plan=world.plan, file=progress_file([renke_row()], headers)
    )

    assert count == 0
    assert [(problem.row, problem.field) for problem in problems] == [(2, REPORTED_ON)]
    assert REPORTED_ON in problems[0].reason


def test_a_file_with_nothing_filled_in_files_nothing(world: World) -> None:
    file = SimpleUploadedFile("progress.xlsx", progress_table(world.plan), content_type=XLSX)

    assert import_progress(acting_user=world.renke, plan=world.plan, file=file) == (0, [])
    assert not AuditEvent.objects.filter(event_type=EventType.PROGRESS_IMPORTED).exists()


# What the reader accepts.


def test_traditional_headers_and_unit_names_are_read(world: World) -> None:
    headers = ("序號", "任務內容", "填報單位", "狀態", "完成比例（％）", "進展情況", "填報日期")
    row = renke_row(**{UNIT: "認可部", STATUS: "進行中", PERCENT: "６０％", REPORTED_ON: "2024年3月1日"})

    count, problems = import_progress(
        acting_user=world.renke, plan=world.plan, file=progress_file([row], headers)
    )

    assert (count, problems) == (1, [])
    assert world.task(1).percent_complete == 60


def test_english_headers_are_read_from_the_first_row(world: World) -> None:
    headers = ("No.", "Task", "Unit", "Status", "Percent", "Progress", "Date")
    row = renke_row(**{STATUS: "in_progress", REPORTED_ON: "2024/3/1"})

    rows, problems = read_progress_file(
        plan=world.plan, file=progress_file([row], headers, title=False), acting_user=world.renke
    )

    assert problems == []
    assert [(r.row, r.status, r.reported_on) for r in rows] == [(2, "in_progress", LONG_AGO)]


def test_problems_name_the_column_as_the_file_heads_it(world: World) -> None:
    headers = ("No.", "Task", "Unit", "Status", "Percent", "Progress", "Date")
    row = renke_row(**{PERCENT: 120})

    _, problems = read_progress_file(
        plan=world.plan, file=progress_file([row], headers), acting_user=world.renke
    )

    assert [(problem.row, problem.field) for problem in problems] == [(3, "Percent")]


@pytest.mark.parametrize("value", ["60", 60, 60.0, "60%", " 60 % "])
def test_percentages_are_read_in_the_forms_people_type(world: World, value: Any) -> None:
    rows, problems = read_progress_file(
        plan=world.plan, file=progress_file([renke_row(**{PERCENT: value})]), acting_user=world.renke
    )

    assert problems == []
    assert rows[0].percent_complete == 60


@pytest.mark.parametrize(
    "value", [LONG_AGO, dt.datetime(2024, 3, 1, 9, 30), "2024-03-01", "2024/3/1", "2024年3月1日"]
)
def test_dates_are_read_in_the_forms_people_type(world: World, value: Any) -> None:
    rows, problems = read_progress_file(
        plan=world.plan, file=progress_file([renke_row(**{REPORTED_ON: value})]), acting_user=world.renke
    )

    assert problems == []
    assert rows[0].reported_on == LONG_AGO


@pytest.mark.parametrize(
    ("value", "percent", "status"),
    [
        ("未开始", 0, "not_started"),
        ("未開始", 0, "not_started"),
        ("進行中", 50, "in_progress"),
        ("已完成", 100, "done"),
        ("受阻", 30, "blocked"),
        ("blocked", 30, "blocked"),
        ("DONE", 100, "done"),
    ],
)
def test_statuses_are_read_in_either_script_or_as_codes(
    world: World, value: str, percent: int, status: str
) -> None:
    row = renke_row(**{STATUS: value, PERCENT: percent})

    rows, problems = read_progress_file(plan=world.plan, file=progress_file([row]), acting_user=world.renke)

    assert problems == []
    assert rows[0].status == status
