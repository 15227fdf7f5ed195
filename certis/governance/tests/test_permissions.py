"""Who gets what on every page and endpoint of the plan: one table, one row per endpoint, one column per person.

The cast comes from the root conftest; ``stranger`` is added here: staff of a certification body, a unit
with no task in the plan, so the plan is none of their business until it is published. ``outsider``
(财务部) has no part in task 1 but shares tasks 18, 43 and 46, so sees the plan and its internals.

Expected answers: a status code, or ``LOGIN`` for a redirect to the login page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import Organisation, User
from certis.core.testing import LOGIN, answer, client_for, person, unit
from certis.core.testing.permissions import Row, answers, assert_answers
from certis.governance.models import FollowUp, Milestone, Plan, Task
from certis.governance.services import work as services

PEOPLE = ["office", "leader", "lead_staff", "support_staff", "outsider", "stranger", "anonymous"]


@dataclass
class World:
    plan: Plan
    task: Task
    unit: Organisation
    follow_up: FollowUp
    milestone: Milestone
    period_id: int
    evidence_id: int


@pytest.fixture
def stranger(plan: Plan) -> User:
    body = Organisation.objects.create(name="某认证有限公司", kind=Organisation.Kind.CERTIFICATION_BODY)
    return person("stranger", body)


@pytest.fixture
def world(plan: Plan, office: User, lead_staff: User) -> World:
    """Task 1 with a report and its evidence, a milestone, a follow-up to all its units, and a period."""
    task = plan.tasks.get(number=1)
    today = timezone.localdate()
    report = services.report_progress(
        acting_user=lead_staff,
        task=task,
        status="in_progress",
        percent_complete=30,
        text="工具箱框架已起草。",
        reported_on=today,
        files=[SimpleUploadedFile("框架.pdf", b"%PDF-1.4 draft")],
    )
    follow_up = services.send_follow_up(
        acting_user=office, task=task, message="请报送进展。", due_on=today + dt.timedelta(days=7)
    )
    milestone = services.add_milestone(
        acting_user=office, task=task, title="试点", due_on=today + dt.timedelta(days=30)
    )
    period = services.open_assessment_period(
        acting_user=office, plan=plan, name="上半年", starts_on=today.replace(day=1), ends_on=today
    )
    return World(
        plan=plan,
        task=task,
        unit=unit("认可部"),
        follow_up=follow_up,
        milestone=milestone,
        period_id=period.pk,
        evidence_id=report.evidence.get().pk,
    )


def _future(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def a_report(w: World) -> dict[str, Any]:
    return {
        "status": "in_progress",
        "percent_complete": 40,
        "reported_on": timezone.localdate().isoformat(),
        "text": "进展",
        "unit": w.unit.pk,
    }


def reports(w: World) -> tuple[int, str]:
    """What a report or a contribution changes: the task's reports, and its status."""
    task = Task.objects.get(pk=w.task.pk)
    return task.reports.count(), task.status


def who(
    office: Any, leader: Any, lead: Any, support: Any, outsider: Any, stranger: Any, anonymous: Any
) -> dict:
    return dict(zip(PEOPLE, (office, leader, lead, support, outsider, stranger, anonymous), strict=True))


def plan_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"governance:{name}", args=[w.plan.pk])


def task_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"governance:{name}", args=[w.plan.pk, w.task.number])


# The plan is not published: only people whose units have tasks in it (and the leading group) see it.
OUTLINE = who(200, 200, 200, 200, 200, 404, 404)
INTERNAL = who(200, 200, 200, 200, 200, 404, LOGIN)
READ_ALL = who(200, 200, 403, 403, 403, 403, LOGIN)
OFFICE_ACTS = who(302, 403, 403, 403, 403, 403, LOGIN)
SIGNED_IN = who(200, 200, 200, 200, 200, 200, LOGIN)

