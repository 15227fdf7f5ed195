"""Customs pages: checking a declaration (an uploaded Excel or CSV file, or lines pasted), the result, past
checks, the template; and the regulator's page of the trusted class (the fast lane)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from certis.accounts.models import Organisation
from certis.certificates.models import Holder
from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest
from certis.core.identifiers import clean_uscc
from certis.core.listing import CappedPaginator

from .. import access, services
from ..files.declarations import (
    DeclarationFileProblem,
    read_declaration_file,
    split_pasted,
    template_workbook,
)
from ..forms import ImportCheckForm, TrustForm
from ..models import ImportCheck, TrustClassChange, Verdict

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _officer_office(request: HttpRequest) -> Organisation | None:
    """The officer's customs office; None for the regulator, who reads the checks but makes none."""
    office = access.customs_offices(request.user).order_by("name").first()
    if office is None and not (request.method in ("GET", "HEAD") and access.is_regulator(request.user)):
        raise PermissionDenied
    return office


def _rows(form: ImportCheckForm) -> tuple[list[dict[str, Any]], str, str]:
    """The declaration's rows, its source and its file name; DeclarationFileProblem if the file is unreadable."""
    upload = form.cleaned_data.get("file")
    if upload:
        return read_declaration_file(upload, upload.name), ImportCheck.Source.EXCEL, upload.name
    return split_pasted(form.cleaned_data["lines"]), ImportCheck.Source.FORM, ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_checks(request: AuthenticatedRequest) -> HttpResponse:
    """The officer's page: a new check, and the office's past checks."""
    office = _officer_office(request)
    form = ImportCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and office is not None and form.is_valid():  # a POST always has its office
        data = form.cleaned_data
        try:
            rows, source, file_name = _rows(form)
            check, _result = services.check_import(
                acting_user=request.user,
                organisation=office,
                rows=rows,
                source=source,
                file_name=file_name,
                declared_on=data["declared_on"],
                reference=data["reference"],
                default_importer=data["importer_uscc"],
            )
        except DeclarationFileProblem as problem:
            form.add_error("file", problem.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("catalogue:import_check", check.pk)
    checks = access.visible_checks(request.user).select_related("organisation", "checked_by")
    page = CappedPaginator(checks.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "catalogue/import_checks.html", {"form": form, "page": page, "office": office}, status=status
    )


@login_required
@require_safe
def import_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check = access.get_check_for_user(request.user, pk)
    shown = request.GET.get("verdict", "")
    lines = check.lines.order_by("line")
    if shown in Verdict.values:
        lines = lines.filter(verdict=shown)
    else:
        shown = ""
    context = {"check": check, "lines": lines, "shown": shown, "verdicts": Verdict.choices}
    return render(request, "catalogue/import_check.html", context)


@require_safe
def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="import-declaration-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trust(request: AuthenticatedRequest) -> HttpResponse:
    """The regulator puts firms in the trusted class or takes them out; every change is listed."""
    if not access.can_set_trust_class(request.user):
        raise PermissionDenied
    form = TrustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            holder = Holder.objects.filter(uscc=clean_uscc(data["uscc"])).first()
            if holder is None:
                raise ValidationError({"uscc": _("No holder in the registry has this code.")})
            services.set_trust_class(
                acting_user=request.user, holder=holder, trusted=data["trusted"], reason=data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s: class changed.") % {"name": holder.name})
            return redirect("catalogue:trust")
    context = {
        "form": form,
        "trusted": Holder.objects.filter(trusted=True).order_by("name")[:500],
        "changes": TrustClassChange.objects.select_related("holder", "changed_by")[:50],
    }
    return render(
        request, "catalogue/trust.html", context, status=400 if form.is_bound and form.errors else 200
    )
