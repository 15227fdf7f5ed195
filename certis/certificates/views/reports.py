"""Pages where a certification body's staff report certificates: one on a form, or a file of them, with the
file's progress and its result. Views check access (``report_access``), call the importer or the service,
and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certis.bodies.models import Body, Scheme, ScopeEntry
from certis.certificates.access import bodies_or_403, get_job_for_user, get_reporting_body
from certis.certificates.files.workbooks import errors_workbook, template_workbook
from certis.certificates.forms.reports import CertificateReportForm, UploadForm, initial_from
from certis.certificates.models import Certificate, ImportJob, number_key
from certis.certificates.rules import ReportContext
from certis.certificates.schemes import FIELDS
from certis.certificates.services.imports import FINISHED, create_job, reclaim_lost_jobs, report_rows
from certis.certificates.services.registry import report_certificate
from certis.certificates.tasks import start_job
from certis.core.http import AuthenticatedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 20


@login_required
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """Where reporting starts: the body's page, or the choice of body for someone who reports for several."""
    bodies = list(bodies_or_403(request.user).order_by("name"))
    if len(bodies) == 1:
        return redirect("certificates:report_body", bodies[0].pk)
    return render(request, "certificates/report_index.html", {"bodies": bodies})


@login_required
@require_safe
def report_body(request: HttpRequest, body_id: int) -> HttpResponse:
    body = get_reporting_body(request.user, body_id)
    return _body_page(request, body, UploadForm())


def _body_page(request: HttpRequest, body: Body, form: UploadForm, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    in_scope = set(
        ScopeEntry.objects.filter(body=body, granted_on__lte=today)
        .exclude(removed_on__lte=today)
        .values_list("scheme", flat=True)
    )
    context = {
        "body": body,
        "form": form,
        "jobs": ImportJob.objects.filter(body=body).select_related("uploaded_by")[:RECENT_JOBS],
        "schemes": [(code, label, code in in_scope) for code, label in Scheme.choices],
        "several_bodies": bodies_or_403(request.user).count() > 1,
    }
    return render(request, "certificates/report_body.html", context, status=status)


@login_required
@require_POST
def report_upload(request: AuthenticatedRequest, body_id: int) -> HttpResponse:
    body = get_reporting_body(request.user, body_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = create_job(
                acting_user=request.user,
                body=body,
                upload=form.cleaned_data["file"],
                scheme=form.cleaned_data["scheme"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            start_job(job)
            return redirect("certificates:report_job", job.pk)
    return _body_page(request, body, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request: AuthenticatedRequest, body_id: int) -> HttpResponse:
    """One certificate; a number reported before is updated. GET ``?number=`` fills in a reported one."""
    body = get_reporting_body(request.user, body_id)
    refresh = reverse("certificates:report_form", args=[body.pk])
    if request.method != "POST":
        form = CertificateReportForm(initial=_initial(request, body), refresh_url=refresh)
        return _form_page(request, body, form)
    form = CertificateReportForm(request.POST, context=ReportContext.load(body), refresh_url=refresh)
    if form.is_valid() and form.report is not None:
        try:
            certificate, created = report_certificate(acting_user=request.user, body=body, data=form.report)
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:  # a concurrent report of the same number won the race
            form.add_error(
                None, _("The certificate changed while you were saving; nothing was saved. Try again.")
            )
        else:
            message = _("Certificate %(number)s added.") if created else _("Certificate %(number)s updated.")
            messages.success(request, message % {"number": certificate.number})
            return redirect("certificates:report_body", body.pk)
    return _form_page(request, body, form, status=400)


def _initial(request: HttpRequest, body: Body) -> dict[str, Any]:
    initial: dict[str, Any] = {name: value for name, value in request.GET.items() if name in FIELDS}
    number = str(initial.get("number") or "")
    if number and set(initial) == {"number"}:
        certificate = (
            Certificate.objects.select_related("holder", "signatory")
            .filter(body=body, number_key=number_key(number))
            .first()
        )
        if certificate is not None:
            return initial_from(certificate)
    return initial


def _form_page(
    request: HttpRequest, body: Body, form: CertificateReportForm, status: int = 200
) -> HttpResponse:
    shown, required = form.shown_names(), form.required_names()
    fields = [form[name] for name in FIELDS]
    context = {
        "body": body,
        "form": form,
        "main_fields": [(field, field.name in required) for field in fields if field.name in shown],
        "other_fields": [(field, field.name in required) for field in fields if field.name not in shown],
        "scheme_label": Scheme(form.scheme).label if form.scheme else "",
    }
    return render(request, "certificates/report_form.html", context, status=status)


@login_required
@require_safe
def report_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's page; htmx asks it again every second for the status part while the job runs."""
    job = get_job_for_user(request.user, job_id)
    if job.status == ImportJob.Status.RUNNING and reclaim_lost_jobs():
        job.refresh_from_db()
    context = {"job": job, "finished": job.status in FINISHED}
    if getattr(request, "htmx", False):
        return render(request, "certificates/report_job_status.html", context)
    return render(request, "certificates/report_job.html", context)


@login_required
@require_safe
def report_job_errors(request: HttpRequest, job_id: int, fmt: str) -> HttpResponse | FileResponse:
    """The report of every bad row of a rejected job, as CSV or Excel."""
    job = get_job_for_user(request.user, job_id)
    if not job.report:
        raise Http404
    name = f"certis-import-{job.pk}-bad-rows.{fmt}"
    if fmt == "csv":
        return FileResponse(job.report.open("rb"), as_attachment=True, filename=name, content_type="text/csv")
    response = HttpResponse(errors_workbook(report_rows(job)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def report_template(request: HttpRequest, scheme: str) -> HttpResponse:
    """The Excel template of a scheme, headed in the language the page is read in."""
    bodies_or_403(request.user)
    if scheme not in Scheme.values:
        raise Http404
    response = HttpResponse(template_workbook(scheme), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="certis-{scheme}-template.xlsx"'
    return response
