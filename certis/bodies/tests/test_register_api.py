"""The public read-only API of the registers: the same search as the pages, answers as the OpenAPI document
says, the public's fields only, and clear 4xx answers to bad parameters."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from certis.bodies.models import Body
from certis.bodies.register import services as register
from certis.core.testing.openapi import check

from .conftest import WITHDRAWAL_REASON, RegWorld, reg_body

pytestmark = [pytest.mark.django_db, pytest.mark.urls("certis.bodies.tests.api_urls")]

API = "/register-api/v1/register"


def get(path: str, **params: Any) -> Any:
    response = Client().get(API + path, params)
    assert response["Content-Type"].startswith("application/json")
    return response


def document() -> dict[str, Any]:
    return Client().get("/register-api/openapi.json").json()


def schema_of(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return doc["paths"]["/register-api" + path]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_the_register_lists_bodies_by_number_without_the_applying_ones(reg_world: RegWorld) -> None:
    body = get("/bodies").json()
    assert [item["number"] for item in body["items"]] == [
        "160012050101",
        "CNCA-R-2002-001",
        "CNCA-R-2002-002",
        "CNCA-R-2002-003",
        "CNCA-R-2002-011",
        "CNCA-R-2016-021",
    ]
    assert (body["count"], body["count_is_exact"], body["limit"], body["offset"]) == (6, True, 50, 0)
    assert "未批准认证有限公司" not in str(body)


def test_search_by_name_in_either_script_and_by_number(reg_world: RegWorld) -> None:
    assert numbers(get("/bodies", q="中國質量認證中心")) == ["CNCA-R-2002-001", "CNCA-R-2002-011"]
    assert numbers(get("/bodies", q="华夏认证")) == ["CNCA-R-2002-003"]  # registered in traditional
    assert numbers(get("/bodies", q="cnca-r-2016")) == ["CNCA-R-2016-021"]
    assert numbers(get("/bodies", number="CNCA-R-2002-00")) == [
        "CNCA-R-2002-001",
        "CNCA-R-2002-002",
        "CNCA-R-2002-003",
    ]


def test_filters_by_kind_scheme_region_and_status(reg_world: RegWorld) -> None:
    assert numbers(get("/bodies", kind="lab")) == ["160012050101"]
    assert numbers(get("/bodies", scheme="ccc")) == ["CNCA-R-2002-001"]
    assert numbers(get("/bodies", region="廣東", kind="certification_body")) == ["CNCA-R-2016-021"]
    assert numbers(get("/bodies", status="suspended")) == ["CNCA-R-2002-003"]


def test_a_withdrawn_body_is_listed_with_its_date_and_reason(reg_world: RegWorld) -> None:
    (item,) = get("/bodies", status="withdrawn").json()["items"]
    assert (item["status"], item["status_since"], item["status_reason"]) == (
        "withdrawn",
        "2025-11-03",
        WITHDRAWAL_REASON,
    )
    assert item["schemes"] == ["organic"]


def test_paging_with_limit_and_offset(reg_world: RegWorld) -> None:
    page = get("/bodies", limit=2, offset=2).json()
    assert [item["number"] for item in page["items"]] == ["CNCA-R-2002-002", "CNCA-R-2002-003"]
    assert (page["count"], page["limit"], page["offset"]) == (6, 2, 2)


def test_the_count_stops_at_the_cap(reg_world: RegWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("certis.core.listing.COUNT_CAP", 4)
    page = get("/bodies").json()
    assert (page["count"], page["count_is_exact"], len(page["items"])) == (4, False, 6)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"scheme": "cosmetics"},
        {"status": "applying"},
        {"kind": "shop"},
        {"q": "中" * 101},
        {"q": "中\x00国"},
        {"number": "CNCA" * 9},
    ],
)
def test_bad_parameters_get_a_422_naming_them(reg_world: RegWorld, params: dict[str, Any]) -> None:
    response = get("/bodies", **params)
    assert response.status_code == 422
    assert {error["loc"][-1] for error in response.json()["detail"]} == set(params)


def test_one_body_with_scope_accreditation_history_and_branches(reg_world: RegWorld) -> None:
    body = get("/bodies/CNCA-R-2002-001").json()
    assert (body["name"], body["kind"], body["status"], body["head_office"]) == (
        "中国质量认证中心",
        "certification_body",
        "approved",
        None,
    )
    assert [(line["scheme"], line["category"]) for line in body["scope"]] == [
        ("ccc", "家用和类似用途设备"),
        ("ccc", "电线电缆"),
        ("management_system", "质量管理体系"),
    ]
    assert [a["number"] for a in body["accreditations"]] == ["CNAS C001-M"]
    assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [("applying", "approved")]
    assert body["branches"] == [
        {
            "number": "CNCA-R-2002-011",
            "name": "中国质量认证中心上海分中心",
            "region": "上海",
            "status": "approved",
        }
    ]
    branch = get("/bodies/CNCA-R-2002-011").json()
    assert branch["head_office"]["number"] == "CNCA-R-2002-001"


def test_a_lab_by_its_qualification_number(reg_world: RegWorld) -> None:
    lab = get("/bodies/160012050101").json()
    assert (lab["kind"], lab["schemes"], [line["scheme"] for line in lab["scope"]]) == (
        "lab",
        [],
        [None, None],
    )


def test_unknown_and_unlisted_bodies_are_not_found(reg_world: RegWorld) -> None:
    Body.objects.filter(pk=reg_world.applying.pk).update(number="CNCA-R-2026-999")  # numbered, still applying
    for number in ["CNCA-R-1999-999", "CNCA-R-2026-999", "x\x00"]:
        assert get(f"/bodies/{number}").status_code == 404


def test_personnel_search_and_one_person_show_the_public_fields_only(reg_world: RegWorld) -> None:
    page = get("/personnel", q="张伟").json()  # registered as 張偉
    assert page["count"] == 1
    (item,) = page["items"]
    assert set(item) == {
        "registration_number",
        "name",
        "status",
        "status_since",
        "qualifications",
        "employer",
    }
    assert (item["name"], item["employer"]["number"]) == ("張偉", "CNCA-R-2002-002")
    person = get(f"/personnel/{reg_world.auditor.registration_number}").json()
    assert person["qualifications"][0]["schemes"] == ["management_system"]
    assert person["qualifications"][0]["field_codes"] == ["19.05.01"]


def test_no_answer_carries_an_identity_number_in_any_form(reg_world: RegWorld) -> None:
    secrets = []
    for person, number in [
        (reg_world.auditor, reg_world.auditor_id),
        (reg_world.inspector, reg_world.inspector_id),
    ]:
        person.refresh_from_db()
        secrets += [
            number,
            person.id_number_masked,
            person.id_number_digest,
            person.id_number_sealed,
            number[-4:],
        ]
    answers = [get("/personnel").content.decode()] + [
        get(f"/personnel/{p.registration_number}").content.decode()
        for p in (reg_world.auditor, reg_world.inspector)
    ]
    assert all(secret not in answer for secret in secrets for answer in answers)


def test_personnel_filters(reg_world: RegWorld) -> None:
    def names(**params: Any) -> list[str]:
        response = get("/personnel", **params)
        assert response.status_code == 200
        return [item["name"] for item in response.json()["items"]]

    assert names(scheme="ccc") == ["張偉"]
    assert names(role="auditor") == ["王建华"]
    assert names(role="auditor", scheme="ccc") == []
    assert names(employer="cnca-r-2002-001") == ["王建华"]
    assert names(q="2022-ccc") == ["張偉"]
    assert get("/personnel", status="retired").status_code == 422
    assert get("/personnel/nobody").status_code == 404


def test_the_answers_match_the_openapi_document(reg_world: RegWorld) -> None:
    doc = document()
    paths = {
        "/v1/register/bodies": "/bodies",
        "/v1/register/bodies/{number}": "/bodies/CNCA-R-2002-001",
        "/v1/register/personnel": "/personnel",
        "/v1/register/personnel/{registration_number}": f"/personnel/{reg_world.auditor.registration_number}",
    }
    for documented, path in paths.items():
        check(get(path).json(), schema_of(doc, documented), doc)
    check(get("/bodies", status="withdrawn").json(), schema_of(doc, "/v1/register/bodies"), doc)
    check(get("/bodies/160012050101").json(), schema_of(doc, "/v1/register/bodies/{number}"), doc)


def test_the_endpoints_need_no_token(reg_world: RegWorld) -> None:
    doc = document()
    operations = [doc["paths"][path]["get"] for path in doc["paths"] if "/v1/register/" in path]
    assert len(operations) == 4
    assert all(not operation.get("security") for operation in operations)


def test_the_list_does_not_query_per_row(reg_world: RegWorld, reg_staff: Any) -> None:
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(path).status_code == 200
        return len(captured)

    before_bodies, before_people = queries("/bodies"), queries("/personnel")
    for index in range(6):
        body = reg_body(reg_staff, f"新增认证有限公司{index}", f"9111000010000{index:04d}", number="")
        register.change_body_status(acting_user=reg_staff, body=body, status="suspended", reason="暂停")
        person = register.register_person(
            acting_user=reg_staff,
            name=f"新人{index}",
            identity_number=reg_identity(index),
            registration_number=f"2026-NEW-{index}",
        )
        register.employ_person(acting_user=reg_staff, person=person, body=body, started_on=body.approved_on)
    assert (queries("/bodies"), queries("/personnel")) == (before_bodies, before_people)
    assert before_bodies == 4  # count, page, scope, reasons


def reg_identity(index: int) -> str:
    from .conftest import reg_identity_number

    return reg_identity_number(f"3101041982051{index:04d}")


def _values(schemas: dict[str, Any], node: dict[str, Any]) -> list[str]:
    """The values an OpenAPI schema lists, through references, nullable unions and lists."""
    while "enum" not in node:
        if "$ref" in node:
            node = schemas[node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            node = next(option for option in node["anyOf"] if option.get("type") != "null")
        else:
            node = node["items"]
    values: list[str] = node["enum"]
    return values


def _enum_of(document: dict[str, Any], schema: str, field: str) -> list[str]:
    schemas = document["components"]["schemas"]
    return _values(schemas, schemas[schema]["properties"][field])


def _query_enum_of(document: dict[str, Any], path: str, parameter: str) -> list[str]:
    parameters = document["paths"][path]["get"]["parameters"]
    schema = next(p for p in parameters if p["name"] == parameter)["schema"]
    return _values(document["components"]["schemas"], schema)


def test_the_api_document_lists_the_models_choices() -> None:
    from certis.api import api
    from certis.bodies.models import Person, Qualification, Scheme
    from certis.bodies.register.lifecycle import LISTED_STATUSES

    document = api.get_openapi_schema()
    assert _enum_of(document, "BodyOut", "kind") == Body.Kind.values
    assert _enum_of(document, "BodyOut", "status") == Body.Status.values
    assert _enum_of(document, "BodyOut", "schemes") == Scheme.values
    assert _enum_of(document, "ScopeOut", "scheme") == Scheme.values
    assert _enum_of(document, "StatusChangeOut", "to_status") == Body.Status.values
    assert _enum_of(document, "PersonOut", "status") == Person.Status.values
    assert _enum_of(document, "QualificationOut", "role") == Qualification.Role.values
    assert _enum_of(document, "QualificationOut", "grade") == Qualification.Grade.values
    bodies, personnel = "/api/v1/register/bodies", "/api/v1/register/personnel"
    assert _query_enum_of(document, bodies, "status") == [str(s) for s in LISTED_STATUSES]
    assert _query_enum_of(document, bodies, "status") == [s for s in Body.Status.values if s != "applying"]
    assert _query_enum_of(document, bodies, "scheme") == Scheme.values
    assert _query_enum_of(document, bodies, "kind") == Body.Kind.values
    assert _query_enum_of(document, personnel, "status") == Person.Status.values
    assert _query_enum_of(document, personnel, "role") == Qualification.Role.values
