"""The API's edges (issue 10): bounded integers, text without control characters, bounded JSON nesting, JSON
errors everywhere under /api/, and a document that lists every answer with valid examples."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from certis.accounts.models import Organisation, User
from certis.accounts.services import issue_api_token
from certis.api import api
from certis.bodies.applications.forms import NewApplicationForm
from certis.catalogue.forms import ImportCheckForm
from certis.certificates.tests.conftest import CertWorld, cert_world  # noqa: F401
from certis.core.apischema import MAX_JSON_DEPTH
from certis.core.identifiers import clean_uscc

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**64


def _bearer(user: User, organisation: Organisation) -> Client:
    _token, secret = issue_api_token(acting_user=user, organisation=organisation, name="系统")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def applicant_api(app_applicant: User, app_new_body: Organisation) -> Client:
    return _bearer(app_applicant, app_new_body)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/applications",
        "/api/v1/register/bodies",
        "/api/v1/register/personnel",
        "/api/v1/certificates?q=x",
    ],
)
def test_an_offset_beyond_64_bits_is_refused_naming_it(applicant_api: Client, url: str) -> None:
    joiner = "&" if "?" in url else "?"
    response = applicant_api.get(f"{url}{joiner}offset={BEYOND_64_BITS}")
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["offset"]


@pytest.mark.parametrize("text", ["中国\x00质量", "a\x01b", "line\nbreak"])
def test_a_control_character_in_an_application_is_refused_naming_the_field(
    applicant_api: Client, text: str
) -> None:
    payload = {
        "kind": "approval",
        "body": {"name": text, "uscc": "91440606722473701M", "address": "北京", "region": "北京"},
    }
    response = applicant_api.post("/api/v1/applications", payload, content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "name"
    assert error["type"] == "control_character"
    assert error["msg"].startswith("name may not hold control characters")


def test_a_summary_may_hold_line_breaks_but_no_nul(applicant_api: Client) -> None:
    payload = {"kind": "renewal", "summary": "第一行\n第二行\t续\x00"}
    response = applicant_api.post("/api/v1/applications", payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "summary"
    payload["summary"] = "第一行\r\n第二行\t续"
    response = applicant_api.post("/api/v1/applications", payload, content_type="application/json")
    assert response.status_code != 422


def test_a_control_character_in_an_import_check_is_refused_naming_the_field(
    app_applicant: User, app_new_body: Organisation
) -> None:
    client = _bearer(app_applicant, app_new_body)
    payload = {"reference": "5301\x00", "lines": [{"hs_code": "8516601000"}], "importer_uscc": "9\x01"}
    response = client.post("/api/v1/import-checks", payload, content_type="application/json")
    assert response.status_code == 422
    places = [error["loc"] for error in response.json()["detail"] if error["type"] == "control_character"]
    assert places == [["body", "payload", "reference"], ["body", "payload", "importer_uscc"]]


def test_forms_refuse_control_characters_but_text_areas_keep_tabs_and_line_breaks(
    app_new_body: Organisation,
) -> None:
    organisations = Organisation.objects.filter(pk=app_new_body.pk)
    data = {"applicant": app_new_body.pk, "kind": "approval", "name": "中国\x07质量", "summary": "一\n二\t三"}
    with translation.override("en"):
        form = NewApplicationForm(data, organisations=organisations)
        assert not form.is_valid()
    assert set(form.errors) == {"name"}
    assert "may not hold control characters" in form.errors["name"][0]
    checked = ImportCheckForm({"lines": "8516601000\tMY-FB40\r\n8471300000,,\x1b", "reference": "1"})
    assert not checked.is_valid()
    assert "lines" in checked.errors
    assert ImportCheckForm({"lines": "8516601000\tMY-FB40\r\n8471300000"}).is_valid()


def test_a_body_nested_too_deeply_is_refused_with_400(applicant_api: Client) -> None:
    deep: Any = "x"
    for _level in range(MAX_JSON_DEPTH + 1):
        deep = [deep]
    payload = json.dumps({"kind": "renewal", "summary": "", "scope": deep})
    response = applicant_api.post("/api/v1/applications", payload, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in response.json()["detail"]
    very_deep = "[" * 100_000 + "]" * 100_000  # beyond Python's recursion limit
    response = applicant_api.post("/api/v1/certificates/verify", very_deep, content_type="application/json")
    assert response.status_code == 400


def test_an_unknown_api_address_answers_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/").headers["Content-Type"].startswith("text/html")


def test_a_missing_token_answers_401_in_json(client: Client) -> None:
    response = client.get("/api/v1/whoami", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "API token" in response.json()["detail"]


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = api.get_openapi_schema()
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_document_lists_the_errors_ninja_answers() -> None:
    for method, path, operation in _operations():
        answers = operation["responses"]
        where = f"{method} {path}"
        if operation.get("security"):
            assert "401" in answers or 401 in answers, where
        if operation.get("parameters") or operation.get("requestBody"):
            schema = (answers.get(422) or answers.get("422"))["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ApiValidationError"}, where
        if "{" in path:
            assert 404 in answers or "404" in answers, where


def _examples(value: Any, key: str = "") -> list[tuple[str, Any]]:
    found = []
    if isinstance(value, dict):
        for name, item in value.items():
            if name in {"examples", "example"}:
                found += [(key, example) for example in (item if name == "examples" else [item])]
            found += _examples(item, name if name not in {"properties", "schema"} else key)
    elif isinstance(value, list):
        for item in value:
            found += _examples(item, key)
    return found


def _usccs(key: str, example: Any) -> list[str]:
    if isinstance(example, dict):
        return [u for name, item in example.items() for u in _usccs(name, item)]
    if isinstance(example, list):
        return [u for item in example for u in _usccs(key, item)]
    return [example] if "uscc" in key and isinstance(example, str) and example else []


def test_every_example_uscc_is_a_valid_uscc() -> None:
    usccs = [u for key, example in _examples(api.get_openapi_schema()) for u in _usccs(key, example)]
    assert usccs
    for uscc in usccs:
        assert clean_uscc(uscc) == uscc


def test_a_nul_anywhere_in_a_certificate_report_is_refused_naming_where(
    cert_world: CertWorld,  # noqa: F811
    report_token: dict[str, str],
) -> None:
    payload = {"certificates": [{"number": "CCC1", "holder_name": "美的\x00集团"}]}
    response = Client(headers={**report_token, "Accept-Language": "en"}).post(
        "/api/v1/certificate-reports", payload, content_type="application/json"
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["msg"].startswith("certificates[0].holder_name may not hold control characters")


def test_api_messages_follow_accept_language(client: Client) -> None:
    english = client.get("/api/v1/certificates/NOPE-1", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    chinese = client.get("/api/v1/certificates/NOPE-1", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
    assert english.startswith("No certificate numbered NOPE-1")
    assert chinese != english
