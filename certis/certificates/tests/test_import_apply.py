"""Applying a checked file: the same certificates as reporting each row through the service, every column
written, renewals, a certificate closed while the file was checked, and failures that leave nothing behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certis.audit.models import AuditEvent, EventType
from certis.bodies.models import Scheme
from certis.certificates.models import Certificate, Holder, ImportJob, StatusEvent, number_key
from certis.certificates.services import import_apply
from certis.certificates.services import imports as importer
from certis.certificates.services.imports import create_job, fast_number_key, fast_search_key, run_job
from certis.certificates.services.registry import expire_due_certificates, withdraw_certificate
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row
from certis.certificates.tests.report_fixtures import cert_rows, csv_bytes, import_file, upload
from certis.core.text import search_key

Status = ImportJob.Status

# Fields that differ between two reports of the same certificate by construction.
PROVENANCE = {"id", "import_job_id", "reported_by_id", "created_at", "updated_at", "holder_id"}


def test_every_column_of_the_certificate_and_holder_tables_is_written() -> None:
    certificate = {field.column for field in Certificate._meta.concrete_fields} - {"id"}
    assert certificate == set(import_apply.COPIED) | set(import_apply.SET_HERE)
    holder = {field.column for field in Holder._meta.concrete_fields} - {"id"}
    assert holder == set(import_apply.HOLDER_COLUMNS)
    assert set(import_apply.STAGED) >= set(import_apply.COPIED)


ASCII = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=30)
ANY_TEXT = st.text(
    alphabet=st.sampled_from("電器电器（）()-_ ＡＢａｂ12１２\u3000:;,.MB-FB40 认证證书"), max_size=30
)


@given(st.one_of(ASCII, ANY_TEXT))
def test_the_short_ways_to_the_keys_agree_with_the_models(text: str) -> None:
    assert fast_number_key(text) == number_key(text)
    assert fast_search_key(text) == search_key(text)


@pytest.fixture
def reported_by_service(cert_world: CertWorld) -> dict[str, dict[str, Any]]:
    """Every scheme's certificate reported one by one through the service, as it stands."""
    for scheme in Scheme.values:
        cert_report(cert_world, scheme, number=f"SAME-{scheme}", holder_name="美的集團（顺德）股份有限公司")
    return {c["number"]: c for c in Certificate.objects.values()}


def test_the_bulk_path_writes_what_the_service_writes(
    cert_world: CertWorld, reported_by_service: dict[str, dict[str, Any]]
) -> None:
    Certificate.objects.all().delete()
    rows = [
        cert_row(scheme, number=f"SAME-{scheme}", holder_name="美的集團（顺德）股份有限公司")
        for scheme in Scheme.values
    ]
    applied = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    assert applied.status == Status.APPLIED, applied.errors
    for number, expected in reported_by_service.items():
        actual = Certificate.objects.filter(number=number).values().get()
        for name in set(expected) - PROVENANCE:
            assert actual[name] == expected[name], (number, name)
        assert actual["import_job_id"] == applied.pk
        assert actual["reported_by_id"] == cert_world.staff.pk


def test_an_expired_certificate_reported_with_a_later_expiry_is_renewed(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world, number="CCC00000001", expires_on="2025-12-31")
    assert expire_due_certificates(today=dt.date(2026, 1, 1)) == 1
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(1, expires_on="2030-12-19")))
    assert job.status == Status.APPLIED
    certificate.refresh_from_db()
    assert (certificate.status, certificate.expires_on) == (Certificate.Status.VALID, dt.date(2030, 12, 19))
    assert certificate.status_reason == "Renewed until 2030-12-19."
    events = list(StatusEvent.objects.filter(certificate=certificate).order_by("id"))
    assert [(e.from_status, e.to_status) for e in events] == [("valid", "expired"), ("expired", "valid")]
    assert (events[1].actor, events[1].actor_organisation) == (cert_world.staff, cert_world.body.organisation)
    assert AuditEvent.objects.get(event_type=EventType.CERTIFICATES_IMPORTED).data["renewed"] == 1


def test_an_expired_certificate_reported_as_it_was_stays_expired(cert_world: CertWorld) -> None:
    cert_report(cert_world, number="CCC00000001", expires_on="2025-12-31")
    expire_due_certificates(today=dt.date(2026, 1, 1))
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(1, expires_on="2025-12-31")))
    assert (job.status, job.updated_count) == (Status.APPLIED, 1)
    assert Certificate.objects.get().status == Certificate.Status.EXPIRED


def test_a_withdrawn_certificate_in_the_file_rejects_it(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world, number="CCC00000002")
    withdraw_certificate(acting_user=cert_world.staff, certificate=certificate, reason="撤销")
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(3)))
    assert job.status == Status.REJECTED
    assert [(e["row"], e["code"]) for e in job.errors] == [(3, "certificate_closed")]
    assert Certificate.objects.count() == 1


def test_a_certificate_withdrawn_while_the_file_was_checked_fails_the_whole_file(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = cert_report(cert_world, number="CCC00000002", product_models="OLD-1")
    check_rows = importer.check_rows

    def then_withdrawn(*args: Any, **kwargs: Any) -> Any:
        checked = check_rows(*args, **kwargs)
        withdraw_certificate(acting_user=cert_world.supervisor, certificate=certificate, reason="撤销")
        return checked

    monkeypatch.setattr(importer, "check_rows", then_withdrawn)
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(3)))
    assert job.status == Status.FAILED
    assert "withdrawn or cancelled" in job.message
    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert (certificate.status, certificate.product_models) == ("withdrawn", "OLD-1")


def test_an_unexpected_error_fails_the_job_and_applies_nothing(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_apply, "_renewal_events", broken)
    monkeypatch.setattr(import_apply, "_renew_postgresql", broken)
    monkeypatch.setattr(import_apply, "_save_holders", broken)
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(3)))
    assert job.status == Status.FAILED
    assert f"logged under job {job.pk}" in job.message
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.CERTIFICATES_IMPORTED).exists()


def test_a_job_runs_once_however_many_workers_are_given_it(cert_world: CertWorld) -> None:
    job = create_job(
        acting_user=cert_world.staff, body=cert_world.body, upload=upload(csv_bytes(cert_rows(2)))
    )
    assert run_job(job.pk, language="en") is not None
    assert run_job(job.pk, language="en") is None
    assert Certificate.objects.count() == 2
    assert AuditEvent.objects.filter(event_type=EventType.CERTIFICATES_IMPORTED).count() == 1


def test_one_audit_event_names_the_job_the_file_and_the_counts(cert_world: CertWorld) -> None:
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(2)), name="六月.csv")
    event = AuditEvent.objects.get(event_type=EventType.CERTIFICATES_IMPORTED)
    assert (event.actor, event.actor_organisation) == (cert_world.staff, cert_world.body.organisation)
    assert (event.target_type, event.target_id) == ("certificates.importjob", str(job.pk))
    assert event.data == {
        "file": "六月.csv",
        "format": "csv",
        "sha256": job.sha256,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "renewed": 0,
    }
    reported = [EventType.CERTIFICATE_REPORTED, EventType.CERTIFICATE_UPDATED]
    assert not AuditEvent.objects.filter(event_type__in=reported).exists()


def test_the_staging_table_is_gone_when_the_job_ends(cert_world: CertWorld) -> None:
    from django.db import connection

    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(2)))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.certis_import_{job.pk}"])
            assert cursor.fetchone()[0] is None
