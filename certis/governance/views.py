"""Pages of the implementation plan. Views check access, call a service or selector, and render."""

from __future__ import annotations

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
from certis.accounts.models import Organisation
from certis.core.forms import add_service_errors

from . import access, excel
from .assessment import RULE, score_sheet
from .filters import TaskFilter
from .forms import (
    AdjustmentForm,
    AssessmentPeriodForm,
    ContributionForm,
    ExcelUploadForm,
    FollowUpForm,
    MilestoneForm,
    ProgressReportForm,
    ReplyForm,
    ScheduleForm,
)
from .models import AssessmentPeriod, Evidence, FollowUp, Milestone, Plan, Responsibility, Task, TaskStatus
from .selectors import dashboard as build_dashboard
from .selectors import (
    live_tasks,
    responsibility_matrix,
    tasks_of_units,
    units_of_plan,
    with_live_task_counts,
    with_units,
)
from .services import work as services
from .services.progress_import import import_progress as apply_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _task(request: HttpRequest, plan_id: int, number: int) -> tuple[Plan, Task]:
    plan = access.get_plan_for_user(request.user, plan_id)
    task = get_object_or_404(Task, plan=plan, number=number)
    return plan, task


def _office_only(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise PermissionDenied


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


@login_required
@require_POST
def report_progress(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    plan, task = _task(request, plan_id, number)
    units = access.reporting_units(request.user, task)
    if not units:
        raise PermissionDenied
    form = ProgressReportForm(request.POST, request.FILES, units=units)

    def act(data: dict[str, Any]) -> None:
        services.report_progress(acting_user=request.user, task=task, **data)
        messages.success(request, _("Progress reported."))

    return _task_post(request, plan, task, form, "report_form", act)


@login_required
@require_POST
def add_contribution(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    plan, task = _task(request, plan_id, number)
    units = access.contributing_units(request.user, task)
    if not units:
        raise PermissionDenied
    form = ContributionForm(request.POST, request.FILES, units=units)

    def act(data: dict[str, Any]) -> None:
        services.add_contribution(acting_user=request.user, task=task, **data)
        messages.success(request, _("Contribution added."))

    return _task_post(request, plan, task, form, "contribution_form", act)


@login_required
@require_POST
def schedule_task(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    _office_only(request)
    plan, task = _task(request, plan_id, number)

    def act(data: dict[str, Any]) -> None:
        services.schedule_task(acting_user=request.user, task=task, deadline=data["deadline"])
        messages.success(request, _("Deadline saved."))

    return _task_post(request, plan, task, ScheduleForm(request.POST), "schedule_form", act)


@login_required
@require_POST
def add_milestone(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    _office_only(request)
    plan, task = _task(request, plan_id, number)

    def act(data: dict[str, Any]) -> None:
        services.add_milestone(acting_user=request.user, task=task, **data)
        messages.success(request, _("Milestone added."))

    return _task_post(request, plan, task, MilestoneForm(request.POST), "milestone_form", act)


@login_required
@require_POST
def complete_milestone(request: HttpRequest, plan_id: int, number: int, milestone_id: int) -> HttpResponse:
    plan, task = _task(request, plan_id, number)
    milestone = get_object_or_404(Milestone, pk=milestone_id, task=task)
    services.complete_milestone(
        acting_user=request.user, milestone=milestone, completed_on=timezone.localdate()
    )
    messages.success(request, _("Milestone completed."))
    return redirect("governance:task_detail", plan_id=plan.pk, number=task.number)


@login_required
@require_POST
def send_follow_up(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    _office_only(request)
    plan, task = _task(request, plan_id, number)

    def act(data: dict[str, Any]) -> None:
        services.send_follow_up(acting_user=request.user, task=task, **data)
        messages.success(request, _("Follow-up sent."))

    form = FollowUpForm(request.POST, units=_task_units(task))
    return _task_post(request, plan, task, form, "follow_up_form", act)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = with_units(tasks_of_units(organisations_of(request.user))).order_by("plan", "number")
    return render(request, "governance/my_tasks.html", {"tasks": tasks})


@login_required
def evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    item = get_object_or_404(Evidence.objects.select_related("report__task__plan"), pk=evidence_id)
    if not access.sees_internals(request.user, item.report.task.plan):
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


def _latest_plan_for(request: HttpRequest) -> Plan:
    plan = access.plans_for(request.user).order_by("-created_at").first()
    if plan is None:
        raise Http404
    return plan


@login_required
def dashboard_latest(request: HttpRequest) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    return redirect("governance:dashboard_plan", plan_id=_latest_plan_for(request).pk)


@login_required
def dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    plan = access.get_plan_for_user(request.user, plan_id)
    context = {"plan": plan, "board": build_dashboard(plan), "statuses": TaskStatus.choices}
    return render(request, "governance/dashboard.html", context)


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    follow_ups = FollowUp.objects.select_related("task__plan").prefetch_related("recipients__unit")
    if not access.can_read_all(request.user):
        follow_ups = follow_ups.filter(recipients__unit__in=organisations_of(request.user)).distinct()
    state = request.GET.get("state", "open")
    if state == "open":
        follow_ups = follow_ups.filter(closed_at__isnull=True)
    elif state == "closed":
        follow_ups = follow_ups.filter(closed_at__isnull=False)
    return render(request, "governance/follow_up_list.html", {"follow_ups": follow_ups, "state": state})


def _follow_up_for(request: HttpRequest, follow_up_id: int) -> FollowUp:
    follow_up = get_object_or_404(FollowUp.objects.select_related("task__plan"), pk=follow_up_id)
    user = request.user
    if access.can_read_all(user):
        return follow_up
    sent_to_me = follow_up.recipients.filter(unit__in=organisations_of(user)).exists()
    if not sent_to_me or not access.plans_for(user).filter(pk=follow_up.task.plan_id).exists():
        raise Http404
    return follow_up


@login_required
def follow_up_detail(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = _follow_up_for(request, follow_up_id)
    mine = follow_up.recipients.filter(unit__in=organisations_of(request.user), replied_at__isnull=True)
    form = ReplyForm(request.POST or None)
    recipient = mine.select_related("unit").first()
    if request.method == "POST":
        if recipient is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.reply_to_follow_up(
                    acting_user=request.user, recipient=recipient, reply=form.cleaned_data["reply"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Reply sent."))
                return redirect("governance:follow_up_detail", follow_up_id=follow_up.pk)
    context = {
        "follow_up": follow_up,
        "recipients": follow_up.recipients.select_related("unit", "replied_by"),
        "reply_form": form if recipient and not follow_up.closed_at else None,
        "replying_unit": recipient.unit if recipient else None,
        "can_manage": access.can_manage(request.user),
    }
    return render(request, "governance/follow_up_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def close_follow_up(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    _office_only(request)
    follow_up = _follow_up_for(request, follow_up_id)
    services.close_follow_up(acting_user=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up closed."))
    return redirect("governance:follow_up_detail", follow_up_id=follow_up.pk)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    return redirect("governance:assessment_plan", plan_id=_latest_plan_for(request).pk)


@login_required
def assessment_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    plan = access.get_plan_for_user(request.user, plan_id)
    form = AssessmentPeriodForm(request.POST or None)
    if request.method == "POST":
        _office_only(request)
        if form.is_valid():
            try:
                period = services.open_assessment_period(
                    acting_user=request.user, plan=plan, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("governance:assessment_period", period_id=period.pk)
    periods = plan.assessment_periods.all()
    context = {"plan": plan, "periods": periods, "form": form, "can_manage": access.can_manage(request.user)}
    return render(request, "governance/assessment_plan.html", context, status=400 if form.errors else 200)


@login_required
def assessment_period(request: HttpRequest, period_id: int) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    period = get_object_or_404(AssessmentPeriod.objects.select_related("plan"), pk=period_id)
    form = AdjustmentForm(request.POST or None, units=units_of_plan(period.plan))
    if request.method == "POST":
        _office_only(request)
        if form.is_valid():
            try:
                services.adjust_score(acting_user=request.user, period=period, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Score adjusted."))
                return redirect("governance:assessment_period", period_id=period.pk)
    context = {
        "period": period,
        "plan": period.plan,
        "lines": score_sheet(period),
        "rule": RULE,
        "form": form,
        "can_manage": access.can_manage(request.user),
    }
    return render(request, "governance/assessment_period.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    _office_only(request)
    plan = access.get_plan_for_user(request.user, plan_id)
    published = request.POST.get("published") == "1"
    services.set_plan_published(acting_user=request.user, plan=plan, published=published)
    messages.success(
        request, _("The plan is now public.") if published else _("The plan is no longer public.")
    )
    return redirect("governance:plan_detail", plan_id=plan.pk)


def export_division(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    return _xlsx(excel.division_table(plan), f"task-division-{plan.pk}.xlsx")


@login_required
def export_progress(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    if not access.sees_internals(request.user, plan):
        raise PermissionDenied
    return _xlsx(excel.progress_table(plan), f"progress-{plan.pk}.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_progress(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    if not (access.can_manage(request.user) or access.sees_internals(request.user, plan)):
        raise PermissionDenied
    form = ExcelUploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        count, problems = apply_file(acting_user=request.user, plan=plan, file=form.cleaned_data["file"])
        if not problems:
            messages.success(request, _("%(count)d progress reports imported.") % {"count": count})
            return redirect(
                "governance:dashboard_plan"
                if access.can_read_all(request.user)
                else "governance:plan_detail",
                plan_id=plan.pk,
            )
    status = 400 if (form.errors or problems) else 200
    context = {"plan": plan, "form": form, "problems": problems}
    return render(request, "governance/import_progress.html", context, status=status)