ROWS: list[Row[World]] = [
    Row("plan list", "get", lambda w: reverse("governance:plan_list"), who(*[200] * 7)),
    Row("plan detail", "get", plan_url("plan_detail"), OUTLINE),
    Row("matrix", "get", plan_url("matrix"), OUTLINE),
    Row(
        "unit page", "get", lambda w: reverse("governance:unit_detail", args=[w.plan.pk, w.unit.pk]), OUTLINE
    ),
    Row("task page", "get", task_url("task_detail"), OUTLINE),
    Row(
        "report POST",
        "post",
        task_url("report_progress"),
        who(302, 403, 302, 403, 403, 404, LOGIN),  # the office may file on a unit's behalf
        data=a_report,
        changes=reports,
    ),
    Row(
        "contribution POST",
        "post",
        task_url("add_contribution"),
        who(403, 403, 403, 302, 403, 404, LOGIN),
        data=lambda w: {
            "reported_on": timezone.localdate().isoformat(),
            "text": "配合意见",
            "unit": unit("法律部").pk,
        },
        changes=reports,
    ),
    Row(
        "schedule POST",
        "post",
        task_url("schedule_task"),
        OFFICE_ACTS,
        data=lambda w: {"deadline": _future()},
    ),
    Row(
        "milestone POST",
        "post",
        task_url("add_milestone"),
        OFFICE_ACTS,
        data=lambda w: {"title": "中期评估", "due_on": _future()},
    ),
    Row(
        "milestone complete POST",
        "post",
        lambda w: reverse("governance:complete_milestone", args=[w.plan.pk, w.task.number, w.milestone.pk]),
        who(302, 403, 302, 403, 403, 404, LOGIN),
    ),
    Row(
        "follow-up send POST",
        "post",
        task_url("send_follow_up"),
        OFFICE_ACTS,
        data=lambda w: {"message": "请报送", "due_on": _future(7)},
    ),
    Row("follow-up list", "get", lambda w: reverse("governance:follow_up_list"), SIGNED_IN),
    Row(
        "follow-up detail",
        "get",
        lambda w: reverse("governance:follow_up_detail", args=[w.follow_up.pk]),
        who(200, 200, 200, 200, 404, 404, LOGIN),
    ),
    Row(
        "follow-up reply POST",
        "post",
        lambda w: reverse("governance:follow_up_detail", args=[w.follow_up.pk]),
        who(403, 403, 302, 302, 404, 404, LOGIN),
        data=lambda w: {"reply": "已落实"},
    ),
    Row(
        "follow-up close POST",
        "post",
        lambda w: reverse("governance:close_follow_up", args=[w.follow_up.pk]),
        OFFICE_ACTS,
    ),
    Row("my tasks", "get", lambda w: reverse("governance:my_tasks"), SIGNED_IN),
    Row("dashboard", "get", plan_url("dashboard_plan"), READ_ALL),
    Row(
        "latest dashboard",
        "get",
        lambda w: reverse("governance:dashboard"),
        who(302, 302, 403, 403, 403, 403, LOGIN),
    ),
    Row(
        "assessment list",
        "get",
        lambda w: reverse("governance:assessment_list"),
        who(302, 302, 403, 403, 403, 403, LOGIN),
    ),
    Row("assessment plan page", "get", plan_url("assessment_plan"), READ_ALL),
    Row(
        "open period POST",
        "post",
        plan_url("assessment_plan"),
        OFFICE_ACTS,
        data=lambda w: {"name": "全年", "starts_on": "2024-01-01", "ends_on": "2024-12-31"},
    ),
    Row(
        "score sheet", "get", lambda w: reverse("governance:assessment_period", args=[w.period_id]), READ_ALL
    ),
    Row(
        "adjust score POST",
        "post",
        lambda w: reverse("governance:assessment_period", args=[w.period_id]),
        OFFICE_ACTS,
        data=lambda w: {"unit": w.unit.pk, "points": "2.0", "reason": "材料齐全"},
    ),
    Row("publish POST", "post", plan_url("publish"), OFFICE_ACTS, data=lambda w: {"published": "1"}),
    Row("division.xlsx", "get", plan_url("export_division"), OUTLINE),
    Row("progress.xlsx", "get", plan_url("export_progress"), INTERNAL),
    Row("progress import page", "get", plan_url("import_progress"), INTERNAL),
    Row("evidence download", "get", lambda w: reverse("governance:evidence", args=[w.evidence_id]), INTERNAL),
    Row(
        "notice upload page",
        "get",
        lambda w: reverse("governance:upload_notice"),
        who(200, 403, 403, 403, 403, 403, LOGIN),
    ),
]


