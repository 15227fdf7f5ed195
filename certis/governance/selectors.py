"""Read-side questions about a plan: which tasks are overdue or stalled, the matrix, the dashboard."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from certis.accounts.access import organisations_of
from certis.accounts.models import Organisation, Visitor

from . import access, lifecycle
from .models import FollowUpRecipient, Milestone, Plan, Responsibility, Task, TaskStatus


def stalled_after() -> dt.timedelta:
    return dt.timedelta(days=settings.GOVERNANCE_STALLED_AFTER_DAYS)


def annotate_flags(tasks: QuerySet[Task], today: dt.date | None = None) -> QuerySet[Task]:
    """Adds ``is_overdue`` (deadline or a milestone passed, not done) and ``is_stalled`` (no report lately)."""
    today = today or timezone.localdate()
    late_milestone = Milestone.objects.filter(
        task=OuterRef("pk"), completed_on__isnull=True, due_on__lt=today
    )
    not_done = lifecycle.unfinished()
    quiet_since = today - stalled_after()
    return tasks.annotate(
        has_late_milestone=Exists(late_milestone),
    ).annotate(
        is_overdue=_case(not_done & (Q(deadline__lt=today) | Q(has_late_milestone=True))),
        is_stalled=_case(
            not_done
            & (
                Q(last_reported_at__lt=quiet_since)
                | Q(last_reported_at__isnull=True, plan__created_at__date__lt=quiet_since)
            )
        ),
    )


def _case(condition: Q) -> Any:
    from django.db.models import BooleanField, Case, Value, When

    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def live_tasks(plan: Plan) -> QuerySet[Task]:
    return annotate_flags(plan.tasks.filter(withdrawn_at__isnull=True)).select_related("part", "measure")


def with_live_task_counts(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Adds ``live_task_count``: tasks not withdrawn. A subquery, since ``plans`` may already be a join."""
    live = (
        Task.objects.filter(plan=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("plan")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return plans.annotate(live_task_count=Coalesce(Subquery(live), 0))


def with_units(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.prefetch_related("responsibilities__unit")


def units_of_plan(plan: Plan) -> QuerySet[Organisation]:
    return Organisation.objects.filter(responsibilities__task__plan=plan).distinct().order_by("name")


@dataclass
class Matrix:
    units: list[Organisation]
    rows: list[tuple[Task, list[str]]]  # each task with one role code (or "") per unit column


def responsibility_matrix(tasks: QuerySet[Task], units: list[Organisation]) -> Matrix:
    roles: dict[int, dict[int, str]] = defaultdict(dict)
    for task_id, unit_id, role in Responsibility.objects.filter(task__in=tasks).values_list(
        "task_id", "unit_id", "role"
    ):
        roles[task_id][unit_id] = role
    rows = [(task, [roles[task.pk].get(unit.pk, "") for unit in units]) for task in tasks]
    return Matrix(units=units, rows=rows)


@dataclass
class Tally:
    label: str
    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    stalled: int = 0
    percent_sum: int = 0
    pk: int | None = None

    def add(self, task: Task) -> None:
        self.total += 1
        self.by_status[task.status] += 1
        self.overdue += bool(task.is_overdue)  # type: ignore[attr-defined]
        self.stalled += bool(task.is_stalled)  # type: ignore[attr-defined]
        self.percent_sum += task.percent_complete

    @property
    def mean_percent(self) -> int:
        return round(self.percent_sum / self.total) if self.total else 0

    def segments(self) -> list[dict[str, Any]]:
        """Status shares as SVG rectangles on a 0–100 scale, for the stacked bars of the dashboard."""
        segments, offset = [], 0.0
        for status, label in TaskStatus.choices:
            share = 100 * self.by_status[status] / self.total if self.total else 0.0
            if share:
                segments.append(
                    {
                        "status": status,
                        "label": label,
                        "count": self.by_status[status],
                        "x": offset,
                        "width": share,
                    }
                )
            offset += share
        return segments


@dataclass
class Dashboard:
    overall: Tally
    by_part: list[Tally]
    by_unit: list[Tally]
    overdue: list[Task]
    stalled: list[Task]
    open_follow_ups: int


def dashboard(plan: Plan) -> Dashboard:
    tasks = list(with_units(live_tasks(plan)).order_by("number"))
    overall = Tally(label=plan.title)
    parts: dict[int, Tally] = {}
    units: dict[int, Tally] = {}
    for task in tasks:
        overall.add(task)
        parts.setdefault(task.part.number, Tally(label=task.part.title, pk=task.part.number)).add(task)
        for responsibility in task.responsibilities.all():
            if responsibility.reports_progress:
                unit = responsibility.unit
                units.setdefault(unit.pk, Tally(label=unit.name, pk=unit.pk)).add(task)
    pending = FollowUpRecipient.objects.filter(
        follow_up__task__plan=plan, follow_up__closed_at__isnull=True, replied_at__isnull=True
    ).count()
    return Dashboard(
        overall=overall,
        by_part=[parts[number] for number in sorted(parts)],
        by_unit=sorted(units.values(), key=lambda tally: (-tally.total, tally.label)),
        overdue=[task for task in tasks if task.is_overdue],  # type: ignore[attr-defined]
        stalled=[task for task in tasks if task.is_stalled],  # type: ignore[attr-defined]
        open_follow_ups=pending,
    )


def tasks_of_units(units: QuerySet[Organisation]) -> QuerySet[Task]:
    return annotate_flags(
        Task.objects.filter(withdrawn_at__isnull=True, responsibilities__unit__in=units).distinct()
    ).select_related("plan", "part")


def home_summary(user: Visitor) -> dict[str, Any]:
    plans = access.plans_for(user)
    summary: dict[str, Any] = {"plans": plans[:5]}
    if user.is_authenticated:
        units = organisations_of(user)
        summary["my_tasks"] = tasks_of_units(units).order_by("deadline", "number")[:10]
        summary["pending_follow_ups"] = FollowUpRecipient.objects.filter(
            unit__in=units, replied_at__isnull=True, follow_up__closed_at__isnull=True
        ).count()
    return summary
