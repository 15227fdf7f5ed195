"""The reporting API (``/api/v1/certificate-reports``): a JSON list or a file, the job's status and every bad
row, with an organisation's token or a session; answers as the OpenAPI document says."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from certis.accounts.models import Membership
from certis.certificates.models import Certificate, ImportJob
from certis.certificates.tests.conftest import CertWorld, cert_row
from certis.certificates.tests.report_fixtures import cert_rows, csv_bytes, upload, xlsx_bytes
from certis.core.testing import client_for
from certis.core.testing.openapi import check

API = "/api/v1/certificate-reports"


def english(user: Any = None) -> Client:
    client = client_for(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def report(
    certificates: Any, headers: dict[str, str] | None = None, client: Client | None = None, **extra: Any
) -> Any:
    return (client or english()).post(
        API, {"certificates": certificates, **extra}, content_type="application/json", headers=headers or {}
    )


def document() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


def schema_of(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    return doc["paths"][API + path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def test_a_json_list_is_applied_and_answered_with_the_job(
    cert_world: CertWorld, report_token: dict[str, str]
) -> None:
    response = report(cert_rows(2), report_token)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["created_count"], job["updated_count"], job["format"]) == (
        "applied",
        2,
        0,
        "json",
    )
    assert job["links"]["self"].endswith(f"{API}/{job['id']}")
    assert Certificate.objects.filter(body=cert_world.body).count() == 2
    check(job, schema_of(document(), "", "post", 201), document())
    again = report(cert_rows(2), report_token).json()
    assert (again["created_count"], again["updated_count"]) == (0, 2)
    assert Certificate.objects.count() == 2


def test_bad_rows_are_answered_with_every_problem_and_nothing_is_applied(
    cert_world: CertWorld, report_token: dict[str, str]
) -> None:
    rows = cert_rows(4)
    rows[1]["holder_uscc"] = "123"
    rows[3]["expires_on"] = "2020-01-01"
    job = report(rows, report_token).json()
    assert job["status"] == "rejected"
    assert [(e["row"], e["field"], e["code"]) for e in job["errors"]] == [
        (2, "holder_uscc", "bad_uscc"),
        (4, "expires_on", "dates_out_of_order"),
    ]
    assert not Certificate.objects.exists()
    page = english().get(job["links"]["errors"], {"limit": 1, "offset": 1}, headers=report_token)
    assert page.status_code == 200
    assert page.json()["count"] == 2
    assert [item["row"] for item in page.json()["items"]] == [4]
    check(page.json(), schema_of(document(), "/{job_id}/errors", "get", 200), document())


def test_a_large_list_runs_as_a_task_and_its_status_is_read_back(
    cert_world: CertWorld, report_token: dict[str, str], task_runs: list[int], settings: Any
) -> None:
    settings.CERTIFICATES_IMPORT_INLINE_ROWS = 10
    job = report(cert_rows(11), report_token).json()
    assert task_runs == [job["id"]]
    status = english().get(f"{API}/{job['id']}", headers=report_token)
    assert status.status_code == 200
    assert (status.json()["status"], status.json()["progress_percent"]) == ("applied", 100)
    check(status.json(), schema_of(document(), "/{job_id}", "get", 200), document())


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "csv"), (b"xlsx", "xlsx"), (csv_bytes(cert_rows(1)), "csv"), (xlsx_bytes(cert_rows(1)), "xlsx")],
)
def test_a_file_is_reported_in_any_format_or_refused_with_the_reason(
    cert_world: CertWorld, report_token: dict[str, str], data: bytes, name: str
) -> None:
    response = english().post(f"{API}/files", {"file": upload(data, f"c.{name}")}, headers=report_token)
    if data in (b"", b"xlsx"):
        assert response.status_code == 400
        answer = response.json()
        assert answer["errors"]["file"] and all(isinstance(m, str) for m in answer["errors"]["file"])
        # (the shared checker does not read additionalProperties: the errors by field are checked above)
        check({"detail": answer["detail"]}, schema_of(document(), "/files", "post", 400), document())
    else:
        assert response.status_code == 201
        assert response.json()["status"] == "applied"


def test_a_file_for_one_scheme_may_leave_the_scheme_out(
    cert_world: CertWorld, report_token: dict[str, str]
) -> None:
    rows = [{k: v for k, v in row.items() if k != "scheme"} for row in cert_rows(2)]
    response = english().post(
        f"{API}/files", {"file": upload(csv_bytes(rows)), "scheme": "ccc"}, headers=report_token
    )
    assert response.json()["status"] == "applied"


def test_a_signed_in_person_reports_with_the_session(cert_world: CertWorld) -> None:
    response = report(cert_rows(1), client=english(cert_world.staff))
    assert response.status_code == 201
    assert Certificate.objects.get().reported_by == cert_world.staff


def test_someone_reporting_for_several_bodies_names_the_body(cert_world: CertWorld) -> None:
    Membership.objects.create(user=cert_world.staff, organisation=cert_world.other_body.organisation)
    client = english(cert_world.staff)
    response = report(cert_rows(1), client=client)
    assert response.status_code == 400
    assert response.json()["errors"]["body"] == [
        "You report for several bodies: say which one, by its approval number."
    ]
    assert report(cert_rows(1), client=client, body="cnca-r-2002-001").status_code == 201
    assert Certificate.objects.get().body == cert_world.body


def test_a_token_reports_for_its_own_body_only(cert_world: CertWorld, report_token: dict[str, str]) -> None:
    response = report(cert_rows(1), report_token, body="CNCA-R-2002-002")
    assert response.status_code == 403
    assert response.json()["detail"] == "This token reports for CNCA-R-2002-001 only."


def test_a_token_stops_when_its_issuer_leaves_the_body(
    cert_world: CertWorld, report_token: dict[str, str]
) -> None:
    Membership.objects.filter(user=cert_world.staff).delete()
    response = report(cert_rows(1), report_token)
    assert response.status_code == 403
    assert "no longer reports for the body" in response.json()["detail"]


def test_a_malformed_request_is_a_422_not_a_500(cert_world: CertWorld, report_token: dict[str, str]) -> None:
    assert report([], report_token).status_code == 422
    assert report("not a list", report_token).status_code == 422
    response = english().post(API, "{", content_type="application/json", headers=report_token)
    assert response.status_code in (400, 422)


def test_the_openapi_document_lists_the_reporting_endpoints_with_both_ways_to_authenticate(db: Any) -> None:
    doc = document()
    operations = {
        ("", "post"): {"201", "202", "400", "403", "404"},
        ("/files", "post"): {"201", "202", "400", "403", "404"},
        ("/{job_id}", "get"): {"200", "403", "404"},
        ("/{job_id}/errors", "get"): {"200", "403", "404"},
    }
    for (path, method), statuses in operations.items():
        operation = doc["paths"][API + path][method]
        assert statuses <= set(operation["responses"]), (path, method)
        assert {name for way in operation["security"] for name in way} == {"TokenAuth", "SessionAuth"}
    example = doc["components"]["schemas"]["ReportIn"]["properties"]["certificates"]["examples"][0][0]
    assert set(example) <= set(cert_row()) | {"product_code", "mode", "trademark"}


def test_the_job_answer_counts_what_happened(cert_world: CertWorld, report_token: dict[str, str]) -> None:
    report(cert_rows(2), report_token)
    job = ImportJob.objects.get()
    answer = english().get(f"{API}/{job.pk}", headers=report_token).json()
    assert answer["file_name"] == "certificates.json"
    assert answer["total_rows"] == answer["rows_done"] == 2
    assert answer["links"]["page"].endswith(f"/certificates/report/jobs/{job.pk}/")
