"""API for a body's or lab's own applications, with the organisation's bearer token: list, read, submit, and
upload documents. Mounted at ``/api/v1/applications``.

The token acts through the person who issued it (a manager of the organisation): that person is named in the
audit record as having submitted. A token whose issuer no longer acts for the organisation is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from certis.accounts.api_auth import TokenAuth
from certis.accounts.models import ApiToken, User
from certis.core.apischema import BoundedLimitOffset, MultilineText, Text

from ..models import Application, Decision
from ..register.services import Scope
from . import access, services
from .clock import clock as application_clock
from .workdays import Calendar

router = Router(tags=["applications"], auth=TokenAuth())


class ClockOut(Schema):
    stage: str | None
    limit: int | None
    used: int
    left: int | None
    overdue: bool
    paused: bool
    due_on: dt.date | None
    total: int
    supplementing: int


def _calendar(context: Any) -> Calendar:
    """One holiday calendar per request, shared by every application of a list."""
    request = context["request"]
    if not hasattr(request, "_working_day_calendar"):
        request._working_day_calendar = Calendar()
    calendar: Calendar = request._working_day_calendar
    return calendar


class ApplicationOut(Schema):
    reference: str
    kind: Application.Kind
    stage: Application.Stage
    body: str
    body_number: str | None
    submitted_at: dt.datetime
    closed_at: dt.datetime | None
    approval_number: str
    approval_valid_until: dt.date | None
    clock: ClockOut

    @staticmethod
    def resolve_body(application: Application) -> str:
        return application.body.name

    @staticmethod
    def resolve_body_number(application: Application) -> str | None:
        return application.body.number

    @staticmethod
    def resolve_clock(application: Application, context: Any) -> dict[str, Any]:
        clock = application_clock(application, timezone.localdate(), _calendar(context))
        return {
            "stage": clock.stage,
            "limit": clock.limit,
            "used": clock.used,
            "left": clock.left,
            "overdue": clock.overdue,
            "paused": clock.paused,
            "due_on": clock.due_on,
            "total": clock.total,
            "supplementing": clock.supplementing,
        }


class ScopeLine(Schema):
    scheme: Text = ""
    category: Text
    standards: Text = ""


class MissingOut(Schema):
    description: str
    requested_at: dt.datetime
    supplied_at: dt.datetime | None


class VersionOut(Schema):
    version: int
    original_name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class ApplicationDocumentOut(Schema):
    title: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(document: Any) -> list[Any]:
        return list(document.versions.all())


class DecisionOut(Schema):
    outcome: str
    reasons: str
    official: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_official(decision: Any) -> str:
        return str(decision.official)


class ApplicationDetailOut(ApplicationOut):
    summary: str
    scope: list[ScopeLine]
    changes: dict[str, str]
    missing_items: list[MissingOut]
    documents: list[ApplicationDocumentOut]
    decision: DecisionOut | None

    @staticmethod
    def resolve_scope(application: Application) -> list[Any]:
        return list(application.scope.all())

    @staticmethod
    def resolve_missing_items(application: Application) -> list[Any]:
        return list(application.missing_items.all())

    @staticmethod
    def resolve_documents(application: Application) -> list[Any]:
        return list(application.documents.prefetch_related("versions"))

    @staticmethod
    def resolve_decision(application: Application) -> Decision | None:
        return getattr(application, "decision", None)


class ParticularsIn(Schema):
    name: Text
    uscc: Text = Field(examples=["91440606722473701M"])
    address: Text
    region: Text


class ApplicationChangesIn(Schema):
    name: Text = ""
    address: Text = ""


class ApplicationIn(Schema):
    kind: Application.Kind
    summary: MultilineText = ""
    body: ParticularsIn | None = None
    scope: list[ScopeLine] = []
    changes: ApplicationChangesIn | None = None


class ApplicationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _token(request: HttpRequest) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


def _own(request: HttpRequest) -> QuerySet[Application]:
    return Application.objects.filter(applicant=_token(request).organisation).select_related("body")


def _acting_user(token: ApiToken) -> User:
    if not access.acts_for(token.created_by, token.organisation):
        raise PermissionDenied(
            _("The person who issued this token no longer acts for the organisation; issue a new token.")
        )
    return token.created_by


def _error(error: ValidationError) -> dict[str, Any]:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {
        "detail": " ".join(message for messages in errors.values() for message in messages),
        "errors": errors,
    }


@router.get("", response=list[ApplicationOut], summary="The organisation's applications")
@paginate(BoundedLimitOffset)
def list_applications(request: HttpRequest) -> Any:
    return _own(request).prefetch_related("periods").order_by("-submitted_at", "-pk")


@router.get("/{reference}", response=ApplicationDetailOut, summary="One of the organisation's applications")
def get_application(request: HttpRequest, reference: str) -> Application:
    application: Application = get_object_or_404(_own(request), reference=reference)
    return application


@router.post(
    "",
    response={201: ApplicationDetailOut, 400: ApplicationErrorOut, 403: ApplicationErrorOut},
    summary="Submit an application",
)
def submit(request: HttpRequest, payload: ApplicationIn) -> Status[Any]:
    """Approval or lab qualification (a first application gives the body's particulars), renewal, extension of
    scope (the scope lines applied for) or a change of name or address (``changes``)."""
    token = _token(request)
    try:
        application = services.submit_application(
            acting_user=_acting_user(token),
            applicant=token.organisation,
            kind=payload.kind,
            summary=payload.summary,
            scope=[
                Scope(category=line.category, scheme=line.scheme, standards=line.standards)
                for line in payload.scope
            ],
            particulars=services.Particulars(**payload.body.model_dump()) if payload.body else None,
            changes_requested=payload.changes.model_dump() if payload.changes else None,
        )
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied) or _("Not allowed.")})
    except ValidationError as error:
        return Status(400, _error(error))
    return Status(201, application)


@router.post(
    "/{reference}/documents",
    response={201: VersionOut, 400: ApplicationErrorOut, 403: ApplicationErrorOut},
    summary="Upload a document (or a new version of one) to an application",
)
def upload(request: HttpRequest, reference: str, title: Form[Text], file: File[UploadedFile]) -> Status[Any]:
    token = _token(request)
    application = get_object_or_404(_own(request), reference=reference)
    try:
        version = services.upload_document(
            acting_user=_acting_user(token), application=application, title=title, file=file
        )
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied) or _("Not allowed.")})
    except ValidationError as error:
        return Status(400, _error(error))
    return Status(201, version)
