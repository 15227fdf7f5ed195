"""The verify page, certificates' QR codes, /.well-known/jwks.json and the codes API, for the three people:
body staff, another body's staff and the anonymous visitor all get the same public answers."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings

from certis.certificates.models import Certificate, SigningKey
from certis.certificates.services.keys import revoke_signing_key, rotate_signing_key
from certis.certificates.services.marks import issue_marks
from certis.certificates.services.registry import withdraw_certificate
from certis.certificates.signing import code_for
from certis.certificates.tests.code_fixtures import altered
from certis.certificates.tests.conftest import CertWorld, cert_report
from certis.core.testing import answer, client_for
from certis.core.testing.openapi import check

pytestmark = pytest.mark.django_db

VERIFY = "/certificates/verify/"


def english(user: Any = None) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def verdicts(response: Any) -> list[tuple[str, str]]:
    return re.findall(r'data-verdict="([a-z_]+)" data-reason="([a-z_]+)"', response.content.decode())


@pytest.fixture
def people(cert_world: CertWorld) -> dict[str, Any]:
    return {"staff": cert_world.staff, "other": cert_world.other_staff, "anonymous": None}


# The verify page.


@pytest.mark.parametrize("who", ["staff", "other", "anonymous"])
def test_everyone_gets_the_verify_page_and_its_answers(
    people: dict[str, Any], cert_certificate: Certificate, who: str
) -> None:
    client = english(people[who])
    empty = client.get(VERIFY)
    assert answer(empty) == 200
    assert 'name="code"' in empty.content.decode() and not verdicts(empty)
    response = client.get(VERIFY, {"code": code_for(cert_certificate)})
    assert answer(response) == 200
    assert verdicts(response) == [("valid", "signature_valid")]


def test_a_scanned_qr_address_opens_the_answer(cert_certificate: Certificate) -> None:
    code = code_for(cert_certificate)
    response = english().get(f"{VERIFY}?code={code}")
    page = response.content.decode()
    assert verdicts(response) == [("valid", "signature_valid")]
    assert "Valid" in page and "2025010101000001" in page and "中国质量认证中心" in page
    assert "2030-05-31" in page
    assert "report-suspect" not in page  # nothing to report about a valid certificate


def test_a_pasted_code_or_address_is_posted(cert_certificate: Certificate) -> None:
    code = code_for(cert_certificate)
    client = Client(enforce_csrf_checks=True)
    form = client.get(VERIFY)
    token = form.cookies["csrftoken"].value
    for text in (code, f"https://certis.example.gov.cn/certificates/verify/?code={code}"):
        response = client.post(VERIFY, {"code": text, "csrfmiddlewaretoken": token})
        assert verdicts(response) == [("valid", "signature_valid")]


def test_an_altered_code_says_so_and_offers_a_report(cert_certificate: Certificate) -> None:
    response = english().post(VERIFY, {"code": altered(code_for(cert_certificate), e="2040-12-31")})
    page = response.content.decode()
    assert verdicts(response) == [("altered", "signature_invalid")]
    assert "Altered" in page and "signature_invalid" in page
    assert 'href="/certificates/report-suspect/?number=2025010101000001&amp;verdict=altered"' in page
    assert "not to be trusted" in page  # what the altered code claims is shown as such


def test_a_withdrawn_certificate_is_shown_revoked_with_its_date_and_reason(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    code = code_for(cert_certificate)
    withdraw_certificate(
        acting_user=cert_world.supervisor, certificate=cert_certificate, reason="伪造检测报告", sanction=True
    )
    response = english().get(VERIFY, {"code": code})
    page = response.content.decode()
    assert verdicts(response) == [("revoked", "certificate_withdrawn")]
    assert "伪造检测报告" in page and "Withdrawn" in page and "report-suspect" in page


def test_a_certificate_number_or_a_mark_serial_may_be_typed(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue_marks(
        acting_user=cert_world.staff,
        certificate=cert_certificate,
        prefix="A",
        first=1,
        last=100,
        issued_on=dt.date(2025, 7, 1),
    )
    client = english()
    assert verdicts(client.post(VERIFY, {"code": " 2025010101000001 "})) == [("valid", "record_valid")]
    assert verdicts(client.post(VERIFY, {"code": "a0000000050"})) == [("valid", "mark_in_batch")]
    missing = client.post(VERIFY, {"code": "2099000000000000"})
    assert verdicts(missing) == [("not_found", "certificate_not_found")]
    assert "/certificates/report-suspect/?number=2099000000000000" in missing.content.decode()


def test_one_number_used_by_two_bodies_gives_two_answers(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    from certis.certificates.rules import ReportContext, check_row
    from certis.certificates.services.registry import report_certificate
    from certis.certificates.tests.conftest import cert_row

    row = cert_row("management_system", signatory="2020-NQA-100003")
    data, errors = check_row(row, ReportContext.load(cert_world.other_body))
    assert not errors and data is not None
    report_certificate(acting_user=cert_world.other_staff, body=cert_world.other_body, data=data)
    assert verdicts(english().get(VERIFY, {"code": "2025010101000001"})) == [("valid", "record_valid")] * 2


@pytest.mark.parametrize("text", ["", "   ", "x" * 6000, "\x00"])
def test_an_empty_or_huge_submission_is_a_clear_400(db: Any, text: str) -> None:
    response = english().post(VERIFY, {"code": text})
    assert answer(response) == 400
    assert 'class="field-error"' in response.content.decode()


@pytest.mark.parametrize("text", ["not.a.code", "eyJ.eyJ.eyJ", "https://evil.example/?code=zzz"])
def test_garbage_gets_an_answer_not_an_error(db: Any, text: str) -> None:
    response = english().get(VERIFY, {"code": text})
    assert answer(response) == 200
    assert verdicts(response)[0][0] in {"malformed", "not_found", "altered"}


def test_the_page_speaks_chinese_by_default(cert_certificate: Certificate) -> None:
    response = Client().get(VERIFY, {"code": code_for(cert_certificate)})
    assert verdicts(response) == [("valid", "signature_valid")]
    assert 'lang="zh-hans"' in response.content.decode()


# The QR code.


def test_a_certificates_qr_code_holds_the_verify_address_with_its_code(cert_certificate: Certificate) -> None:
    response = Client().get(f"{VERIFY}qr/{cert_certificate.pk}.svg")
    assert answer(response) == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=300" in response["Cache-Control"]
    expected = io.BytesIO()
    segno.make(f"http://testserver{VERIFY}?code={code_for(cert_certificate)}", error="m", micro=False).save(
        expected, kind="svg", scale=4, border=4, title="x", light="#fff"
    )
    assert _drawing(response.content) == _drawing(expected.getvalue())


def _drawing(svg: bytes) -> str:
    match = re.search(rb' d="([^"]+)"', svg)
    assert match
    return match[1].decode()


@override_settings(PUBLIC_BASE_URL="https://certis.example.gov.cn")
def test_the_qr_code_uses_the_public_address_when_one_is_set(cert_certificate: Certificate) -> None:
    from certis.certificates.code_display import code_display

    display = code_display(cert_certificate, RequestFactory().get("/"))
    assert display.url == f"https://certis.example.gov.cn{VERIFY}?code={display.code}"


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_the_qr_code_of_no_certificate_is_404(db: Any, pk: str) -> None:
    assert answer(Client().get(f"{VERIFY}qr/{pk}.svg")) == 404


def test_the_include_shows_the_qr_code_inline_with_the_code_to_copy(cert_certificate: Certificate) -> None:
    request = RequestFactory().get("/certificates/")
    request.user = AnonymousUser()
    html = render_to_string(
        "certificates/includes/code.html", {"certificate": cert_certificate}, request=request
    )
    code = code_for(cert_certificate)
    assert '<svg viewBox="' in html and "<script" in html and "data-copy=" in html
    assert f">{code}</textarea>" in html
    assert f'href="http://testserver{VERIFY}?code={code}"' in html
    assert "cdn" not in html.lower()


# /.well-known/jwks.json


def test_the_jwks_publishes_active_and_retired_keys_but_never_private_parts_or_revoked_keys(
    cert_certificate: Certificate,
) -> None:
    code_for(cert_certificate)
    first = SigningKey.objects.get()
    second = rotate_signing_key(acting_user=None)
    third = rotate_signing_key(acting_user=None)
    revoke_signing_key(acting_user=None, kid=second.kid, reason="leaked")
    response = Client().get("/.well-known/jwks.json")
    assert answer(response) == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == [third.kid, first.kid]
    for key in keys:
        assert set(key) == {"kty", "crv", "x", "kid", "use", "alg"}
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")


def test_the_jwks_refuses_writes(db: Any) -> None:
    assert answer(Client().post("/.well-known/jwks.json")) == 405


# The API.

API = "/api/v1/codes"


def document() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


def schema_of(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]


def post(code: Any, client: Client | None = None) -> Any:
    return (client or Client()).post(f"{API}/verify", {"code": code}, content_type="application/json")


@pytest.mark.parametrize("who", ["staff", "other", "anonymous"])
def test_the_api_verifies_a_code_for_anyone(
    people: dict[str, Any], cert_certificate: Certificate, who: str
) -> None:
    response = post(code_for(cert_certificate), client_for(people[who]))
    assert answer(response) == 200
    body = response.json()
    check(body, schema_of(document(), f"{API}/verify", "post"), document())
    assert (body["verdict"], body["reason"], body["kid"]) == (
        "valid",
        "signature_valid",
        SigningKey.objects.get().kid,
    )
    assert body["certificate"]["number"] == "2025010101000001"
    assert body["certificate"]["body_number"] == "CNCA-R-2002-001"
    assert body["certificate"]["status"] == "valid"


def test_the_api_answers_altered_and_malformed_codes(cert_certificate: Certificate) -> None:
    doc = document()
    for code, expected in [
        (altered(code_for(cert_certificate), h="别人"), ("altered", "signature_invalid")),
        ("hello", ("malformed", "malformed_code")),
    ]:
        body = post(code).json()
        check(body, schema_of(doc, f"{API}/verify", "post"), doc)
        assert (body["verdict"], body["reason"], body["certificate"]) == (*expected, None)


@pytest.mark.parametrize(
    "payload",
    [{}, {"code": ""}, {"code": None}, {"code": 12}, {"code": "x" * 5000}, [], "text"],
)
def test_bad_requests_are_a_readable_4xx(db: Any, payload: Any) -> None:
    response = Client().post(f"{API}/verify", payload, content_type="application/json")
    assert answer(response) in (400, 422)
    assert response.json()["detail"]


def test_a_body_that_is_not_json_is_a_4xx(db: Any) -> None:
    response = Client().post(f"{API}/verify", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_the_api_checks_a_mark_serial(cert_world: CertWorld, cert_certificate: Certificate) -> None:
    issue_marks(
        acting_user=cert_world.staff,
        certificate=cert_certificate,
        prefix="A",
        first=1,
        last=100,
        issued_on=dt.date(2025, 7, 1),
    )
    doc = document()
    schema = schema_of(doc, f"{API}/marks/{{serial}}", "get")
    for serial, expected in [
        ("A50", ("valid", "mark_in_batch")),
        ("A500", ("not_found", "mark_not_found")),
        ("5%20A", ("malformed", "malformed_code")),
    ]:
        response = Client().get(f"{API}/marks/{serial}")
        assert answer(response) == 200
        body = response.json()
        check(body, schema, doc)
        assert (body["verdict"], body["reason"]) == expected
    assert Client().get(f"{API}/marks/A50").json()["mark"] == "A50"


def test_the_api_says_when_a_certificate_was_renewed(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    code = code_for(cert_certificate)
    cert_report(cert_world, issued_on="2026-01-05", expires_on="2031-01-04")
    body = post(code).json()
    assert (body["verdict"], body["reason"], body["changed"]) == (
        "superseded",
        "certificate_renewed",
        ["i", "e"],
    )
    assert body["certificate"]["expires_on"] == "2031-01-04"
