"""A task's page and what is done on it: progress reports, contributions, the office's schedule,
milestones and follow-ups; a person's own tasks; evidence files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certis.accounts.access import organisations_of
from certis.accounts.models import Organisation, User
from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest

from .. import access
from ..forms import (
    ContributionForm,
    FollowUpForm,
    MilestoneForm,
    ProgressReportForm,
    ScheduleForm,
)
from ..models import Evidence, Milestone, Plan, Task
from ..selectors import (
    live_tasks,
    tasks_of_units,
    with_units,
)
from ..services import work as services
from . import office_only


def _task(request: HttpRequest, plan_id: int, number: int) -> tuple[Plan, Task]:
    plan = access.get_plan_for_user(request.user, plan_id)
    task = get_object_or_404(Task, plan=plan, number=number)
    return plan, task


def task_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    plan, task = _task(request, plan_id, number)
    return render(request, "governance/task_detail.html", _task_context(request, plan, task))


def _task_context(request: HttpRequest, plan: Plan, task: Task, **forms: Any) -> dict[str, Any]:
    user = request.user
    reporting, contributing = access.reporting_units(user, task), access.contributing_units(user, task)
    internals = access.sees_internals(user, plan)
    context: dict[str, Any] = {
        "plan": plan,
        "task": live_tasks(plan).get(pk=task.pk) if task.withdrawn_at is None else task,
        "responsibilities": task.responsibilities.select_related("unit"),
        "milestones": task.milestones.all(),
        "sees_internals": internals,
        "can_manage": access.can_manage(user),
        "can_report": bool(reporting),
    }
    if internals:
        context["reports"] = task.reports.select_related("unit", "reported_by").prefetch_related("evidence")
        context["follow_ups"] = task.follow_ups.prefetch_related("recipients__unit")
    if reporting:
        context["report_form"] = forms.get("report_form") or ProgressReportForm(units=reporting)
    if contributing:
        context["contribution_form"] = forms.get("contribution_form") or ContributionForm(units=contributing)
    if context["can_manage"]:
        context["schedule_form"] = forms.get("schedule_form") or ScheduleForm(
            initial={"deadline": task.deadline}
        )
        context["milestone_form"] = forms.get("milestone_form") or MilestoneForm()
        context["follow_up_form"] = forms.get("follow_up_form") or FollowUpForm(units=_task_units(task))
    return context


def _task_units(task: Task) -> Any:
    return Organisation.objects.filter(responsibilities__task=task).order_by("responsibilities__order")


def _task_post(
    request: HttpRequest, plan: Plan, task: Task, form: Any, name: str, action: Any
) -> HttpResponse:
    """Run ``action(form.cleaned_data)`` for a valid form; re-render the task page with errors otherwise."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("governance:task_detail", plan_id=plan.pk, number=task.number)
    context = _task_context(request, plan, task, **{name: form})
    return render(request, "governance/task_detail.html", context, status=400)


def _unit_post(
    request: AuthenticatedRequest,
    plan_id: int,
    number: int,
    units_of: Callable[[User, Task], list[Organisation]],
    form_class: type[ProgressReportForm],
    name: str,
    service: Callable[..., object],
    done: str,
) -> HttpResponse:
    """A report or a contribution, filed for one of the units the person speaks for on the task (none: refused)."""
    plan, task = _task(request, plan_id, number)
    units = units_of(request.user, task)
    if not units:
        raise PermissionDenied
    form = form_class(request.POST, request.FILES, units=units)

    def act(data: dict[str, Any]) -> None:
        service(acting_user=request.user, task=task, **data)
        messages.success(request, done)

    return _task_post(request, plan, task, form, name, act)


@login_required
@require_POST
def report_progress(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    return _unit_post(
        request,
        plan_id,
        number,
        access.reporting_units,
        ProgressReportForm,
        "report_form",
        services.report_progress,
        _("Progress reported."),
    )


@login_required
@require_POST
def add_contribution(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    return _unit_post(
        request,
        plan_id,
        number,
        access.contributing_units,
        ContributionForm,
        "contribution_form",
        services.add_contribution,
        _("Contribution added."),
    )


@login_required
@require_POST
def schedule_task(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    office_only(request)
    plan, task = _task(request, plan_id, number)

    def act(data: dict[str, Any]) -> None:
        services.schedule_task(acting_user=request.user, task=task, deadline=data["deadline"])
        messages.success(request, _("Deadline saved."))

    return _task_post(request, plan, task, ScheduleForm(request.POST), "schedule_form", act)


@login_required
@require_POST
def add_milestone(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    office_only(request)
    plan, task = _task(request, plan_id, number)

    def act(data: dict[str, Any]) -> None:
        services.add_milestone(acting_user=request.user, task=task, **data)
        messages.success(request, _("Milestone added."))

    return _task_post(request, plan, task, MilestoneForm(request.POST), "milestone_form", act)


@login_required
@require_POST
def complete_milestone(
    request: AuthenticatedRequest, plan_id: int, number: int, milestone_id: int
) -> HttpResponse:
    plan, task = _task(request, plan_id, number)
    milestone = get_object_or_404(Milestone, pk=milestone_id, task=task)
    services.complete_milestone(
        acting_user=request.user, milestone=milestone, completed_on=timezone.localdate()
    )
    messages.success(request, _("Milestone completed."))
    return redirect("governance:task_detail", plan_id=plan.pk, number=task.number)


@login_required
@require_POST
def send_follow_up(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    office_only(request)
    plan, task = _task(request, plan_id, number)

    def act(data: dict[str, Any]) -> None:
        services.send_follow_up(acting_user=request.user, task=task, **data)
        messages.success(request, _("Follow-up sent."))

    form = FollowUpForm(request.POST, units=_task_units(task))
    return _task_post(request, plan, task, form, "follow_up_form", act)


@login_required
def my_tasks(request: AuthenticatedRequest) -> HttpResponse:
    tasks = with_units(tasks_of_units(organisations_of(request.user))).order_by("plan", "number")
    return render(request, "governance/my_tasks.html", {"tasks": tasks})


@login_required
def evidence(request: AuthenticatedRequest, evidence_id: int) -> FileResponse:
    item = get_object_or_404(Evidence.objects.select_related("report__task__plan"), pk=evidence_id)
    if not access.sees_internals(request.user, item.report.task.plan):
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
