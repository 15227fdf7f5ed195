"""The catalogue API: import checks as customs systems send them, and the public catalogue, changes, HS table
and self-declaration endpoints, checked against the OpenAPI schema's shapes."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from certis.accounts.services import issue_api_token
from certis.catalogue.api import ImportCheckOut
from certis.catalogue.models import ImportCheck

from .conftest import MAKER_USCC, CatWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def customs_client(cat_world: CatWorld) -> Client:
    _token, secret = issue_api_token(
        acting_user=cat_world.officer, organisation=cat_world.customs, name="H2018"
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, payload: dict[str, Any]) -> Any:
    return client.post(reverse("api:import_checks"), payload, content_type="application/json")


def test_a_declaration_gets_a_verdict_per_line_in_order(customs_client: Client, cat_world: CatWorld) -> None:
    payload = {
        "reference": "530120260000123456",
        "declared_on": "2026-03-02",
        "importer_uscc": MAKER_USCC,
        "lines": [
            {"hs_code": "8516.6010.00", "number": "2025010718000001", "model": "MY-FB40A", "quantity": 200},
            {"hs_code": 8471300000, "product_name": "笔记本电脑"},
            {"hs_code": "8516601000"},
            {"hs_code": "8516601000", "exemption": "免办证明 2026-01"},
            {"hs_code": "85166010", "number": "2025010718000001"},
            {"hs_code": "8516601000", "number": "NOPE-1"},
            {"hs_code": "8516.6010.00", "number": "2025010718000001", "model": "MY-FB40A", "quantity": 200},
            {"hs_code": None, "importer_uscc": "not a uscc"},
        ],
    }
    response = post(customs_client, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    ImportCheckOut.model_validate(body)  # the answer is rendered by hand: hold it to the documented schema
    assert [(line["verdict"], line["reason_code"]) for line in body["lines"]] == [
        ("covered", "certificate_valid"),
        ("not_in_catalogue", "hs_not_in_catalogue"),
        ("missing", "no_document"),
        ("exempt", "exemption_declared"),
        ("invalid", "bad_hs_code"),
        ("invalid", "unknown_number"),
        ("covered", "certificate_valid"),
        ("invalid", "missing_hs_code"),
    ]
    assert body["lines"][6]["duplicate_of"] == 1
    assert body["lines"][0]["document"]["holder_uscc"] == MAKER_USCC
    assert body["counts"] == {"not_in_catalogue": 1, "covered": 2, "missing": 1, "invalid": 3, "exempt": 1}
    assert body["lane"] == "before_release"
    check = ImportCheck.objects.get(pk=body["id"])
    assert (check.source, check.token.organisation, check.line_count) == ("api", cat_world.customs, 8)


def test_reasons_come_in_the_language_asked_for(customs_client: Client) -> None:
    """Chinese first: Accept-Language is ignored; the language cookie chooses."""
    payload = {"lines": [{"hs_code": "8516601000", "importer_uscc": MAKER_USCC}], "declared_on": "2026-03-02"}

    def reason(language: str) -> str:
        customs_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = customs_client.post(
            reverse("api:import_checks"), payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 201
        return str(response.json()["lines"][0]["reason"])

    assert "is needed" in reason("en")
    assert "需提供CCC 证书" in reason("zh-hans")


@pytest.mark.parametrize(
    "payload",
    [
        {"lines": []},
        {"lines": [{"hs_code": "8516601000"}] * 2001},
        {"lines": "8516601000"},
        {},
        {"lines": [{"hs_code": {"a": 1}}]},
        {"lines": [{}], "declared_on": "2026-02-30"},
    ],
)
def test_what_is_not_a_declaration_is_refused_whole_with_a_message(
    customs_client: Client, payload: Any
) -> None:
    response = post(customs_client, payload)
    assert response.status_code in (400, 422)
    assert ImportCheck.objects.count() == 0


def test_empty_lines_are_lines_with_a_verdict(customs_client: Client) -> None:
    response = post(customs_client, {"lines": [{}, {"hs_code": "", "number": "\u0000"}]})
    assert response.status_code == 201
    assert [line["verdict"] for line in response.json()["lines"]] == ["invalid", "invalid"]


def test_the_catalogue_on_a_day_and_its_changes_are_public(cat_world: CatWorld) -> None:
    client = Client()
    on_2019 = client.get(reverse("api:catalogue"), {"on": "2019-01-01"}).json()
    assert on_2019["on"] == "2019-01-01"
    assert {p["code"]: p["route"] for p in on_2019["products"]}["0302"] == "either"
    changes = client.get(
        reverse("api:catalogue_changes"), {"start": "2018-01-01", "end": "2020-06-01"}
    ).json()
    assert {c["code"]: c["change"] for c in changes} == {
        "0302": "changed",
        "0507": "removed",
        "0704": "changed",
    }
    assert (
        client.get(reverse("api:catalogue_changes"), {"start": "nope", "end": "2020-06-01"}).status_code
        == 422
    )


def test_the_hs_table_is_searched_through_the_api(cat_world: CatWorld) -> None:
    rows = Client().get(reverse("api:hs_codes"), {"q": "電飯鍋", "on": "2026-01-01"}).json()
    assert [(r["hs_code"], r["product_code"]) for r in rows] == [("8516601000", "0718")]
    assert Client().get(reverse("api:hs_codes"), {"q": ""}).status_code == 422


def test_a_public_self_declaration_is_verified_by_number(cat_world: CatWorld) -> None:
    valid = cat_world.declarations["valid"]
    body = Client().get(reverse("api:self_declaration", args=[valid.number.lower()])).json()
    assert (body["number"], body["status"], body["declarant_uscc"]) == (valid.number, "valid", MAKER_USCC)
    assert body["models"] == ["MY-B63", "MY-B32"]
    hidden = cat_world.declarations["hidden"].number
    assert Client().get(reverse("api:self_declaration", args=[hidden])).status_code == 404
    assert Client().get(reverse("api:self_declaration", args=["SD1"])).status_code == 404


def test_the_endpoints_are_in_the_openapi_document() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/import-checks",
        "/api/v1/catalogue",
        "/api/v1/catalogue/changes",
        "/api/v1/hs-codes",
        "/api/v1/self-declarations/{number}",
    ):
        assert path in paths
