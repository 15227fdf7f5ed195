"""The public verification API (``/api/v1/certificates``): one certificate by number, search, bulk
verification; answers as the OpenAPI document says, public fields only, clear 4xx answers, and anonymous
callers held to their rate with a 429 that says what to do."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from certis.accounts.services import issue_api_token
from certis.certificates.api.public import MAX_NUMBERS, parse_rate
from certis.certificates.tests.public_fixtures import (
    SUSPENSION_REASON,
    TRADITIONAL_USCC,
    WITHDRAWAL_REASON,
    PubWorld,
)
from certis.core.testing import client_for
from certis.core.testing.openapi import check

pytestmark = pytest.mark.django_db

API = "/api/v1/certificates"


def english() -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def get(path: str, client: Client | None = None, **params: Any) -> Any:
    response = (client or english()).get(API + path, params)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response


def one(number: str, **params: Any) -> Any:
    return get("/" + quote(number), **params)


def verify(numbers: Any, client: Client | None = None, **headers: str) -> Any:
    return (client or english()).post(
        API + "/verify", {"numbers": numbers}, content_type="application/json", headers=headers
    )


def document() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


def schema_of(doc: dict[str, Any], path: str, method: str = "get", status: int = 200) -> dict[str, Any]:
    answer = doc["paths"]["/api/v1/certificates" + path][method]["responses"][str(status)]
    return answer["content"]["application/json"]["schema"]


# One certificate by number


def test_a_certificate_states_its_status_validity_and_what_it_covers(pub_world: PubWorld) -> None:
    response = one("2025010101000001")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["valid_until"], body["status_since"]) == (
        "valid",
        "2030-05-31",
        "2025-06-01",
    )
    assert body["body"] == {"number": "CNCA-R-2002-001", "name": "中国质量认证中心"}
    assert body["holder"] == {
        "name": "美的集团股份有限公司",
        "address": "广东省佛山市顺德区北滘镇美的大道6号",
        "uscc": pub_world.valid.holder.uscc,
    }
    assert (body["scheme"], body["product"], body["product_code"]) == ("ccc", "电饭锅", "0705")
    assert body["models"] == ["MB-FB40", "MB-FB50"]
    assert body["standards"] == ["GB 4706.1-2005"]
    assert body["url"] == reverse("certificates:detail", args=["CNCA-R-2002-001", "2025010101000001"])


def test_the_answer_holds_the_signatorys_name_and_registration_number_only(pub_world: PubWorld) -> None:
    w = pub_world.world
    w.signatory.refresh_from_db()
    body = one("2025010101000001").json()
    assert body["signatory"] == {"name": "王建华", "registration_number": "2020-NQA-100001"}
    text = str(body)
    for secret in (
        w.signatory.id_number_masked,
        w.signatory.id_number_digest,
        w.staff.username,
        "senior",
        "'id'",
        "reported_by",
        "import_job",
    ):
        assert secret not in text, secret


@pytest.mark.parametrize(
    ("which", "status", "since", "until", "reason"),
    [
        ("suspended", "suspended", "today", "+90", SUSPENSION_REASON),
        ("withdrawn", "withdrawn", "today", None, WITHDRAWAL_REASON),
        ("cancelled", "cancelled", "today", None, "获证组织申请注销。"),
        ("expired", "expired", "2023-03-02", None, None),
        ("lapsed", "expired", "2023-03-02", None, "Expired on its expiry date."),
    ],
)
def test_each_status_is_stated_with_its_date(
    pub_world: PubWorld, which: str, status: str, since: str, until: str | None, reason: str | None
) -> None:
    certificate = getattr(pub_world, which)
    body = one(certificate.number, body=certificate.body.number).json()
    today = pub_world.today
    expected_since = today.isoformat() if since == "today" else since
    expected_until = (today + dt.timedelta(days=90)).isoformat() if until else None
    assert (body["status"], body["status_since"], body["suspended_until"]) == (
        status,
        expected_since,
        expected_until,
    )
    if reason is not None:
        assert body["status_reason"] == reason


@pytest.mark.parametrize("typed", ["２０２５０１０１０１０００００１", " 2025 0101 0100 0001"])
def test_a_number_is_found_whatever_its_width_or_spacing(pub_world: PubWorld, typed: str) -> None:
    response = one(typed)
    assert response.status_code == 200 and response.json()["number"] == "2025010101000001"


def test_an_unknown_number_says_what_not_found_means(pub_world: PubWorld) -> None:
    response = one("FAKE-0001")
    assert response.status_code == 404
    body = response.json()
    assert "No certificate numbered FAKE-0001 is in the registry." in body["detail"]
    assert "may be fake, or not yet reported by its body" in body["detail"]
    assert body["report_url"] == reverse("certificates:report_suspect") + "?" + urlencode(
        {"number": "FAKE-0001"}
    )


def test_a_number_used_by_two_bodies_is_a_409_naming_them_and_body_picks_one(pub_world: PubWorld) -> None:
    response = one("2025SHARED001")
    assert response.status_code == 409
    body = response.json()
    assert [b["number"] for b in body["bodies"]] == ["CNCA-R-2002-001", "CNCA-R-2002-002"]
    assert "?body=" in body["detail"]
    picked = one("2025SHARED001", body="cnca-r-2002-002")
    assert picked.status_code == 200
    assert (picked.json()["number"], picked.json()["body"]["number"]) == ("2025shared001", "CNCA-R-2002-002")
    assert one("2025010101000001", body="CNCA-R-2002-002").status_code == 404  # not that body's
    assert one("2025010101000001", body="CNCA-R-2002-001").status_code == 200


def test_a_number_with_a_slash_and_unreadable_numbers(pub_world: PubWorld) -> None:
    from certis.bodies.models import Scheme
    from certis.certificates.tests.conftest import cert_report

    cert_report(pub_world.world, Scheme.MANAGEMENT_SYSTEM, number="00124Q31234R1M/3200")
    assert get("/00124Q31234R1M/3200").json()["number"] == "00124Q31234R1M/3200"
    assert get("/" + "9" * 300).status_code == 404
    assert get("/a%00b").status_code == 404
    assert one("2025010101000001", body="a\x00b").status_code == 404


# Search


@pytest.mark.parametrize(
    ("query", "kind", "numbers"),
    [
        ("華美電器", "holder", ["2025MS0001"]),  # traditional, as stored
        ("华美电器（集团）", "holder", ["2025MS0001"]),  # simplified, full-width brackets
        ("华美 电器 (集团)", "holder", ["2025MS0001"]),  # spaces, half-width brackets
        ("美的集團股份", "holder", ["2025010101000001"]),  # traditional query, simplified name
        (TRADITIONAL_USCC, "uscc", ["2025MS0001"]),
        ("ＭＢ－ＦＢ４０", "product", ["2025010101000001"]),
        ("2025010101000003", "number", ["2025010101000003"]),
    ],
)
def test_the_search_finds_in_either_script_and_by_uscc_model_or_number(
    pub_world: PubWorld, query: str, kind: str, numbers: list[str]
) -> None:
    body = get("", q=query).json()
    assert body["kind"] == kind
    assert [item["number"] for item in body["items"]] == numbers
    assert (body["count"], body["count_is_exact"], body["capped"]) == (len(numbers), True, False)


def test_the_search_states_each_status_and_pages(pub_world: PubWorld) -> None:
    body = get("", q="正泰电器", limit=3, offset=2).json()
    assert body["count"] == 7 and (body["limit"], body["offset"]) == (3, 2)
    assert [(i["number"], i["status"]) for i in body["items"]] == [
        ("2025010101000002", "suspended"),
        ("2025010101000003", "withdrawn"),
        ("2025SHARED001", "valid"),
    ]
    assert body["items"][0]["suspended_until"] == (pub_world.today + dt.timedelta(days=90)).isoformat()
    filtered = get("", q="正泰电器", status="expired").json()
    assert [i["number"] for i in filtered["items"]] == ["2020SV0005", "2020SV0006"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 101},
        {"q": "正泰", "limit": 500},
        {"q": "正泰", "status": "lost"},
        {"q": "正泰", "by": "x"},
    ],
)
def test_bad_search_parameters_are_a_422_that_names_them(pub_world: PubWorld, params: dict[str, Any]) -> None:
    response = get("", **params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


# Bulk verification


def test_bulk_verification_answers_each_number_in_order(pub_world: PubWorld) -> None:
    response = verify(["2025010101000002", "FAKE-1", "2025shared001", "２０２５０１０１０１０００００１"])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["number"], r["found"], r["ambiguous"], r["status"]) for r in results] == [
        ("2025010101000002", True, False, "suspended"),
        ("FAKE-1", False, False, None),
        ("2025shared001", True, True, None),
        ("２０２５０１０１０１０００００１", True, False, "valid"),
    ]
    assert results[0]["matches"][0]["holder_name"] == "浙江正泰电器股份有限公司"
    assert results[3]["valid_until"] == "2030-05-31"
    assert [m["body"]["number"] for m in results[2]["matches"]] == ["CNCA-R-2002-001", "CNCA-R-2002-002"]
    assert results[1]["matches"] == []


def test_bulk_verification_takes_up_to_a_thousand_numbers_in_one_query(pub_world: PubWorld) -> None:
    numbers = [f"FAKE-{i}" for i in range(MAX_NUMBERS - 1)] + ["2025010101000001"]
    with CaptureQueriesContext(connection) as captured:
        response = verify(numbers)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == MAX_NUMBERS and results[-1]["status"] == "valid"
    assert len(captured) == 1


@pytest.mark.parametrize(
    "numbers", [[], ["1"] * (MAX_NUMBERS + 1), ["x" * 101], "2025010101000001", [1, None]]
)
def test_bulk_verification_refuses_a_bad_list_with_a_422(pub_world: PubWorld, numbers: Any) -> None:
    response = verify(numbers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "payload"]


def test_bulk_verification_refuses_what_is_not_json(db: Any) -> None:
    response = english().post(API + "/verify", "numbers=1", content_type="application/json")
    assert response.status_code in (400, 422)


# The OpenAPI document


def test_the_answers_match_the_openapi_document(pub_world: PubWorld) -> None:
    doc = document()
    check(one("2025010101000001").json(), schema_of(doc, "/{number}"), doc)
    check(one("2025010101000002").json(), schema_of(doc, "/{number}"), doc)
    check(one("2025MS0001").json(), schema_of(doc, "/{number}"), doc)  # with sites, no product
    check(one("FAKE-1").json(), schema_of(doc, "/{number}", status=404), doc)
    check(one("2025SHARED001").json(), schema_of(doc, "/{number}", status=409), doc)
    check(get("", q="正泰电器").json(), schema_of(doc, ""), doc)
    check(verify(["2025SHARED001", "FAKE-1", "2025SV0004"]).json(), schema_of(doc, "/verify", "post"), doc)


def test_the_openapi_document_lists_the_endpoints_open_to_anyone_with_their_429(db: Any) -> None:
    doc = document()
    operations = {
        ("/{number}", "get"): {"200", "404", "409", "429"},
        ("", "get"): {"200", "429"},
        ("/verify", "post"): {"200", "429"},
    }
    for (path, method), statuses in operations.items():
        operation = doc["paths"][API + path][method]
        assert statuses <= set(operation["responses"]), (path, method)
        assert not operation.get("security")


@pytest.mark.parametrize("who", ["staff", "other", "anonymous"])
def test_the_api_is_open_to_everyone(pub_world: PubWorld, who: str) -> None:
    w = pub_world.world
    client = {"staff": client_for(w.staff), "other": client_for(w.other_staff), "anonymous": Client()}[who]
    assert get("/2025010101000001", client).status_code == 200
    assert get("", client, q="美的集团").json()["count"] == 1
    assert verify(["2025010101000001"], client).status_code == 200


# Rate limits


def test_anonymous_callers_get_a_429_that_says_when_to_try_again(pub_world: PubWorld, settings: Any) -> None:
    settings.CERTIFICATES_ANON_RATE = "3/min"
    statuses = [one("2025010101000001").status_code, get("", q="x").status_code, verify(["1"]).status_code]
    assert statuses == [200, 200, 200]
    refused = one("2025010101000001")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    detail = refused.json()["detail"]
    assert "Too many requests from your address: at most 3 in 60 seconds" in detail
    assert f"Try again in {refused['Retry-After']} seconds" in detail
    assert verify(["1"]).status_code == 429 and get("", q="美的").status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.9").get(API + "/2025010101000001").status_code == 200  # another address


def test_bad_calls_count_too(db: Any, settings: Any) -> None:
    settings.CERTIFICATES_ANON_RATE = "2/min"
    assert [get("", q="").status_code for _ in range(3)] == [422, 422, 429]


def test_callers_with_a_token_are_counted_by_token_at_their_rate(pub_world: PubWorld, settings: Any) -> None:
    settings.CERTIFICATES_ANON_RATE = "1/min"
    settings.CERTIFICATES_TOKEN_RATE = "3/min"
    w = pub_world.world
    _token, secret = issue_api_token(acting_user=w.staff, organisation=w.body.organisation, name="verify")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = english()
    assert [client.get(API + "/2025SV0004", **bearer).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get(API + "/2025SV0004", **bearer)
    assert "Too many requests with this API token: at most 3 in 60 seconds" in refused.json()["detail"]
    # A token that is not valid counts as none: the anonymous rate.
    forged = {"HTTP_AUTHORIZATION": "Bearer ct_not-a-token"}
    assert [client.get(API + "/2025SV0004", **forged).status_code for _ in range(2)] == [200, 429]


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("120/min", (120, 60)), ("10/5s", (10, 5)), (" 2 / hour ", (2, 3600)), ("1/d", (1, 86400))],
)
def test_rates_are_read_from_settings(rate: str, parsed: tuple[int, int]) -> None:
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "120", "120/fortnight", "a/min", "-1/min"])
def test_a_bad_rate_setting_is_a_configuration_error(rate: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="count/period"):
        parse_rate(rate)
