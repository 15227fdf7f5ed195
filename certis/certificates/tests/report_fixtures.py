"""Helpers of the reporting tests (bulk files, uploads, tokens, the cast), imported by each reporting test module.

Files are built here the way bodies make them: Excel through openpyxl, CSV with or without a BOM (or in GBK),
JSON as a list or under ``certificates``. Rows come from ``cert_row`` (tests/conftest.py), which passes every
rule for 中国质量认证中心 in ``cert_world``.

The cast of the permission tests: ``staff`` of 中国质量认证中心, ``other_staff`` of 方圆 (another body), the
regulator's ``supervisor`` and an ``anonymous`` visitor.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from certis.accounts.models import User
from certis.accounts.services import issue_api_token
from certis.bodies.models import Body
from certis.certificates.models import ImportJob
from certis.certificates.schemes import FIELDS
from certis.certificates.services.imports import create_job
from certis.certificates.tasks import start_job
from certis.certificates.tests.conftest import CertWorld, cert_row
from certis.core.testing import client_for

__all__ = [
    "bearer",
    "browse",
    "cert_rows",
    "csv_bytes",
    "import_file",
    "json_bytes",
    "report_token",
    "task_runs",
    "upload",
    "xlsx_bytes",
]

KEYS = list(FIELDS)


def cert_rows(count: int, start: int = 1, **overrides: Any) -> list[dict[str, Any]]:
    """``count`` good CCC reports with consecutive numbers."""
    return [cert_row(number=f"CCC{start + index:08d}", **overrides) for index in range(count)]


def _columns(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    present = {key for row in rows for key in row}
    return [key for key in KEYS if key in present]


def csv_bytes(
    rows: Sequence[dict[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    headings: Sequence[str] | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> bytes:
    names = _columns(rows, columns)
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headings or names)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in names])
    return text.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[dict[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    headings: Sequence[str] | None = None,
    title_rows: Iterable[Sequence[Any]] = (),
) -> bytes:
    from openpyxl import Workbook

    names = _columns(rows, columns)
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append(list(title))
    sheet.append(list(headings or names))
    for row in rows:
        sheet.append([row.get(name) for name in names])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def json_bytes(rows: Sequence[Any], *, wrapped: bool = True) -> bytes:
    document: Any = {"certificates": list(rows)} if wrapped else list(rows)
    return json.dumps(document, ensure_ascii=False, default=str).encode()


def upload(data: bytes, name: str = "certificates.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def import_file(
    user: User, body: Body, data: bytes, name: str = "certificates.csv", scheme: str = ""
) -> ImportJob:
    """Create and run a job as the pages do (inline or through the task backend, which runs tasks at once)."""
    job = create_job(acting_user=user, body=body, upload=upload(data, name), scheme=scheme)
    return start_job(job, language="en")


def bearer(user: User) -> dict[str, str]:
    _token, secret = issue_api_token(acting_user=user, organisation=user.organisations.get(), name="上报系统")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def report_token(cert_world: CertWorld) -> dict[str, str]:
    """Authorization headers of a token of 中国质量认证中心, issued by its staff member."""
    return bearer(cert_world.staff)


def browse(user: User | None) -> Client:
    """A client for the person (anonymous for None) that reads the pages in English."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def task_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the jobs run through the background task (the test backend runs it at once)."""
    from certis.certificates import tasks

    runs: list[int] = []
    task = tasks.run_import_job

    class Spy:
        def enqueue(self, job_id: int, *args: Any) -> Any:
            runs.append(job_id)
            return task.enqueue(job_id, *args)

    monkeypatch.setattr(tasks, "run_import_job", Spy())
    return runs
