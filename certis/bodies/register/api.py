"""Read-only public API of the registers: bodies and labs, and certification personnel.

Anyone may call it, without a token (``auth=None``): it answers what the public register pages show, and
nothing more. A person's identity number never leaves through it, in any form. Search and filters are the
register pages' own (``register/filters.py``), so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from certis.core.apischema import Paging
from certis.core.choices import api_enum
from certis.core.listing import capped_count

from ..models import Body, Employment, Person, Qualification, Scheme
from .filters import BodyFilter, PersonFilter
from .lifecycle import LISTED_STATUSES
from .selectors import (
    body_page,
    describe_rows,
    get_listed_body,
    get_person,
    listed_bodies,
    registered_people,
    with_person_rows,
)

router = Router(tags=["register"], auth=None)

if TYPE_CHECKING:  # to the type checker, the model's own choices (a subset for ListedStatus)
    BodyKind = Body.Kind
    BodyStatus = Body.Status
    ListedStatus = Body.Status
    PersonStatus = Person.Status
    QualificationRole = Qualification.Role
else:
    BodyKind = api_enum("BodyKind", Body.Kind.values, module=__name__)
    BodyStatus = api_enum("BodyStatus", Body.Status.values, module=__name__)
    ListedStatus = api_enum("ListedStatus", LISTED_STATUSES, module=__name__)
    PersonStatus = api_enum("PersonStatus", Person.Status.values, module=__name__)
    QualificationRole = api_enum("QualificationRole", Qualification.Role.values, module=__name__)


class BodyQuery(Paging):
    q: str | None = Field(None, description="Part of the name (simplified or traditional) or of the number.")
    number: str | None = Field(None, description="The number, or its beginning.")
    scheme: Scheme | None = None
    region: str | None = None
    status: ListedStatus | None = None
    kind: BodyKind | None = None


class PersonQuery(Paging):
    q: str | None = Field(None, description="Part of the name or of the registration number.")
    status: PersonStatus | None = None
    role: QualificationRole | None = Field(None, description="Holds a valid qualification as this.")
    scheme: Scheme | None = Field(None, description="Holds a valid qualification for this scheme.")
    employer: str | None = Field(None, description="The number of the body they work for now.")


class ScopeOut(Schema):
    scheme: Scheme | None
    category: str
    standards: str
    granted_on: dt.date | None


class StatusChangeOut(Schema):
    effective_on: dt.date
    from_status: BodyStatus
    to_status: BodyStatus
    reason: str


class BodyOut(Schema):
    number: str
    kind: BodyKind
    name: str
    uscc: str
    address: str
    region: str
    status: BodyStatus
    status_since: dt.date | None
    status_reason: str | None = Field(description="Why the body is suspended, withdrawn or cancelled.")
    approved_on: dt.date | None
    valid_until: dt.date | None
    schemes: list[Scheme]


class BodyPage(Schema):
    count: int = Field(description="How many match, counted up to 10,000.")
    count_is_exact: bool = Field(description="False when more than 10,000 match.")
    limit: int
    offset: int
    items: list[BodyOut]


class AccreditationOut(Schema):
    accreditation_body: str
    number: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date


class BodyRefOut(Schema):
    number: str
    name: str
    region: str
    status: BodyStatus


class BodyDetailOut(BodyOut):
    head_office: BodyRefOut | None
    scope: list[ScopeOut]
    accreditations: list[AccreditationOut]
    history: list[StatusChangeOut]
    branches: list[BodyRefOut]


class QualificationOut(Schema):
    role: QualificationRole
    grade: Qualification.Grade
    schemes: list[str]
    field_codes: list[str]
    valid_from: dt.date
    valid_until: dt.date


class EmployerOut(Schema):
    number: str | None
    name: str
    since: dt.date


class PersonOut(Schema):
    registration_number: str
    name: str
    status: PersonStatus
    status_since: dt.date | None
    qualifications: list[QualificationOut]
    employer: EmployerOut | None


class PersonPage(Schema):
    count: int = Field(description="How many match, counted up to 10,000.")
    count_is_exact: bool = Field(description="False when more than 10,000 match.")
    limit: int
    offset: int
    items: list[PersonOut]


def _search(filterset: Any) -> QuerySet[Any]:
    """The filtered rows, or a 422 naming each bad parameter (as Ninja answers for a wrongly typed one)."""
    if not filterset.is_valid():
        raise NinjaValidationError(
            [
                {"loc": ["query", field], "msg": str(message), "type": "value_error"}
                for field, messages in filterset.errors.items()
                for message in messages
            ]
        )
    rows: QuerySet[Any] = filterset.qs
    return rows


def _filter_data(query: Schema) -> dict[str, str]:
    exclude = set(Paging.model_fields)
    return {key: str(value) for key, value in query.model_dump(exclude=exclude).items() if value is not None}


def _page(rows: QuerySet[Any], paging: Paging, to_item: Any, describe: Any = list) -> dict[str, Any]:
    window = describe(list(rows[paging.offset : paging.offset + paging.limit]))
    count, exact = capped_count(rows)
    return {
        "count": count,
        "count_is_exact": exact,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [to_item(row) for row in window],
    }


def _body(body: Body) -> dict[str, Any]:
    """A body as a row of the register (see ``describe_rows``)."""
    return {
        "number": body.number,
        "kind": body.kind,
        "name": body.name,
        "uscc": body.uscc,
        "address": body.address,
        "region": body.region,
        "status": body.status,
        "status_since": body.status_since,
        "status_reason": body.status_reason or None,  # type: ignore[attr-defined]
        "approved_on": body.approved_on,
        "valid_until": body.valid_until,
        "schemes": body.schemes,  # type: ignore[attr-defined]
    }


def _body_ref(body: Body) -> dict[str, Any]:
    return {"number": body.number, "name": body.name, "region": body.region, "status": body.status}


@router.get("/bodies", response=BodyPage, summary="Search the register of bodies and labs")
def list_bodies(request: HttpRequest, query: Query[BodyQuery]) -> dict[str, Any]:
    """Listed certification bodies and labs, ordered by number. Withdrawn and cancelled ones stay listed."""
    rows = _search(BodyFilter(_filter_data(query), queryset=listed_bodies()))
    return _page(rows.order_by("number", "pk"), query, _body, describe_rows)


@router.get("/bodies/{number}", response=BodyDetailOut, summary="One body or lab by its number")
def get_body(request: HttpRequest, number: str) -> dict[str, Any]:
    page = body_page(get_listed_body(number))
    body: Body = describe_rows([page["body"]])[0]  # type: ignore[list-item]
    head_office = page["head_office"]
    return _body(body) | {
        "head_office": _body_ref(head_office) if isinstance(head_office, Body) else None,
        "scope": [
            {
                "scheme": line.scheme or None,
                "category": line.category,
                "standards": line.standards,
                "granted_on": line.granted_on,
            }
            for line in page["scope"]
        ],
        "accreditations": page["accreditations"],
        "history": page["history"],
        "branches": [_body_ref(branch) for branch in page["branches"]],
    }


def _person(person: Person) -> dict[str, Any]:
    employments: list[Employment] = person.current_employments  # type: ignore[attr-defined]
    employer = (
        {
            "number": employments[0].body.number,
            "name": employments[0].body.name,
            "since": employments[0].started_on,
        }
        if employments
        else None
    )
    return {
        "registration_number": person.registration_number,
        "name": person.name,
        "status": person.status,
        "status_since": person.status_since,
        "qualifications": person.all_qualifications,  # type: ignore[attr-defined]
        "employer": employer,
    }


@router.get("/personnel", response=PersonPage, summary="Search the register of certification personnel")
def list_personnel(request: HttpRequest, query: Query[PersonQuery]) -> dict[str, Any]:
    rows = _search(PersonFilter(_filter_data(query), queryset=registered_people()))
    return _page(with_person_rows(rows.order_by("registration_number", "pk")), query, _person)


@router.get(
    "/personnel/{registration_number}", response=PersonOut, summary="One person by registration number"
)
def get_registered_person(request: HttpRequest, registration_number: str) -> dict[str, Any]:
    return _person(get_person(registration_number))
