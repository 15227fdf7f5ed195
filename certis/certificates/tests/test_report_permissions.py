"""Who gets what on every reporting page and endpoint: one row per page, one column per person.

- ``staff``: staff of 中国质量认证中心, whose pages and jobs these are;
- ``other_staff``: staff of 方圆, another body: 404 on this body's pages and jobs (their ids are not confirmed);
- ``supervisor``: the regulator's supervision staff, who report for no body: 403;
- ``anonymous``: sent to log in on the pages, 401 from the API.

On the API each person comes twice: with an API token of their organisation, and with their session.
Expected answers: a status code, or ``LOGIN`` for a redirect to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from certis.certificates.models import Certificate, ImportJob
from certis.certificates.schemes import FIELDS
from certis.certificates.tests.conftest import CertWorld, cert_row
from certis.certificates.tests.report_fixtures import (
    bearer,
    browse,
    cert_rows,
    csv_bytes,
    import_file,
    upload,
)
from certis.core.testing import LOGIN, answer

PEOPLE = ["staff", "other_staff", "supervisor", "anonymous"]


def who(staff: Any, other_staff: Any, supervisor: Any, anonymous: Any) -> dict[str, Any]:
    return dict(zip(PEOPLE, (staff, other_staff, supervisor, anonymous), strict=True))


@pytest.fixture
def rejected_job(cert_world: CertWorld) -> ImportJob:
    rows = cert_rows(2)
    rows[1]["holder_uscc"] = "123"
    return import_file(cert_world.staff, cert_world.body, csv_bytes(rows))


@dataclass
class Page:
    name: str
    method: str
    url: Callable[[CertWorld, ImportJob], str]
    expected: dict[str, int | str]
    data: Callable[[], dict[str, Any]] | None = None
    reports: bool = False  # a success adds a certificate

    def __str__(self) -> str:
        return self.name


def of_body(name: str) -> Callable[[CertWorld, ImportJob], str]:
    return lambda w, j: reverse(f"certificates:{name}", args=[w.body.pk])


def of_job(name: str, *args: str) -> Callable[[CertWorld, ImportJob], str]:
    return lambda w, j: reverse(f"certificates:{name}", args=[j.pk, *args])


SEE = who(200, 404, 403, LOGIN)
PAGES = [
    Page("start", "get", lambda w, j: reverse("certificates:report"), who(302, 302, 403, LOGIN)),
    Page("body", "get", of_body("report_body"), SEE),
    Page("form", "get", of_body("report_form"), SEE),
    Page(
        "form sent",
        "post",
        of_body("report_form"),
        who(302, 404, 403, LOGIN),
        data=lambda: {name: cert_row().get(name, "") for name in FIELDS},
        reports=True,
    ),
    Page(
        "upload",
        "post",
        of_body("report_upload"),
        who(302, 404, 403, LOGIN),
        data=lambda: {"file": upload(csv_bytes([cert_row()]))},
        reports=True,
    ),
    Page("job", "get", of_job("report_job"), SEE),
    Page("bad rows as CSV", "get", of_job("report_job_errors", "csv"), SEE),
    Page("bad rows as Excel", "get", of_job("report_job_errors", "xlsx"), SEE),
    Page(
        "template",
        "get",
        lambda w, j: reverse("certificates:report_template", args=["ccc"]),
        who(200, 200, 403, LOGIN),
    ),
]


@pytest.mark.parametrize("page", PAGES, ids=str)
@pytest.mark.parametrize("person", PEOPLE)
def test_who_gets_what_on_the_pages(
    cert_world: CertWorld, rejected_job: ImportJob, page: Page, person: str
) -> None:
    users = {
        "staff": cert_world.staff,
        "other_staff": cert_world.other_staff,
        "supervisor": cert_world.supervisor,
    }
    client = browse(users.get(person))
    url = page.url(cert_world, rejected_job)
    response = getattr(client, page.method)(url, page.data() if page.data else None)
    assert answer(response) == page.expected[person]
    if page.reports:
        assert Certificate.objects.exists() == (person == "staff")


# The API

API = "/api/v1/certificate-reports"
API_PEOPLE = [
    "staff token",
    "other body token",
    "regulator token",
    "staff session",
    "other staff session",
    "supervisor session",
    "anonymous",
]


def api_who(*answers: int) -> dict[str, int]:
    return dict(zip(API_PEOPLE, answers, strict=True))


@dataclass
class Endpoint:
    name: str
    call: Callable[[Client, dict[str, str], ImportJob], Any]
    expected: dict[str, int]

    def __str__(self) -> str:
        return self.name


def post_json(client: Client, headers: dict[str, str], job: ImportJob) -> Any:
    document = {"certificates": [cert_row()], "body": "CNCA-R-2002-001"}
    return client.post(API, document, content_type="application/json", headers=headers)


def post_file(client: Client, headers: dict[str, str], job: ImportJob) -> Any:
    data = {"file": upload(csv_bytes([cert_row()])), "body": "CNCA-R-2002-001"}
    return client.post(f"{API}/files", data, headers=headers)


ENDPOINTS = [
    # Reporting for 中国质量认证中心: its staff may; another body's token may not report for it (403), and
    # another body's staff are told it is not theirs (404); the regulator may not (403).
    Endpoint("report JSON", post_json, api_who(201, 403, 403, 201, 404, 403, 401)),
    Endpoint("report a file", post_file, api_who(201, 403, 403, 201, 404, 403, 401)),
    Endpoint(
        "job",
        lambda c, h, j: c.get(f"{API}/{j.pk}", headers=h),
        api_who(200, 404, 403, 200, 404, 403, 401),
    ),
    Endpoint(
        "bad rows",
        lambda c, h, j: c.get(f"{API}/{j.pk}/errors", headers=h),
        api_who(200, 404, 403, 200, 404, 403, 401),
    ),
]


@pytest.fixture
def api_cast(cert_world: CertWorld) -> dict[str, tuple[Client, dict[str, str]]]:
    return {
        "staff token": (Client(), bearer(cert_world.staff)),
        "other body token": (Client(), bearer(cert_world.other_staff)),
        "regulator token": (Client(), bearer(cert_world.supervisor)),
        "staff session": (browse(cert_world.staff), {}),
        "other staff session": (browse(cert_world.other_staff), {}),
        "supervisor session": (browse(cert_world.supervisor), {}),
        "anonymous": (Client(), {}),
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("person", API_PEOPLE)
def test_who_gets_what_from_the_api(
    cert_world: CertWorld,
    rejected_job: ImportJob,
    api_cast: dict[str, tuple[Client, dict[str, str]]],
    endpoint: Endpoint,
    person: str,
) -> None:
    client, headers = api_cast[person]
    response = endpoint.call(client, headers, rejected_job)
    assert response.status_code == endpoint.expected[person], response.content
    if response.status_code >= 400:
        assert response.json()["detail"]
    reported = Certificate.objects.filter(body=cert_world.body).exists()
    assert reported == (endpoint.expected[person] == 201 and response.status_code == 201)


def test_a_token_that_is_not_valid_is_refused(cert_world: CertWorld) -> None:
    response = Client().get(f"{API}/1", headers={"Authorization": "Bearer ct_not-a-token"})
    assert response.status_code == 401
