"""Demonstration plan: the seed notice imported, people in its units, and some work under way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from certis.accounts.models import Organisation, User
from certis.core.text import normalize
from certis.demo.accounts import PASSWORD, PEOPLE, ensure_person, regulator
from certis.governance.files.notice import read_notice
from certis.governance.models import Plan, Task, TaskStatus
from certis.governance.services import work as services
from certis.governance.services.plan_import import find_plan_for, import_plan

SEED = Path(__file__).resolve().parent.parent / "governance" / "seed" / "cnca-2018-implementation-plan.txt"

# task number, status, percent, what the lead unit reported, days ago
PROGRESS = [
    (1, TaskStatus.IN_PROGRESS, 60, "已完成质量管理工具箱框架，六西格玛与精益管理模块进入试点。", 12),
    (3, TaskStatus.IN_PROGRESS, 35, "百万家企业学习新版标准活动已在12个省份启动。", 50),
    (13, TaskStatus.DONE, 100, "强制性产品认证改革总体方案已印发实施。", 20),
    (15, TaskStatus.IN_PROGRESS, 70, "CCC目录与HS编码对应表已完成年度调整。", 8),
    (24, TaskStatus.IN_PROGRESS, 40, "“互联网+认证监管”平台一期上线，证书信息向社会公开。", 15),
    (22, TaskStatus.BLOCKED, 20, "技术评审事项整合需法律部意见，暂缓。", 70),
]


def _plan(office: User) -> Plan:
    text = SEED.read_text(encoding="utf-8")
    notice = read_notice(text)
    plan, _same = find_plan_for(notice, text)
    if plan is None:
        plan = import_plan(
            acting_user=office, notice=notice, source_text=text, source_name=SEED.name, issuer=regulator()
        )
    return plan


def _unit(name: str) -> Organisation:
    return Organisation.objects.get(name_key=normalize(name), kind__in=["department", "affiliate"])


def _people() -> dict[str, User]:
    """Everyone but the administrator; units exist once the plan is imported."""
    users = {}
    for username, display_name, unit_name, role, _what in PEOPLE:
        if role is None:
            continue
        organisation = _unit(unit_name) if unit_name else regulator()
        users[username] = ensure_person(username, display_name, organisation, role)
    return users


def _work(plan: Plan, users: dict[str, User]) -> None:
    """Deadlines, reports, a follow-up and an assessment period, the first time only."""
    if plan.tasks.exclude(deadline=None).exists():
        return
    today = timezone.localdate()
    office = users["office"]
    for task in plan.tasks.all():
        services.schedule_task(
            acting_user=office,
            task=task,
            deadline=today + dt.timedelta(days=30 + 7 * (task.number % 40)),
        )
    overdue = plan.tasks.get(number=22)
    services.schedule_task(acting_user=office, task=overdue, deadline=today - dt.timedelta(days=10))
    services.add_milestone(
        acting_user=office,
        task=plan.tasks.get(number=24),
        title="平台二期上线",
        due_on=today + dt.timedelta(days=60),
    )
    for number, status, percent, text, days_ago in PROGRESS:
        task = plan.tasks.get(number=number)
        lead = task.responsibilities.filter(role__in=["lead", "joint"]).select_related("unit").get(order=0)
        reporter = next(
            (u for u in users.values() if u.memberships.filter(organisation=lead.unit).exists()), None
        )
        if reporter is None:
            reporter = ensure_person(f"unit{lead.unit.pk}", lead.unit.name, lead.unit, "staff")
        services.report_progress(
            acting_user=reporter,
            task=task,
            status=status,
            percent_complete=percent,
            text=text,
            reported_on=today - dt.timedelta(days=days_ago),
            unit=lead.unit,
        )
    services.add_contribution(
        acting_user=users["falv"],
        task=plan.tasks.get(number=1),
        text="法律部完成配套制度合规性审查。",
        reported_on=today - dt.timedelta(days=5),
    )
    services.send_follow_up(
        acting_user=office,
        task=overdue,
        message="任务22已逾期，请于两周内报送进展及整改计划。",
        due_on=today + dt.timedelta(days=14),
    )
    services.open_assessment_period(
        acting_user=office,
        plan=plan,
        name=f"{today.year}年度考核",
        starts_on=dt.date(today.year, 1, 1),
        ends_on=today,
    )


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    username, display_name, _unit_name, role, _what = next(row for row in PEOPLE if row[0] == "office")
    plan = _plan(ensure_person(username, display_name, regulator(), str(role)))
    users = _people()
    _work(plan, users)
    stdout.write(f"Governance: plan {plan.pk} with {Task.objects.filter(plan=plan).count()} tasks.")
    return [(username, PASSWORD, what) for username, _n, _u, role, what in PEOPLE if role is not None]
