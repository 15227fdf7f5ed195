"""The catalogue API, mounted at ``/api/v1``:

- ``POST /api/v1/import-checks`` (a customs office's bearer token): a declaration of 1 to 2,000 lines; the
  answer gives each line its verdict (``not_in_catalogue``, ``covered``, ``missing``, ``invalid``,
  ``exempt``), a stable ``reason_code`` and a ``reason`` an officer can read, in the order sent, and the lane.
  Lines that cannot be read (a malformed HS code or USCC, an unknown number) get the verdict ``invalid``
  with the reason: the request as a whole is refused only when it is not a declaration at all.
- ``GET /api/v1/catalogue?on=YYYY-MM-DD``: the catalogue on a day (public).
- ``GET /api/v1/catalogue/changes?start=…&end=…``: what changed between two days (public).
- ``GET /api/v1/hs-codes?q=…&on=…``: the HS table by code prefix or product name (public).
- ``GET /api/v1/self-declarations/{number}``: a public self-declaration, verified like a certificate.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from certis.accounts.api_auth import TokenAuth
from certis.accounts.models import ApiToken, Organisation, User
from certis.certificates.models import number_key
from certis.core.apischema import Text

from . import access, selectors
from .models import DeclarationStatus, ImportCheck, Lane, RiskLevel, Route, SelfDeclaration, Verdict
from .services import check_import
from .services.import_checks import MAX_LINES

# A line's cells as a customs system sends them: text, or a number (an HS code or a quantity) no larger
# than a JSON number keeps exactly. A cell's text is not refused here: a line that cannot be read (a NUL in
# it too) is a line with the verdict invalid.
Scalar = str | Annotated[int, Field(ge=-(2**53), le=2**53)] | float | None


router = Router(tags=["catalogue"])


class LineIn(BaseModel):
    """A plain pydantic model, not a ninja Schema: a thousand of them parse several times faster."""

    hs_code: Scalar = Field(None, examples=["8516.6010.00"])
    product_name: Scalar = Field(None, examples=["电饭锅"])
    model: Scalar = Field(None, examples=["MY-FB40A"])
    quantity: Scalar = Field(None, examples=[200])
    number: Scalar = Field(
        None, description="CCC certificate or self-declaration number.", examples=["2024010718000123"]
    )
    importer_uscc: Scalar = Field(None, description="Defaults to the declaration's importer_uscc.")
    exemption: Scalar = Field(
        None, description="An exemption's certificate number or ground, if the goods are exempt."
    )


class ImportCheckIn(Schema):
    reference: Text = Field("", max_length=64, description="The customs declaration's number.")
    declared_on: dt.date | None = Field(None, description="The day the goods are declared; today if absent.")
    importer_uscc: Text = Field(
        "",
        max_length=64,
        description="The importer of every line that names none.",
        examples=["91440606722473701M"],
    )
    lines: list[LineIn] = Field(..., min_length=1, max_length=MAX_LINES)


class ImportCheckDocumentOut(BaseModel):
    kind: Literal["certificate", "self_declaration"]
    number: str
    status: str
    product_code: str
    holder_uscc: str
    holder_name: str
    expires_on: dt.date | None = None


class LineOut(BaseModel):
    line: int
    verdict: Verdict
    reason_code: str = Field(description="Stable: customs systems may key on it.")
    reason: str = Field(description="For the officer, in the language asked for (Accept-Language).")
    lane: Lane
    product_codes: list[str] = Field(description="The catalogue products the HS code falls under that day.")
    document: ImportCheckDocumentOut | None = None
    duplicate_of: int | None = Field(None, description="An earlier line with the same content.")


class ImportCheckOut(Schema):
    id: int
    reference: str
    declared_on: dt.date
    lane: Lane = Field(description="after_release only when every line may go after release.")
    counts: dict[str, int]
    lines: list[LineOut]


class CatalogueErrorOut(Schema):
    detail: str


def _customs(request: HttpRequest) -> tuple[Organisation, User, ApiToken]:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    organisation = token.organisation
    if organisation.kind != Organisation.Kind.CUSTOMS:
        raise PermissionDenied(_("Only a customs office's token may check import declarations."))
    if not access.customs_offices(token.created_by).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("The person who issued this token is no longer a customs officer here; issue a new token.")
        )
    return organisation, token.created_by, token


@router.post(
    "/import-checks",
    auth=TokenAuth(),
    response={201: ImportCheckOut, 400: CatalogueErrorOut, 403: CatalogueErrorOut},
    url_name="import_checks",
    summary="Check an import declaration against the CCC catalogue",
)
def create_import_check(request: HttpRequest, payload: ImportCheckIn) -> Status[Any] | HttpResponse:
    try:
        organisation, officer, token = _customs(request)
        check, result = check_import(
            acting_user=officer,
            organisation=organisation,
            token=token,
            source=ImportCheck.Source.API,
            rows=[line.model_dump() for line in payload.lines],
            declared_on=payload.declared_on,
            reference=payload.reference,
            default_importer=payload.importer_uscc,
        )
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied)})
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    lines = [
        {
            "line": v.line,
            "verdict": v.verdict,
            "reason_code": v.reason_code,
            "reason": v.reason,
            "lane": v.lane,
            "product_codes": v.product_codes,
            "document": v.document.as_dict() if v.document else None,
            "duplicate_of": v.duplicate_of,
        }
        for v in result.verdicts
    ]
    body = {
        "id": check.pk,
        "reference": check.reference,
        "declared_on": check.declared_on,
        "lane": check.lane,
        "counts": check.counts,
        "lines": lines,
    }
    # Rendered here rather than validated against ImportCheckOut line by line (a tenth of the time of a
    # thousand-line answer); the tests hold the answer to the schema.
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=201,
        content_type="application/json",
    )


class ProductOut(Schema):
    code: str = Field(examples=["0718"])
    category: str = Field(examples=["07"])
    category_name: str
    name: str = Field(examples=["电饭锅"])
    scope: str
    risk_level: RiskLevel
    route: Route
    rules: str
    standards: list[str]
    valid_from: dt.date
    valid_until: dt.date | None


class CatalogueOut(Schema):
    on: dt.date
    products: list[ProductOut]


class OnDay(Schema):
    on: dt.date | None = Field(None, description="The day; today if absent.")


@router.get(
    "/catalogue", response=CatalogueOut, url_name="catalogue", auth=None, summary="The catalogue on a day"
)
def catalogue(request: HttpRequest, query: Query[OnDay]) -> dict[str, Any]:
    day = query.on or timezone.localdate()
    return {"on": day, "products": [selectors.public_version(v) for v in selectors.versions_on(day)]}


class CatalogueChangesIn(Schema):
    start: dt.date
    end: dt.date


class ChangeOut(Schema):
    code: str
    change: Literal["added", "removed", "changed"]
    fields: list[str]
    before: ProductOut | None
    after: ProductOut | None
    notices: list[str]


@router.get(
    "/catalogue/changes",
    response=list[ChangeOut],
    url_name="catalogue_changes",
    auth=None,
    summary="What changed in the catalogue between two days",
)
def catalogue_changes(request: HttpRequest, query: Query[CatalogueChangesIn]) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "change": d.change,
            "fields": d.fields,
            "before": selectors.public_version(d.before) if d.before else None,
            "after": selectors.public_version(d.after) if d.after else None,
            "notices": list(dict.fromkeys(a.notice for a in d.adjustments)),
        }
        for d in selectors.differences(query.start, query.end)
    ]


class HsIn(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="Digits of the code's start, or a name.")
    on: dt.date | None = None


class HsOut(Schema):
    hs_code: str
    product_code: str
    product_name: str | None
    valid_from: dt.date
    valid_until: dt.date | None
    condition: str


@router.get(
    "/hs-codes", response=list[HsOut], url_name="hs_codes", auth=None, summary="Search the HS code table"
)
def hs_codes(request: HttpRequest, query: Query[HsIn]) -> list[dict[str, Any]]:
    rows, _more = selectors.search_hs(query.q.replace("\x00", ""), query.on or timezone.localdate())
    return [
        {
            "hs_code": row.mapping.code,
            "product_code": row.mapping.product.code,
            "product_name": row.version.name if row.version else None,
            "valid_from": row.mapping.valid_from,
            "valid_until": row.mapping.valid_until,
            "condition": row.mapping.condition,
        }
        for row in rows
    ]


class DeclarationOut(Schema):
    number: str = Field(examples=["SD20260000001"])
    status: DeclarationStatus
    status_since: dt.date
    status_reason: str
    product_code: str
    product_name: str
    models: list[str]
    standards: list[str]
    test_report_number: str
    lab: str
    lab_number: str | None
    declarant: str
    declarant_uscc: str
    declared_on: dt.date


@router.get(
    "/self-declarations/{number}",
    response={200: DeclarationOut, 404: CatalogueErrorOut},
    url_name="self_declaration",
    auth=None,
    summary="A public self-declaration by its number",
)
def self_declaration(request: HttpRequest, number: str) -> Status[Any]:
    found = (
        SelfDeclaration.objects.select_related("product", "lab", "holder")
        .filter(number_key=number_key(number.replace("\x00", "")[:64]), is_public=True)
        .first()
    )
    if found is None:
        return Status(
            404,
            {"detail": _("No public self-declaration has the number %(number)s.") % {"number": number[:64]}},
        )
    return Status(
        200,
        {
            "number": found.number,
            "status": found.status,
            "status_since": found.status_since,
            "status_reason": found.status_reason,
            "product_code": found.product.code,
            "product_name": found.product_name,
            "models": found.model_list,
            "standards": found.standards,
            "test_report_number": found.test_report_number,
            "lab": found.lab.name,
            "lab_number": found.lab.number,
            "declarant": found.holder.name,
            "declarant_uscc": found.holder.uscc,
            "declared_on": found.declared_on,
        },
    )
