"""The plan's Excel tables: the task-division and progress tables out, the filled-in progress table back in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certis.core.http import AuthenticatedRequest

from .. import access
from ..files import excel
from ..forms import (
    ExcelUploadForm,
)
from ..services.progress_import import import_progress as apply_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_division(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    return _xlsx(excel.division_table(plan), f"task-division-{plan.pk}.xlsx")


@login_required
def export_progress(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, plan_id)
    if not access.sees_internals(request.user, plan):
        raise PermissionDenied
    return _xlsx(excel.progress_table(plan), f"progress-{plan.pk}.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_progress(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
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
