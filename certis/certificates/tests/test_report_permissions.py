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
from certis.core.testing import LOGIN
from certis.core.testing.permissions import Answer, Row, assert_answers

PEOPLE = ["staff", "other_staff", "supervisor", "anonymous"]


def who(staff: Any, other_staff: Any, supervisor: Any, anonymous: Any) -> dict[str, Any]:
    return dict(zip(PEOPLE, (staff, other_staff, supervisor, anonymous), strict=True))


@dataclass
class World:
    cert: CertWorld
    job: ImportJob  # a job with a rejected row


@pytest.fixture
def world(cert_world: CertWorld) -> World:
    rows = cert_rows(2)
    rows[1]["holder_uscc"] = "123"
    return World(cert=cert_world, job=import_file(cert_world.staff, cert_world.body, csv_bytes(rows)))


def of_body(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"certificates:{name}", args=[w.cert.body.pk])


def of_job(name: str, *args: str) -> Callable[[World], str]:
    return lambda w: reverse(f"certificates:{name}", args=[w.job.pk, *args])


def reported(w: World) -> bool:
    """What a success adds: a certificate of the body."""
    return Certificate.objects.filter(body=w.cert.body).exists()


SEE = who(200, 404, 403, LOGIN)
PAGES: list[Row[World]] = [
    Row("start", "get", lambda w: reverse("certificates:report"), who(302, 302, 403, LOGIN)),
    Row("body", "get", of_body("report_body"), SEE),
    Row("form", "get", of_body("report_form"), SEE),
    Row(
        "form sent",
        "post",
        of_body("report_form"),
        who(302, 404, 403, LOGIN),
        data=lambda w: {name: cert_row().get(name, "") for name in FIELDS},
        changes=reported,
    ),
    Row(
        "upload",
        "post",
        of_body("report_upload"),
        who(302, 404, 403, LOGIN),
        data=lambda w: {"file": upload(csv_bytes([cert_row()]))},
        changes=reported,
    ),
    Row("job", "get", of_job("report_job"), SEE),
    Row("bad rows as CSV", "get", of_job("report_job_errors", "csv"), SEE),
    Row("bad rows as Excel", "get", of_job("report_job_errors", "xlsx"), SEE),
    Row(
        "template",
        "get",
        lambda w: reverse("certificates:report_template", args=["ccc"]),
        who(200, 200, 403, LOGIN),
    ),
]


@pytest.fixture
def cast(world: World) -> dict[str, Client]:
    users = {
        "staff": world.cert.staff,
        "other_staff": world.cert.other_staff,
        "supervisor": world.cert.supervisor,
    }
    return {name: browse(users.get(name)) for name in PEOPLE}


def test_who_gets_what_on_the_pages(cast: dict[str, Client], world: World) -> None:
    assert_answers(PAGES, cast, world)


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


def status_with_detail(response: Any) -> Answer:
    """The status code; a refusal must say why."""
    status: int = response.status_code
    if status >= 400 and not response.json().get("detail"):
        return f"{status} without a detail"
    return status


ENDPOINTS: list[Row[World]] = [
    # Reporting for 中国质量认证中心: its staff may; another body's token may not report for it (403), and
    # another body's staff are told it is not theirs (404); the regulator may not (403).
    Row(
        "report JSON",
        "post",
        lambda w: API,
        api_who(201, 403, 403, 201, 404, 403, 401),
        data=lambda w: {"certificates": [cert_row()], "body": "CNCA-R-2002-001"},
        content_type="application/json",
        changes=reported,
    ),
    Row(
        "report a file",
        "post",
        lambda w: f"{API}/files",
        api_who(201, 403, 403, 201, 404, 403, 401),
        data=lambda w: {"file": upload(csv_bytes([cert_row()])), "body": "CNCA-R-2002-001"},
        changes=reported,
    ),
    Row("job", "get", lambda w: f"{API}/{w.job.pk}", api_who(200, 404, 403, 200, 404, 403, 401)),
    Row("bad rows", "get", lambda w: f"{API}/{w.job.pk}/errors", api_who(200, 404, 403, 200, 404, 403, 401)),
]


@pytest.fixture
def api_cast(world: World) -> dict[str, Client]:
    cert = world.cert
    return {
        "staff token": Client(headers=bearer(cert.staff)),
        "other body token": Client(headers=bearer(cert.other_staff)),
        "regulator token": Client(headers=bearer(cert.supervisor)),
        "staff session": browse(cert.staff),
        "other staff session": browse(cert.other_staff),
        "supervisor session": browse(cert.supervisor),
        "anonymous": Client(),
    }


def test_who_gets_what_from_the_api(api_cast: dict[str, Client], world: World) -> None:
    assert_answers(ENDPOINTS, api_cast, world, read=status_with_detail)


def test_a_token_that_is_not_valid_is_refused(cert_world: CertWorld) -> None:
    response = Client().get(f"{API}/1", headers={"Authorization": "Bearer ct_not-a-token"})
    assert response.status_code == 401