def client_of(request: pytest.FixtureRequest, name: str) -> Client:
    return Client() if name == "anonymous" else client_for(request.getfixturevalue(name))


@pytest.fixture
def cast(request: pytest.FixtureRequest, world: World, stranger: User) -> dict[str, Client]:
    """Everyone logged in before the table is asked, whose savepoints would otherwise undo them."""
    return {name: client_of(request, name) for name in PEOPLE}


@pytest.mark.django_db
def test_each_person_gets_the_answer_the_rules_give_on_an_unpublished_plan(
    cast: dict[str, Client], world: World
) -> None:
    assert_answers(ROWS, cast, world)


# Once published, everyone sees the outline, the matrix and the division table; internals stay internal.
PUBLIC = who(200, 200, 200, 200, 200, 200, 200)
PUBLISHED: list[Row[World]] = [
    Row("plan detail", "get", plan_url("plan_detail"), PUBLIC),
    Row("matrix", "get", plan_url("matrix"), PUBLIC),
    Row("unit page", "get", lambda w: reverse("governance:unit_detail", args=[w.plan.pk, w.unit.pk]), PUBLIC),
    Row("task page", "get", task_url("task_detail"), PUBLIC),
    Row("division.xlsx", "get", plan_url("export_division"), PUBLIC),
    Row("progress.xlsx", "get", plan_url("export_progress"), who(200, 200, 200, 200, 200, 403, LOGIN)),
    Row("dashboard", "get", plan_url("dashboard_plan"), READ_ALL),
    Row("assessment plan page", "get", plan_url("assessment_plan"), READ_ALL),
    Row(
        "score sheet", "get", lambda w: reverse("governance:assessment_period", args=[w.period_id]), READ_ALL
    ),
    Row(
        "evidence download",
        "get",
        lambda w: reverse("governance:evidence", args=[w.evidence_id]),
        who(200, 200, 200, 200, 200, 404, LOGIN),
    ),
    Row(
        "report POST",
        "post",
        task_url("report_progress"),
        who(302, 403, 302, 403, 403, 403, LOGIN),
        data=a_report,
        changes=reports,
    ),
]


@pytest.mark.django_db
def test_a_published_plan_shows_its_outline_to_everyone_and_keeps_its_internals(
    cast: dict[str, Client], world: World, office: User
) -> None:
    services.set_plan_published(acting_user=office, plan=world.plan, published=True)
    assert_answers(PUBLISHED, cast, world)


@pytest.mark.django_db
def test_the_public_task_page_of_a_published_plan_shows_no_reports(
    world: World, office: User, lead_staff: User
) -> None:
    services.set_plan_published(acting_user=office, plan=world.plan, published=True)
    url = reverse("governance:task_detail", args=[world.plan.pk, 1])
    assert "工具箱框架已起草" not in Client().get(url).content.decode()
    assert "工具箱框架已起草" in client_for(lead_staff).get(url).content.decode()


@pytest.mark.django_db
def test_a_refused_report_or_contribution_saves_nothing(
    world: World, outsider: User, support_staff: User
) -> None:
    reports = world.task.reports.count()
    data = {
        "status": "done",
        "percent_complete": 100,
        "reported_on": timezone.localdate().isoformat(),
        "text": "冒报",
        "unit": world.unit.pk,
    }
    assert client_for(support_staff).post(task_url("report_progress")(world), data).status_code == 403
    assert client_for(outsider).post(task_url("add_contribution")(world), data).status_code == 403
    assert world.task.reports.count() == reports
    world.task.refresh_from_db()
    assert world.task.status == "in_progress"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), [("auditor", 200), ("office", 403), ("anonymous", LOGIN)])
def test_only_auditors_read_the_audit_log(
    request: pytest.FixtureRequest, office: User, auditor: User, name: str, expected: int | str
) -> None:
    assert answer(client_of(request, name).get(reverse("audit:event_list"))) == expected


@pytest.mark.django_db
def test_asking_everyone_leaves_the_data_as_it_was(cast: dict[str, Client], world: World) -> None:
    """The table above is only fair if the office's successful POST is undone before the next person asks."""
    publish = next(row for row in ROWS if row.name == "publish POST")
    assert answers(publish, cast, world)["office"] == 302
    world.plan.refresh_from_db()
    assert not world.plan.is_published
