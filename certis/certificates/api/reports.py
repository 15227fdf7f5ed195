"""API for certification bodies to report their certificates in bulk. Mounted at ``/api/v1/certificate-reports``.

A report is a job: the certificates sent (as JSON, or as a file in any format the pages take) are checked
whole and applied whole, or not at all, with every bad row named. Small jobs are done when the answer comes
(201); larger ones are queued (202) and their progress is read from ``GET /{id}``. Certificates are matched
by number, so sending the same report twice changes nothing the second time.

Callers authenticate with an organisation's bearer token (``Authorization: Bearer ct_…``) or, from the site,
with their session (and its CSRF token for a POST). A token acts through the person who issued it, who must
still be on the body's staff; its body is the token's organisation's entry in the register. A person signed in
reports for the body they work for, or names it (``body``, its approval number) if they work for several.
Anyone else gets 403; a job of another body is 404, as on the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from certis.accounts.api_auth import TokenAuth
from certis.accounts.models import ApiToken, Organisation
from certis.bodies.models import Body, Scheme
from certis.certificates.access import reporting_bodies
from certis.certificates.models import ImportJob, number_key
from certis.certificates.services.imports import (
    FINISHED,
    create_job,
    create_json_job,
    reclaim_lost_jobs,
    report_rows,
)
from certis.certificates.tasks import start_job
from certis.core.apischema import MAX_OFFSET, Text, TextWithin

router = Router(tags=["certificate-reports"], auth=[TokenAuth(), SessionAuth()])

# The models' choices, so the document lists their values (as enums named Status, Format and Scheme).
JobStatus = ImportJob.Status
JobFormat = ImportJob.Format
SchemeCode = Scheme

EXAMPLE_CERTIFICATE = {
    "number": "2025010101000001",
    "scheme": "ccc",
    "holder_name": "美的集团股份有限公司",
    "holder_uscc": "91440606722473701M",
    "holder_address": "广东省佛山市顺德区北滘镇美的大道6号",
    "product": "电饭锅",
    "product_code": "0705",
    "product_models": "MB-FB40; MB-FB50",
    "trademark": "美的",
    "manufacturer": "美的集团股份有限公司",
    "factory": "广东美的生活电器制造有限公司",
    "standards": "GB 4706.1-2005",
    "mode": "型式试验+初始工厂检查+获证后监督",
    "first_issued_on": "2022-06-01",
    "issued_on": "2025-06-01",
    "expires_on": "2030-05-31",
    "signatory": "2020-NQA-100001",
}
EXAMPLE_SYSTEM = {
    "number": "00125Q31234R0M",
    "scheme": "management_system",
    "holder_name": "美的集团股份有限公司",
    "holder_uscc": "91440606722473701M",
    "holder_address": "广东省佛山市顺德区北滘镇美的大道6号",
    "scope": "家用电器的设计、生产和销售",
    "standards": ["GB/T 19001-2016", "ISO 9001:2015"],
    "sites": [
        {"address": "广东省佛山市顺德区北滘镇美的大道6号", "scope": "设计和销售"},
        {"address": "广东省佛山市顺德区容桂街道", "scope": "生产"},
    ],
    "issued_on": "2025-06-01",
    "expires_on": "2028-05-31",
    "signatory": "2020-NQA-100001",
}


BODY_HELP = (
    "The reporting body's approval number: needed only when the signed-in person reports for several bodies. "
    "A token always reports for its own organisation's body."
)


class ReportIn(Schema):
    certificates: Annotated[list[dict[str, Any]], TextWithin] = Field(
        min_length=1,
        description=(
            "The certificates, each an object keyed by the report's field keys (number, scheme, holder_name, "
            "holder_uscc, holder_address, product, product_code, product_models, trademark, manufacturer, "
            "factory, scope, standards, mode, sites, first_issued_on, issued_on, expires_on, signatory) or by "
            "the column headings of the Excel template. Dates as 2026-03-01; standards and models as a list "
            "or a text separated by semicolons; sites as a list of {address, scope}. Which fields a "
            "certificate must carry depends on its scheme."
        ),
        examples=[[EXAMPLE_CERTIFICATE, EXAMPLE_SYSTEM]],
    )
    scheme: SchemeCode | None = Field(
        None,
        description="If every certificate is of this scheme: certificates may then leave out their scheme.",
    )
    body: Text | None = Field(
        None,
        max_length=64,
        description=BODY_HELP,
        examples=["CNCA-R-2002-001"],
    )


class ReportRowErrorOut(Schema):
    row: int = Field(
        description="The row in the file (the heading is row 1), or the position in the list from 1."
    )
    field: str = Field(
        description="The field's key; empty for a problem with the whole row.", examples=["holder_uscc"]
    )
    code: str = Field(
        description=(
            "The reason: missing, too_long, bad_date, bad_uscc, dates_out_of_order, issued_in_future, "
            "unknown_standard, unknown_scheme, out_of_scope, body_not_approved, signatory_not_registered, "
            "signatory_not_in_good_standing, certificate_closed, duplicate_in_file, other_scheme, "
            "unknown_field, not_an_object."
        ),
        examples=["bad_uscc"],
    )
    message: str = Field(description="What is wrong, in the language asked for (Accept-Language).")


class ReportJobLinks(Schema):
    self: str = Field(description="This job in the API.")
    errors: str = Field(description="Every bad row, page by page.")
    page: str = Field(description="The job's page on the site, with its progress and result.")


class ReportJobOut(Schema):
    id: int
    status: JobStatus = Field(
        description="queued or running: not finished; applied: every certificate saved; rejected: bad rows, "
        "nothing saved; failed: an error of the platform, or the process checking the file ended before "
        "it finished (a running job without a heartbeat for CERTIFICATES_IMPORT_STALE_SECONDS), nothing saved."
    )
    format: JobFormat
    scheme: str
    file_name: str
    sha256: str
    total_rows: int = Field(description="Rows in the file (an estimate until the job has read them all).")
    rows_done: int = Field(description="Rows checked so far.")
    progress_percent: int
    created_count: int = Field(description="Certificates added.")
    updated_count: int = Field(description="Certificates that were reported before, updated.")
    error_count: int = Field(description="Bad rows.")
    message: str
    errors: list[ReportRowErrorOut] = Field(description="The first 200 problems; see links.errors for all.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None = Field(
        description="When the process checking the file last showed it was alive (about every second)."
    )
    links: ReportJobLinks

    @staticmethod
    def resolve_file_name(job: ImportJob) -> str:
        return job.original_name

    @staticmethod
    def resolve_links(job: ImportJob, context: Any) -> dict[str, str]:
        request = context["request"]
        return {
            "self": request.build_absolute_uri(reverse("api:certificate_report", args=[job.pk])),
            "errors": request.build_absolute_uri(reverse("api:certificate_report_errors", args=[job.pk])),
            "page": request.build_absolute_uri(reverse("certificates:report_job", args=[job.pk])),
        }


class ReportErrorPage(Schema):
    count: int = Field(description="Problems in all.")
    limit: int
    offset: int
    items: list[ReportRowErrorOut]


class ReportPaging(Schema):
    limit: int = Field(100, ge=1, le=1000, description="How many problems to return (at most 1,000).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many to skip.")


class ReportErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class NotFoundError(Exception):
    """A body or job the caller may not know of."""


def _reporter(request: HttpRequest, body_number: str | None = None) -> tuple[Body, Any]:
    """The body reported for and the person acting; PermissionDenied or NotFoundError if they may not."""
    if isinstance(request.auth, ApiToken):  # type: ignore[attr-defined]
        return _token_reporter(request.auth, body_number)  # type: ignore[attr-defined]
    user = request.auth  # type: ignore[attr-defined]
    bodies = reporting_bodies(user)
    if not bodies.exists():
        raise PermissionDenied(_("Only the staff of a certification body may report certificates."))
    if body_number:
        body = bodies.filter(number__iexact=body_number.strip()).first()
        if body is None:
            raise NotFoundError(
                _("You do not report for a body numbered %(number)s.") % {"number": body_number}
            )
        return body, user
    found = list(bodies[:2])
    if len(found) > 1:
        raise ValidationError(
            {"body": _("You report for several bodies: say which one, by its approval number.")}
        )
    return found[0], user


def _token_reporter(token: ApiToken, body_number: str | None) -> tuple[Body, Any]:
    body = Body.objects.filter(
        organisation=token.organisation,
        kind=Body.Kind.CERTIFICATION_BODY,
        organisation__kind=Organisation.Kind.CERTIFICATION_BODY,
    ).first()
    if body is None:
        raise PermissionDenied(_("Only a certification body's token may report certificates."))
    if not reporting_bodies(token.created_by).filter(pk=body.pk).exists():
        raise PermissionDenied(
            _("The person who issued this token no longer reports for the body; issue a new token.")
        )
    if body_number and number_key(body_number) != number_key(body.number or ""):
        raise PermissionDenied(_("This token reports for %(body)s only.") % {"body": body.number})
    return body, token.created_by


def _jobs(request: HttpRequest) -> Any:
    if isinstance(request.auth, ApiToken):  # type: ignore[attr-defined]
        body, _user = _token_reporter(request.auth, None)  # type: ignore[attr-defined]
        return ImportJob.objects.filter(body=body)
    bodies = reporting_bodies(request.auth)  # type: ignore[attr-defined]
    if not bodies.exists():
        raise PermissionDenied(_("Only the staff of a certification body may see certificate reports."))
    return ImportJob.objects.filter(body__in=bodies)


def _own_job(request: HttpRequest, job_id: int) -> ImportJob:
    job: ImportJob | None = _jobs(request).select_related("body").filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(_("There is no report %(job)s of your body.") % {"job": job_id})
    return job


def _error(error: ValidationError) -> dict[str, Any]:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {"detail": " ".join(m for messages in errors.values() for m in messages), "errors": errors}


def _started(job: ImportJob) -> Status[Any]:
    job = start_job(job)
    return Status(201 if job.status in FINISHED else 202, job)


JOB_ANSWERS = {
    201: ReportJobOut,
    202: ReportJobOut,
    400: ReportErrorOut,
    403: ReportErrorOut,
    404: ReportErrorOut,
}


def _refused(error: Exception) -> Status[Any]:
    if isinstance(error, NotFoundError):
        return Status(404, {"detail": str(error)})
    if isinstance(error, ValidationError):
        return Status(400, _error(error))
    return Status(403, {"detail": str(error) or _("You may not do this.")})


REFUSALS = (PermissionDenied, NotFoundError, ValidationError)


@router.post("", response=JOB_ANSWERS, url_name="certificate_reports", summary="Report certificates (JSON)")
def report(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    """Check and apply a list of certificates, whole or not at all. 201: done (applied or rejected, see
    ``status``); 202: queued, follow ``links.self``."""
    try:
        body, user = _reporter(request, payload.body)
        job = create_json_job(
            acting_user=user, body=body, certificates=payload.certificates, scheme=payload.scheme or ""
        )
    except REFUSALS as refused:
        return _refused(refused)
    return _started(job)


@router.post("/files", response=JOB_ANSWERS, url_name="certificate_report_files", summary="Report a file")
def report_file(
    request: HttpRequest, file: File[UploadedFile], scheme: Form[str] = "", body: Form[str] = ""
) -> Status[Any]:
    """A file as the site takes it: Excel (.xlsx), CSV (UTF-8 with or without its BOM, or GB18030/GBK) or
    JSON, headed by the field keys or the template's headings; ``scheme`` if every row is of that scheme;
    ``body`` (its approval number) if the signed-in person reports for several bodies."""
    try:
        reporting_body, user = _reporter(request, body or None)
        job = create_job(acting_user=user, body=reporting_body, upload=file, scheme=scheme)
    except REFUSALS as refused:
        return _refused(refused)
    return _started(job)


@router.get(
    "/{int:job_id}",
    response={200: ReportJobOut, 403: ReportErrorOut, 404: ReportErrorOut},
    url_name="certificate_report",
    summary="A report's status, progress and result",
)
def get_report(request: HttpRequest, job_id: int) -> Status[Any]:
    try:
        job = _own_job(request, job_id)
        if job.status == JobStatus.RUNNING and reclaim_lost_jobs():
            job.refresh_from_db()
        return Status(200, job)
    except REFUSALS as refused:
        return _refused(refused)


@router.get(
    "/{int:job_id}/errors",
    response={200: ReportErrorPage, 403: ReportErrorOut, 404: ReportErrorOut},
    url_name="certificate_report_errors",
    summary="Every bad row of a rejected report",
)
def get_report_errors(request: HttpRequest, job_id: int, paging: Query[ReportPaging]) -> Status[Any]:
    try:
        job = _own_job(request, job_id)
    except REFUSALS as refused:
        return _refused(refused)
    items, count = [], 0
    for count, row in enumerate(report_rows(job), start=1):
        if paging.offset < count <= paging.offset + paging.limit:
            items.append(row)
    return Status(200, {"count": count, "limit": paging.limit, "offset": paging.offset, "items": items})
