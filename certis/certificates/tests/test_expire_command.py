"""The scheduled expiry: ``certis expire_certificates`` and the task that wraps the same service."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from certis.certificates.models import Certificate
from certis.certificates.tasks import expire_certificates
from certis.certificates.tests.conftest import CertWorld, cert_report

Status = Certificate.Status


def run(*args: str) -> str:
    out = StringIO()
    call_command("expire_certificates", *args, stdout=out)
    return out.getvalue()


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def due(cert_world: CertWorld) -> list[Certificate]:
    """Two certificates whose expiry date was yesterday, one expiring today, one in five years."""
    return [
        cert_report(cert_world, number="DUE-1", expires_on=str(yesterday())),
        cert_report(cert_world, number="DUE-2", expires_on=str(yesterday())),
        cert_report(cert_world, number="TODAY", expires_on=str(timezone.localdate())),
        cert_report(cert_world, number="LATER"),
    ]


def statuses() -> dict[str, str]:
    return dict(Certificate.objects.values_list("number", "status"))


def test_the_command_expires_what_is_due_and_says_how_many(due: list[Certificate]) -> None:
    assert run() == f"2 certificates expired (expiry date before {timezone.localdate()}).\n"
    assert statuses() == {
        "DUE-1": Status.EXPIRED,
        "DUE-2": Status.EXPIRED,
        "TODAY": Status.VALID,
        "LATER": Status.VALID,
    }
    assert run().startswith("0 certificates expired")


def test_the_command_runs_as_of_an_earlier_day(due: list[Certificate]) -> None:
    assert run("--today", str(yesterday())).startswith("0 certificates expired")
    assert statuses()["DUE-1"] == Status.VALID


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a date (write it as 2026-03-01)."),
        ("tomorrow", "'tomorrow' is not a date (write it as 2026-03-01)."),
        (None, "is in the future: certificates are expired only when due."),
    ],
)
def test_the_command_refuses_a_bad_or_future_day(
    due: list[Certificate], day: str | None, message: str
) -> None:
    day = day or str(timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("--today", day)
    assert set(statuses().values()) == {Status.VALID}


def test_one_certificate_is_counted_as_one(cert_world: CertWorld) -> None:
    cert_report(cert_world, number="ONE", expires_on=str(yesterday()))
    assert run().startswith("1 certificate expired")


def test_the_task_expires_what_is_due_and_returns_how_many(due: list[Certificate]) -> None:
    result = expire_certificates.enqueue()
    assert result.return_value == 2
    assert statuses()["DUE-2"] == Status.EXPIRED
    assert expire_certificates.enqueue().return_value == 0
