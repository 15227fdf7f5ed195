"""A plan's pages: the list of plans, a plan's tasks with filters, the responsibility matrix, a unit's
tasks; publishing a plan (the office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certis.core.http import AuthenticatedRequest

from .. import access
from ..filters import TaskFilter
from ..models import Responsibility
from ..selectors import (
    live_tasks,
    responsibility_matrix,
    units_of_plan,
    with_live_task_counts,
    with_units,
)
from ..services import work as services
from . import office_only


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = with_live_task_counts(access.plans_for(request.user)).order_by("-created_at")
    return render(
        request, "governance/plan_list.html", {"plans": plans, "can_manage": access.can_manage(request.user)}
    )


def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    task_filter = TaskFilter(request.GET, queryset=with_units(live_tasks(plan)), plan=plan)
    return render(
        request,
        "governance/plan_detail.html",
        {
            "plan": plan,
            "filter": task_filter,
            "tasks": task_filter.qs.order_by("number"),
            "positions": plan.positions.select_related("unit"),
            "can_manage": access.can_manage(request.user),
            "sees_internals": access.sees_internals(request.user, plan),
        },
    )


def matrix(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    task_filter = TaskFilter(request.GET, queryset=live_tasks(plan), plan=plan)
    units = list(units_of_plan(plan))
    chosen = task_filter.form.cleaned_data.get("unit") if task_filter.is_valid() else None
    if chosen:
        units = [chosen]
    table = responsibility_matrix(task_filter.qs.order_by("number"), units)
    return render(request, "governance/matrix.html", {"plan": plan, "filter": task_filter, "matrix": table})


def unit_detail(request: HttpRequest, plan_id: int, unit_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    unit = get_object_or_404(units_of_plan(plan), pk=unit_id)
    rows = Responsibility.objects.filter(task__plan=plan, task__withdrawn_at__isnull=True, unit=unit)
    by_role = {
        role: [r.task for r in rows.filter(role=role).select_related("task")] for role in Responsibility.Role
    }
    return render(request, "governance/unit_detail.html", {"plan": plan, "unit": unit, "by_role": by_role})


@login_required
@require_POST
def publish(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    office_only(request)
    plan = access.get_plan_for_user(request.user, plan_id)
    published = request.POST.get("published") == "1"
    services.set_plan_published(acting_user=request.user, plan=plan, published=published)
    messages.success(
        request, _("The plan is now public.") if published else _("The plan is no longer public.")
    )
    return redirect("governance:plan_detail", plan_id=plan.pk)
