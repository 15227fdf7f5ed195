"""Reporting one certificate through the service: created once per (body, number), updated after, renewed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from certis.audit.models import AuditEvent, EventType
from certis.certificates.models import Certificate, Holder, StatusEvent
from certis.certificates.rules import ReportContext, check_row
from certis.certificates.services.registry import expire_due_certificates, report_certificate
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row


def test_a_first_report_creates_the_certificate_and_its_holder(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.holder.uscc == cert_row()["holder_uscc"]
    assert certificate.signatory == cert_world.signatory
    assert certificate.reported_by == cert_world.staff
    event = AuditEvent.objects.get(event_type=EventType.CERTIFICATE_REPORTED)
    assert event.actor == cert_world.staff and event.target_id == str(certificate.pk)


def test_reporting_the_same_number_again_updates_it_whatever_its_width(cert_world: CertWorld) -> None:
    first = cert_report(cert_world)
    again = cert_report(cert_world, number="２０２５０１０１０１０００００１", product_models="MB-FB60")
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert again.product_models == "MB-FB60"
    updated = AuditEvent.objects.get(event_type=EventType.CERTIFICATE_UPDATED)
    assert updated.data == {
        "before": {"product_models": "MB-FB40; MB-FB50"},
        "after": {"product_models": "MB-FB60"},
    }


def test_the_holder_takes_the_name_last_reported_for_its_uscc(cert_world: CertWorld) -> None:
    cert_report(cert_world)
    cert_report(cert_world, number="2025010101000002", holder_name="美的集團股份有限公司（新）")
    holder = Holder.objects.get()
    assert holder.name == "美的集團股份有限公司（新）"
    assert holder.name_key == "美的集团股份有限公司新"
    # each certificate keeps the name as printed on it
    assert set(Certificate.objects.values_list("holder_name", flat=True)) == {
        "美的集团股份有限公司",
        "美的集團股份有限公司（新）",
    }


def test_the_same_number_at_two_bodies_is_two_certificates(cert_world: CertWorld) -> None:
    cert_report(cert_world, scheme="management_system")
    row = cert_row("management_system", signatory="2020-NQA-100003")
    data, errors = check_row(row, ReportContext.load(cert_world.other_body))
    assert not errors and data is not None
    report_certificate(acting_user=cert_world.other_staff, body=cert_world.other_body, data=data)
    assert Certificate.objects.filter(number_key="2025010101000001").count() == 2


def test_an_expired_certificate_reported_with_a_later_expiry_is_renewed(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world, expires_on="2025-12-31")
    assert expire_due_certificates(today=dt.date(2026, 1, 1)) == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
    assert certificate.status_since == dt.date(2026, 1, 1)
    renewed = cert_report(cert_world, issued_on="2025-12-20", expires_on="2030-12-19")
    assert renewed.status == Certificate.Status.VALID
    assert list(StatusEvent.objects.values_list("to_status", flat=True)) == ["expired", "valid"]


def test_the_service_refuses_a_withdrawn_certificate_even_if_the_rules_were_skipped(
    cert_world: CertWorld,
) -> None:
    from certis.certificates.services.registry import withdraw_certificate

    certificate = cert_report(cert_world)
    data, _errors = check_row(cert_row(), ReportContext.load(cert_world.body))
    withdraw_certificate(acting_user=cert_world.staff, certificate=certificate, reason="持证人申请撤销")
    assert data is not None
    with pytest.raises(ValidationError):
        report_certificate(acting_user=cert_world.staff, body=cert_world.body, data=data)
