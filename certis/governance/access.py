"""Who may see and do what in the plan: one place for every check, used by views, the API and tests.

- Office staff (role ``plan_office``) manage plans, schedules and follow-ups, and adjust scores.
- Leading-group members read everything.
- Office staff may also file a unit's progress report on its behalf (as when they collect the units'
  Excel returns); the report records who filed it.
- A unit's people see the plans their unit has tasks in; they report on their unit's tasks as lead or
  joint unit, add contributions as supporting unit, and answer follow-ups sent to their unit.
- Everyone, signed in or not, sees a plan the office has published: its tasks, who answers for them and
  their status. Reports, evidence, follow-ups and scores stay internal.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from certis.accounts.access import Role, has_role, organisations_of
from certis.accounts.models import Organisation, Visitor

from .models import Plan, Responsibility, Task


def can_manage(user: Visitor) -> bool:
    return has_role(user, Role.PLAN_OFFICE)


def can_read_all(user: Visitor) -> bool:
    return has_role(user, Role.PLAN_OFFICE, Role.LEADING_GROUP)


def plans_for(user: Visitor) -> QuerySet[Plan]:
    if can_read_all(user):
        return Plan.objects.all()
    if not user.is_authenticated:
        return Plan.objects.filter(is_published=True)
    units = organisations_of(user)
    return Plan.objects.filter(Q(is_published=True) | Q(tasks__responsibilities__unit__in=units)).distinct()


def get_plan_for_user(user: Visitor, plan_id: int) -> Plan:
    plan = plans_for(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def sees_internals(user: Visitor, plan: Plan) -> bool:
    """Whether the person may read reports, evidence and follow-ups of the plan (not only its outline)."""
    if can_read_all(user):
        return True
    if not user.is_authenticated:
        return False
    return Responsibility.objects.filter(task__plan=plan, unit__in=organisations_of(user)).exists()


def own_responsibilities(user: Visitor, task: Task) -> list[Responsibility]:
    """The user's units' places in the task: what decides whether they report or contribute."""
    if not user.is_authenticated:
        return []
    return list(task.responsibilities.filter(unit__in=organisations_of(user)).select_related("unit"))


def reporting_units(user: Visitor, task: Task) -> list[Organisation]:
    """The units the user may report progress for: their own lead or joint units, or, for office staff who
    collect the units' returns, every lead or joint unit of the task (the report names who filed it)."""
    if can_manage(user):
        return [r.unit for r in task.responsibilities.select_related("unit") if r.reports_progress]
    return [r.unit for r in own_responsibilities(user, task) if r.reports_progress]


def contributing_units(user: Visitor, task: Task) -> list[Organisation]:
    return [r.unit for r in own_responsibilities(user, task) if r.role == Responsibility.Role.SUPPORT]
