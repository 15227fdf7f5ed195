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
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import Organisation, User
from certis.core.testing import LOGIN, answer, client_for, person, unit
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


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, int | str]
    data: Callable[[World], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return self.name


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

ENDPOINTS = [
    Endpoint("plan list", "get", lambda w: reverse("governance:plan_list"), who(*[200] * 7)),
    Endpoint("plan detail", "get", plan_url("plan_detail"), OUTLINE),
    Endpoint("matrix", "get", plan_url("matrix"), OUTLINE),
    Endpoint(
        "unit page", "get", lambda w: reverse("governance:unit_detail", args=[w.plan.pk, w.unit.pk]), OUTLINE
    ),
    Endpoint("task page", "get", task_url("task_detail"), OUTLINE),
    Endpoint(
        "report POST",
        "post",
        task_url("report_progress"),
        who(302, 403, 302, 403, 403, 404, LOGIN),  # the office may file on a unit's behalf
        data=lambda w: {
            "status": "in_progress",
            "percent_complete": 40,
            "reported_on": timezone.localdate().isoformat(),
            "text": "进展",
            "unit": w.unit.pk,
        },
    ),
    Endpoint(
        "contribution POST",
        "post",
        task_url("add_contribution"),
        who(403, 403, 403, 302, 403, 404, LOGIN),
        data=lambda w: {
            "reported_on": timezone.localdate().isoformat(),
            "text": "配合意见",
            "unit": unit("法律部").pk,
        },
    ),
    Endpoint(
        "schedule POST",
        "post",
        task_url("schedule_task"),
        OFFICE_ACTS,
        data=lambda w: {"deadline": _future()},
    ),
    Endpoint(
        "milestone POST",
        "post",
        task_url("add_milestone"),
        OFFICE_ACTS,
        data=lambda w: {"title": "中期评估", "due_on": _future()},
    ),
    Endpoint(
        "milestone complete POST",
        "post",
        lambda w: reverse("governance:complete_milestone", args=[w.plan.pk, w.task.number, w.milestone.pk]),
        who(302, 403, 302, 403, 403, 404, LOGIN),
    ),
    Endpoint(
        "follow-up send POST",
        "post",
        task_url("send_follow_up"),
        OFFICE_ACTS,
        data=lambda w: {"message": "请报送", "due_on": _future(7)},
    ),
    Endpoint("follow-up list", "get", lambda w: reverse("governance:follow_up_list"), SIGNED_IN),
    Endpoint(
        "follow-up detail",
        "get",
        lambda w: reverse("governance:follow_up_detail", args=[w.follow_up.pk]),
        who(200, 200, 200, 200, 404, 404, LOGIN),
    ),
    Endpoint(
        "follow-up reply POST",
        "post",
        lambda w: reverse("governance:follow_up_detail", args=[w.follow_up.pk]),
        who(403, 403, 302, 302, 404, 404, LOGIN),
        data=lambda w: {"reply": "已落实"},
    ),
    Endpoint(
        "follow-up close POST",
        "post",
        lambda w: reverse("governance:close_follow_up", args=[w.follow_up.pk]),
        OFFICE_ACTS,
    ),
    Endpoint("my tasks", "get", lambda w: reverse("governance:my_tasks"), SIGNED_IN),
    Endpoint("dashboard", "get", plan_url("dashboard_plan"), READ_ALL),
    Endpoint(
        "latest dashboard",
        "get",
        lambda w: reverse("governance:dashboard"),
        who(302, 302, 403, 403, 403, 403, LOGIN),
    ),
    Endpoint(
        "assessment list",
        "get",
        lambda w: reverse("governance:assessment_list"),
        who(302, 302, 403, 403, 403, 403, LOGIN),
    ),
    Endpoint("assessment plan page", "get", plan_url("assessment_plan"), READ_ALL),
    Endpoint(
        "open period POST",
        "post",
        plan_url("assessment_plan"),
        OFFICE_ACTS,
        data=lambda w: {"name": "全年", "starts_on": "2024-01-01", "ends_on": "2024-12-31"},
    ),
    Endpoint(
        "score sheet", "get", lambda w: reverse("governance:assessment_period", args=[w.period_id]), READ_ALL
    ),
    Endpoint(
        "adjust score POST",
        "post",
        lambda w: reverse("governance:assessment_period", args=[w.period_id]),
        OFFICE_ACTS,
        data=lambda w: {"unit": w.unit.pk, "points": "2.0", "reason": "材料齐全"},
    ),
    Endpoint("publish POST", "post", plan_url("publish"), OFFICE_ACTS, data=lambda w: {"published": "1"}),
    Endpoint("division.xlsx", "get", plan_url("export_division"), OUTLINE),
    Endpoint("progress.xlsx", "get", plan_url("export_progress"), INTERNAL),
    Endpoint("progress import page", "get", plan_url("import_progress"), INTERNAL),
    Endpoint(
        "evidence download", "get", lambda w: reverse("governance:evidence", args=[w.evidence_id]), INTERNAL
    ),
    Endpoint(
        "notice upload page",
        "get",
        lambda w: reverse("governance:upload_notice"),
        who(200, 403, 403, 403, 403, 403, LOGIN),
    ),
]


def client_of(request: pytest.FixtureRequest, name: str) -> Client:
    return Client() if name == "anonymous" else client_for(request.getfixturevalue(name))


def answers(request: pytest.FixtureRequest, endpoint: Endpoint, world: World) -> dict[str, int | str]:
    """Each person's answer, each asked on the same data: whatever one person's request changes is undone."""
    for name in PEOPLE[:-1]:  # made before the savepoints below, which would otherwise undo them
        request.getfixturevalue(name)
    got = {}
    for name in PEOPLE:
        with transaction.atomic():
            client = client_of(request, name)
            url = endpoint.url(world)
            if endpoint.method == "post":
                response = client.post(url, endpoint.data(world) if endpoint.data else {})
            else:
                response = client.get(url)
            got[name] = answer(response)
            transaction.set_rollback(True)
    return got


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_person_gets_the_answer_the_rules_give_on_an_unpublished_plan(
    request: pytest.FixtureRequest, world: World, stranger: User, endpoint: Endpoint
) -> None:
    assert answers(request, endpoint, world) == endpoint.expected


# Once published, everyone sees the outline, the matrix and the division table; internals stay internal.
PUBLIC = who(200, 200, 200, 200, 200, 200, 200)
PUBLISHED = [
    Endpoint("plan detail", "get", plan_url("plan_detail"), PUBLIC),
    Endpoint("matrix", "get", plan_url("matrix"), PUBLIC),
    Endpoint(
        "unit page", "get", lambda w: reverse("governance:unit_detail", args=[w.plan.pk, w.unit.pk]), PUBLIC
    ),
    Endpoint("task page", "get", task_url("task_detail"), PUBLIC),
    Endpoint("division.xlsx", "get", plan_url("export_division"), PUBLIC),
    Endpoint("progress.xlsx", "get", plan_url("export_progress"), who(200, 200, 200, 200, 200, 403, LOGIN)),
    Endpoint("dashboard", "get", plan_url("dashboard_plan"), READ_ALL),
    Endpoint("assessment plan page", "get", plan_url("assessment_plan"), READ_ALL),
    Endpoint(
        "score sheet", "get", lambda w: reverse("governance:assessment_period", args=[w.period_id]), READ_ALL
    ),
    Endpoint(
        "evidence download",
        "get",
        lambda w: reverse("governance:evidence", args=[w.evidence_id]),
        who(200, 200, 200, 200, 200, 404, LOGIN),
    ),
    Endpoint(
        "report POST",
        "post",
        task_url("report_progress"),
        who(302, 403, 302, 403, 403, 403, LOGIN),
        data=lambda w: {
            "status": "in_progress",
            "percent_complete": 40,
            "reported_on": timezone.localdate().isoformat(),
            "text": "进展",
            "unit": w.unit.pk,
        },
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", PUBLISHED, ids=str)
def test_a_published_plan_shows_its_outline_to_everyone_and_keeps_its_internals(
    request: pytest.FixtureRequest, world: World, stranger: User, office: User, endpoint: Endpoint
) -> None:
    services.set_plan_published(acting_user=office, plan=world.plan, published=True)
    assert answers(request, endpoint, world) == endpoint.expected


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
def test_asking_everyone_leaves_the_data_as_it_was(
    request: pytest.FixtureRequest, world: World, stranger: User
) -> None:
    """The table above is only fair if the office's successful POST is undone before the next person asks."""
    publish = next(endpoint for endpoint in ENDPOINTS if endpoint.name == "publish POST")
    assert answers(request, publish, world)["office"] == 302
    world.plan.refresh_from_db()
    assert not world.plan.is_published
