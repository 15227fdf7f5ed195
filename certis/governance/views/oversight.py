"""The leading group's view: the dashboard of a plan and the assessment (score sheets, periods,
adjustments)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest

from .. import access
from ..assessment import RULE, score_sheet
from ..forms import (
    AdjustmentForm,
    AssessmentPeriodForm,
)
from ..models import AssessmentPeriod, TaskStatus
from ..selectors import dashboard as build_dashboard
from ..selectors import (
    units_of_plan,
)
from ..services import work as services
from . import latest_plan_for, office_only


@login_required
def dashboard_latest(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    return redirect("governance:dashboard_plan", plan_id=latest_plan_for(request).pk)


@login_required
def dashboard(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    plan = access.get_plan_for_user(request.user, plan_id)
    context = {"plan": plan, "board": build_dashboard(plan), "statuses": TaskStatus.choices}
    return render(request, "governance/dashboard.html", context)


@login_required
def assessment_list(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    return redirect("governance:assessment_plan", plan_id=latest_plan_for(request).pk)


@login_required
def assessment_plan(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    plan = access.get_plan_for_user(request.user, plan_id)
    form = AssessmentPeriodForm(request.POST or None)
    if request.method == "POST":
        office_only(request)
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
def assessment_period(request: AuthenticatedRequest, period_id: int) -> HttpResponse:
    if not access.can_read_all(request.user):
        raise PermissionDenied
    period = get_object_or_404(AssessmentPeriod.objects.select_related("plan"), pk=period_id)
    form = AdjustmentForm(request.POST or None, units=units_of_plan(period.plan))
    if request.method == "POST":
        office_only(request)
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
