"""Pages of the online applications. Views check access, call a service or selector, and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certis.accounts.models import Notification, User
from certis.accounts.services import mark_notifications_read
from certis.audit.models import AuditEvent
from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest
from certis.core.listing import paginate_sorted
from certis.core.text import normalize

from ..models import Application, Body, DocumentVersion, StagePeriod
from . import access, services
from . import figures as five
from .clock import clock
from .forms import (
    AccreditationForm,
    ApplicationFilterForm,
    AssignReviewerForm,
    ConfirmForm,
    DecisionForm,
    FiguresForm,
    FindingsForm,
    NewApplicationDocumentsForm,
    NewApplicationForm,
    ReturnForm,
    SupplementForm,
    UploadForm,
    WithdrawForm,
    kinds_for,
    title_of,
)
from .lifecycle import APPROVING_KINDS, ISSUED_STAGES, TIMED_STAGES
from .uploads import CONTENT_TYPES, extension_of
from .workdays import Calendar

DETAIL = "bodies/applications/detail.html"


# --- lists ---------------------------------------------------------------------------------------------------


def _overdue(today: dt.date) -> Exists:
    return Exists(
        StagePeriod.objects.filter(application=OuterRef("pk"), ended_at__isnull=True, overdue_from__lte=today)
    )


def _filtered(
    request: HttpRequest, applications: QuerySet[Application], form: ApplicationFilterForm, today: dt.date
) -> QuerySet[Application]:
    if not form.is_valid():
        return applications
    data = form.cleaned_data
    if data["stage"]:
        applications = applications.filter(stage=data["stage"])
    if data["kind"]:
        applications = applications.filter(kind=data["kind"])
    if data["q"]:
        text = data["q"].strip()
        applications = applications.filter(
            Q(reference__icontains=text) | Q(body__name_key__contains=normalize(text))
        )
    if data["overdue"]:
        applications = applications.filter(_overdue(today))
    return applications


@login_required
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    applications = (
        access.applications_for(request.user)
        .select_related("body", "applicant")
        .annotate(is_overdue=_overdue(today))
        .prefetch_related(Prefetch("periods", queryset=StagePeriod.objects.order_by("started_at", "id")))
    )
    form = ApplicationFilterForm(request.GET or None)
    listing = paginate_sorted(
        request,
        _filtered(request, applications, form, today),
        sort_fields={"submitted": "submitted_at", "reference": "reference", "stage": "stage"},
        default_sort="-submitted",
    )
    calendar = Calendar()
    rows = [(application, clock(application, today, calendar)) for application in listing.rows]
    notices = Notification.objects.filter(
        recipient=request.user,
        read_at__isnull=True,
        link__startswith=reverse("applications:application_list"),
    )[:10]
    context = {
        "listing": listing,
        "rows": rows,
        "filter_form": form,
        "can_apply": access.applicant_organisations(request.user).exists(),
        "sees_all": access.sees_all(request.user),
        "can_see_figures": access.can_see_figures(request.user),
        "notices": notices,
    }
    return render(request, "bodies/applications/list.html", context)


# --- a new application ---------------------------------------------------------------------------------------


def _submit(
    request: AuthenticatedRequest, form: NewApplicationForm, documents: NewApplicationDocumentsForm
) -> Application:
    data = form.cleaned_data
    particulars = services.Particulars(
        name=data["name"], uscc=data["uscc"], address=data["address"], region=data["region"]
    )
    return services.submit_application(
        acting_user=request.user,
        applicant=data["applicant"],
        kind=data["kind"],
        summary=data["summary"],
        scope=data["scope"],
        particulars=particulars,
        changes_requested={"name": data["new_name"], "address": data["new_address"]},
        documents=[(title_of(upload), upload) for upload in documents.cleaned_data["documents"]],
    )


@login_required
def new_application(request: AuthenticatedRequest) -> HttpResponse:
    organisations = access.applicant_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    form = NewApplicationForm(request.POST or None, organisations=organisations)
    kinds = {kind for organisation in organisations for kind in kinds_for(organisation)}
    form.fields["kind"].choices = [choice for choice in Application.Kind.choices if choice[0] in kinds]  # type: ignore[attr-defined]
    documents = NewApplicationDocumentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and documents.is_valid():
        try:
            application = _submit(request, form, documents)
        except ValidationError as error:
            _split_errors(error, form, documents)
        else:
            messages.success(
                request, _("Application %(reference)s submitted.") % {"reference": application.reference}
            )
            return redirect("applications:application_detail", application_id=application.pk)
    bodies = {b.organisation_id: b for b in Body.objects.filter(organisation__in=organisations)}
    standing = [(organisation, bodies.get(organisation.pk)) for organisation in organisations]
    context = {"form": form, "documents_form": documents, "standing": standing}
    status = 400 if (form.errors or documents.errors) else 200
    return render(request, "bodies/applications/new.html", context, status=status)


def _split_errors(error: ValidationError, form: Any, documents: Any) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in ("title", "file"):
            documents.add_error("documents", errors)
        elif name == "changes":
            form.add_error("new_name", errors)
        else:
            form.add_error(name if name in form.fields else None, errors)


# --- one application -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """One thing a person does to an application from its page."""

    form: type[ConfirmForm]
    title: Promise
    button: Promise
    done: Promise
    run: Callable[[User, Application, dict[str, Any]], Any]
    needs: tuple[str, ...] = ()
    danger: bool = False
    multipart: bool = False


def _act(name: str, **kwargs: Any) -> Act:
    kwargs.setdefault("needs", (name,))
    return Act(**kwargs)


ACTS: dict[str, Act] = {
    "accept": _act(
        "accept",
        form=ConfirmForm,
        title=gettext_lazy("Accept the application"),
        button=gettext_lazy("Accept"),
        done=gettext_lazy("Application accepted; the technical review begins."),
        run=lambda user, app, data: services.accept_application(acting_user=user, application=app),
    ),
    "return": _act(
        "return",
        form=ReturnForm,
        title=gettext_lazy("Return as incomplete"),
        button=gettext_lazy("Return to the applicant"),
        done=gettext_lazy("Application returned; its clock is paused until the applicant resubmits."),
        run=lambda user, app, data: services.return_application(
            acting_user=user, application=app, missing=data["missing"]
        ),
        danger=True,
    ),
    "upload": _act(
        "upload",
        form=UploadForm,
        title=gettext_lazy("Upload a document"),
        button=gettext_lazy("Upload"),
        done=gettext_lazy("Document uploaded."),
        run=lambda user, app, data: services.upload_document(
            acting_user=user, application=app, title=data["title"], file=data["file"]
        ),
        needs=("upload", "staff_upload"),
        multipart=True,
    ),
    "supplement": _act(
        "supplement",
        form=SupplementForm,
        title=gettext_lazy("Resubmit the supplemented application"),
        button=gettext_lazy("Resubmit"),
        done=gettext_lazy("Application resubmitted; its clock runs again."),
        run=lambda user, app, data: services.supplement_application(
            acting_user=user, application=app, note=data["note"]
        ),
    ),
    "assign_reviewer": _act(
        "assign_reviewer",
        form=AssignReviewerForm,
        title=gettext_lazy("Assign a reviewer"),
        button=gettext_lazy("Assign"),
        done=gettext_lazy("Reviewer assigned."),
        run=lambda user, app, data: services.assign_reviewer(
            acting_user=user, application=app, reviewer=data["reviewer"]
        ),
    ),
    "record_findings": _act(
        "record_findings",
        form=FindingsForm,
        title=gettext_lazy("Your findings"),
        button=gettext_lazy("Record findings"),
        done=gettext_lazy("Findings recorded."),
        run=lambda user, app, data: services.record_findings(
            acting_user=user, application=app, findings=data["findings"], conclusion=data["conclusion"]
        ),
    ),
    "complete_review": _act(
        "complete_review",
        form=ConfirmForm,
        title=gettext_lazy("Complete the technical review"),
        button=gettext_lazy("Send for decision"),
        done=gettext_lazy("Review completed; the application awaits the decision."),
        run=lambda user, app, data: services.complete_review(acting_user=user, application=app),
    ),
    "decide": _act(
        "decide",
        form=DecisionForm,
        title=gettext_lazy("Decide"),
        button=gettext_lazy("Record the decision"),
        done=gettext_lazy("Decision recorded."),
        run=lambda user, app, data: services.decide(
            acting_user=user, application=app, outcome=data["outcome"], reasons=data["reasons"]
        ),
    ),
    "issue": _act(
        "issue",
        form=ConfirmForm,
        title=gettext_lazy("Issue the approval"),
        button=gettext_lazy("Issue"),
        done=gettext_lazy("Approval issued."),
        run=lambda user, app, data: services.issue_approval(acting_user=user, application=app),
    ),
    "publish": _act(
        "publish",
        form=ConfirmForm,
        title=gettext_lazy("Publish in the register"),
        button=gettext_lazy("Publish"),
        done=gettext_lazy("Approval published in the register."),
        run=lambda user, app, data: services.publish_approval(acting_user=user, application=app),
    ),
    "withdraw": _act(
        "withdraw",
        form=WithdrawForm,
        title=gettext_lazy("Withdraw the application"),
        button=gettext_lazy("Withdraw"),
        done=gettext_lazy("Application withdrawn."),
        run=lambda user, app, data: services.withdraw_application(
            acting_user=user, application=app, reason=data["reason"]
        ),
        danger=True,
    ),
    "record_accreditation": _act(
        "record_accreditation",
        form=AccreditationForm,
        title=gettext_lazy("Record the body's accreditation"),
        button=gettext_lazy("Record"),
        done=gettext_lazy("Accreditation recorded."),
        run=lambda user, app, data: services.record_accreditation(acting_user=user, application=app, **data),
    ),
}


def _initial(name: str, request: AuthenticatedRequest, application: Application) -> dict[str, Any]:
    if name == "record_findings":
        mine = application.reviews.filter(reviewer=request.user).first()
        if mine is not None and mine.findings:
            return {"findings": mine.findings, "conclusion": mine.conclusion}
    return {}


def _actions(
    request: AuthenticatedRequest, application: Application, bound: dict[str, Any]
) -> list[dict[str, Any]]:
    allowed = set(access.next_actions(request.user, application))
    names = [name for name, act in ACTS.items() if allowed & set(act.needs) or name in bound]
    return [
        {
            "name": name,
            "act": ACTS[name],
            "url": reverse(f"applications:{name}", args=[application.pk]),
            "form": bound.get(name)
            or ACTS[name].form(application=application, initial=_initial(name, request, application)),
        }
        for name in names
    ]


def _history(application: Application) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(target_type=Application._meta.label_lower, target_id=str(application.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )


def _detail_context(
    request: AuthenticatedRequest, application: Application, bound: dict[str, Any]
) -> dict[str, Any]:
    today = timezone.localdate()
    periods = application.periods.order_by("started_at", "id")
    return {
        "application": application,
        "clock": clock(application, today),
        "periods": periods,
        "missing_items": application.missing_items.all(),
        "scope": application.scope.all(),
        "documents": application.documents.prefetch_related("versions__uploaded_by"),
        "reviews": application.reviews.select_related("reviewer"),
        "decision": getattr(application, "decision", None),
        "history": _history(application),
        "actions": _actions(request, application, bound),
        "issued": application.stage in ISSUED_STAGES,
        "sees_all": access.sees_all(request.user),
    }


@login_required
def application_detail(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, application_id)
    mark_notifications_read(user=request.user, link=request.path)
    return render(request, DETAIL, _detail_context(request, application, {}))


@login_required
@require_POST
def act(request: AuthenticatedRequest, application_id: int, action: str) -> HttpResponse:
    application = access.get_application_for_user(request.user, application_id)
    spec = ACTS[action]
    if not any(access.holds_role_for(request.user, application, need) for need in spec.needs):
        raise PermissionDenied
    form = spec.form(request.POST, request.FILES, application=application)
    if form.is_valid():
        try:
            spec.run(request.user, application, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, str(spec.done))
            return redirect("applications:application_detail", application_id=application.pk)
    application.refresh_from_db()
    return render(request, DETAIL, _detail_context(request, application, {action: form}), status=400)


@login_required
def document_version(request: AuthenticatedRequest, version_id: int) -> FileResponse:
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=version_id)
    access.get_application_for_user(request.user, version.document.application_id)
    content_type = CONTENT_TYPES.get(extension_of(version.file.name), "application/octet-stream")
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.original_name, content_type=content_type
    )


@login_required
def approval_document(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """The printable approval (批准书) of an issued application."""
    application = access.get_application_for_user(request.user, application_id)
    if application.stage not in ISSUED_STAGES:
        raise Http404
    body = application.body
    if application.kind in APPROVING_KINDS:
        held = list(body.scope.filter(removed_on__isnull=True))
        scope = held + [line for line in application.scope.all() if not _holds(held, line)]
    else:
        scope = list(application.scope.all())
    context = {
        "application": application,
        "body": body,
        "scope": scope,
        "decision": getattr(application, "decision", None),
        "certification_body": body.kind == Body.Kind.CERTIFICATION_BODY,
    }
    return render(request, "bodies/applications/approval_document.html", context)


def _holds(held: list[Any], line: Any) -> bool:
    return any(h.scheme == line.scheme and normalize(h.category) == normalize(line.category) for h in held)


# --- five reductions -----------------------------------------------------------------------------------------


@login_required
def figures(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_see_figures(request.user):
        raise PermissionDenied
    form = FiguresForm(request.GET or {})
    if not form.is_valid():
        return render(request, "bodies/applications/figures.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    current = five.five_reductions(start, end)
    length = end - start
    previous_end = start - dt.timedelta(days=1)
    previous = five.five_reductions(previous_end - length, previous_end)
    comparison = [(row, previous.row(row.kind)) for row in current.rows]
    context = {
        "form": form,
        "figures": current,
        "previous": previous,
        "comparison": comparison,
        "limits": five.limits(),
        "total_limit": five.total_limit(),
        "chart": five.chart(current),
        "stages": [five.STAGE_NAMES[stage] for stage in TIMED_STAGES],
    }
    return render(request, "bodies/applications/figures.html", context)
