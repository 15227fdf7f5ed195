"""Read-only API for plans: published plans for everyone, every plan for the office's tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .models import Plan, ResponsibilityRole, TaskStatus

router = Router(tags=["governance"])


class PlanOut(Schema):
    id: int
    title: str
    tasks: int
    published: bool


class ResponsibilityOut(Schema):
    unit: str
    role: ResponsibilityRole


class TaskOut(Schema):
    number: int
    part: int
    measure: int | None
    text: str
    collective: bool
    status: TaskStatus
    percent_complete: int
    deadline: str | None
    units: list[ResponsibilityOut]


@router.get("/plans", response=list[PlanOut], summary="Published implementation plans")
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": plan.pk, "title": plan.title, "tasks": plan.task_count, "published": plan.is_published}
        for plan in Plan.objects.filter(is_published=True).annotate(
            task_count=Count("tasks", filter=Q(tasks__withdrawn_at__isnull=True))
        )
    ]


@router.get("/plans/{plan_id}/tasks", response=list[TaskOut], summary="Tasks of a published plan")
def list_tasks(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    plan = get_object_or_404(Plan, pk=plan_id, is_published=True)
    tasks = (
        plan.tasks.filter(withdrawn_at__isnull=True)
        .select_related("part", "measure")
        .prefetch_related("responsibilities__unit")
    )
    return [
        {
            "number": task.number,
            "part": task.part.number,
            "measure": task.measure.number if task.measure else None,
            "text": task.text,
            "collective": task.collective,
            "status": task.status,
            "percent_complete": task.percent_complete,
            "deadline": task.deadline.isoformat() if task.deadline else None,
            "units": [{"unit": r.unit.name, "role": r.role} for r in task.responsibilities.all()],
        }
        for task in tasks
    ]
