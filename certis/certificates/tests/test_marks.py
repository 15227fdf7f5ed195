"""Certification marks: who issues batches of serials, the refusals (overlap, bad range, certificate not
valid), and the checks of a serial or a mark's code, answered like a certificate's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from certis.audit.models import AuditEvent, EventType
from certis.certificates.models import Certificate, MarkBatch
from certis.certificates.selectors.codes import (
    mark_code_for,
    parse_serial,
    serial_text,
    verify_code,
    verify_mark_serial,
)
from certis.certificates.services.marks import issue_marks
from certis.certificates.services.registry import suspend_certificate, withdraw_certificate
from certis.certificates.tests.code_fixtures import altered, foreign_key, header_of, payload_of, sign_with
from certis.certificates.tests.conftest import CertWorld

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2025, 7, 1)


def issue(
    world: CertWorld,
    certificate: Certificate,
    prefix: str = "A",
    first: int = 1000,
    last: int = 1999,
    **kw: Any,
) -> MarkBatch:
    return issue_marks(
        acting_user=kw.pop("user", world.staff),
        certificate=certificate,
        prefix=prefix,
        first=first,
        last=last,
        issued_on=kw.pop("issued_on", ISSUED),
    )


def answer(text: str) -> tuple[str, str]:
    result = verify_mark_serial(text)
    return result.verdict, result.reason


# Issuing.


def test_the_certificates_body_issues_a_batch_with_an_audit_event(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    batch = issue(cert_world, cert_certificate, prefix="a")
    assert (batch.prefix, batch.first, batch.last, batch.issued_by) == ("A", 1000, 1999, cert_world.staff)
    event = AuditEvent.objects.get(event_type=EventType.MARKS_ISSUED)
    assert event.actor == cert_world.staff
    assert event.actor_organisation == cert_world.body.organisation
    assert event.data["count"] == 1000 and event.data["certificate"] == cert_certificate.number


def test_supervision_staff_may_issue_marks_too(cert_world: CertWorld, cert_certificate: Certificate) -> None:
    batch = issue(cert_world, cert_certificate, user=cert_world.supervisor)
    assert batch.issued_by == cert_world.supervisor


@pytest.mark.parametrize("who", ["other_staff", "anonymous", "nobody"])
def test_another_body_or_an_anonymous_visitor_may_not(
    cert_world: CertWorld, cert_certificate: Certificate, who: str
) -> None:
    user = {"other_staff": cert_world.other_staff, "anonymous": AnonymousUser(), "nobody": None}[who]
    with pytest.raises(PermissionDenied):
        issue(cert_world, cert_certificate, user=user)
    assert not MarkBatch.objects.exists()


@pytest.mark.parametrize(("first", "last"), [(1500, 1600), (500, 1000), (1999, 3000), (0, 5000)])
def test_overlapping_serials_within_a_prefix_are_refused(
    cert_world: CertWorld, cert_certificate: Certificate, first: int, last: int
) -> None:
    issue(cert_world, cert_certificate)
    with translation.override("en"), pytest.raises(ValidationError, match="A1000–A1999 were issued already"):
        issue(cert_world, cert_certificate, first=first, last=last)
    assert MarkBatch.objects.count() == 1


def test_adjacent_ranges_and_other_prefixes_are_fine(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue(cert_world, cert_certificate)
    issue(cert_world, cert_certificate, first=2000, last=2999)
    issue(cert_world, cert_certificate, first=0, last=999)
    issue(cert_world, cert_certificate, prefix="B")
    assert MarkBatch.objects.count() == 4


@pytest.mark.parametrize(
    ("prefix", "first", "last", "message"),
    [
        ("A", 2000, 1000, "must not come before"),
        ("A", -1, 10, "whole numbers"),
        ("A", 1, 10**13, "whole numbers"),
        ("A", "1", 10, "whole numbers"),
        ("1A", 1, 10, "one to four letters"),
        ("ABCDE", 1, 10, "one to four letters"),
        ("", 1, 10, "one to four letters"),
        ("A", 1, 20_000_000, "at most"),
    ],
)
def test_bad_ranges_are_refused(
    cert_world: CertWorld, cert_certificate: Certificate, prefix: str, first: Any, last: Any, message: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        issue(cert_world, cert_certificate, prefix=prefix, first=first, last=last)
    assert not MarkBatch.objects.exists()


def test_marks_are_issued_only_for_a_valid_certificate(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    suspend_certificate(
        acting_user=cert_world.staff,
        certificate=cert_certificate,
        reason="监督检查不合格",
        until=dt.date(2099, 1, 1),
        organisation=cert_world.body.organisation,
    )
    with translation.override("en"), pytest.raises(ValidationError, match="not valid"):
        issue(cert_world, cert_certificate)


@pytest.mark.parametrize(
    ("issued_on", "message"),
    [(dt.date(2099, 1, 1), "still to come"), (dt.date(2020, 1, 1), "in force")],
)
def test_the_issue_date_is_within_the_certificates_life_and_not_ahead(
    cert_world: CertWorld, cert_certificate: Certificate, issued_on: dt.date, message: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        issue(cert_world, cert_certificate, issued_on=issued_on)


# Checking a serial.


def test_a_serial_in_a_batch_of_a_valid_certificate_is_genuine(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue(cert_world, cert_certificate)
    result = verify_mark_serial("A1500")
    assert (result.verdict, result.reason, result.serial) == ("valid", "mark_in_batch", "A1500")
    assert result.certificate == cert_certificate
    assert answer("a 0000001999") == ("valid", "mark_in_batch")  # any case, spaces and leading zeros
    assert answer("Ａ１０００") == ("valid", "mark_in_batch")  # full width


@pytest.mark.parametrize("serial", ["A999", "A2000", "B1500"])
def test_a_serial_outside_every_batch_is_not_found(
    cert_world: CertWorld, cert_certificate: Certificate, serial: str
) -> None:
    issue(cert_world, cert_certificate)
    assert answer(serial) == ("not_found", "mark_not_found")


@pytest.mark.parametrize("serial", ["", "1234", "ABCDE1", "A", "A12.5", "x" * 500])
def test_what_is_not_a_serial_is_malformed(db: Any, serial: str) -> None:
    assert answer(serial) == ("malformed", "malformed_code")


def test_a_mark_of_a_suspended_certificate_answers_revoked_with_the_dates(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue(cert_world, cert_certificate)
    suspend_certificate(
        acting_user=cert_world.staff,
        certificate=cert_certificate,
        reason="监督检查不合格",
        until=dt.date(2099, 1, 1),
        organisation=cert_world.body.organisation,
    )
    result = verify_mark_serial("A1500")
    assert (result.verdict, result.reason) == ("revoked", "certificate_suspended")
    assert (result.since, result.until) == (timezone.localdate(), dt.date(2099, 1, 1))
    with translation.override("en"):
        assert "Mark A1500 belongs to certificate 2025010101000001" in result.message


# A mark's code.


def test_a_marks_code_is_signed_like_a_certificates_and_verifies(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue(cert_world, cert_certificate)
    code = mark_code_for("A", 1234)
    assert header_of(code)["typ"] == "mark"
    assert payload_of(code) == {"v": 1, "m": "A1234", "n": "2025010101000001", "b": "CNCA-R-2002-001"}
    result = verify_code(code)
    assert (result.verdict, result.reason, result.serial) == ("valid", "signature_valid", "A1234")


def test_a_marks_code_answers_altered_unknown_key_and_revoked_like_a_certificates(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue(cert_world, cert_certificate)
    code = mark_code_for("A", 1234)
    assert verify_code(altered(code, m="A99999")).verdict == "altered"
    forged = sign_with(foreign_key(), payload_of(code), kid="someone-else", typ="mark")
    assert verify_code(forged).verdict == "unknown_key"
    withdraw_certificate(
        acting_user=cert_world.supervisor, certificate=cert_certificate, reason="伪造检测报告", sanction=True
    )
    result = verify_code(code)
    assert (result.verdict, result.reason) == ("revoked", "certificate_withdrawn")


def test_a_mark_code_is_made_only_for_an_issued_serial(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    issue(cert_world, cert_certificate)
    with pytest.raises(ValidationError):
        mark_code_for("A", 5000)


@given(prefix=st.from_regex(r"[A-Z]{1,4}", fullmatch=True), number=st.integers(0, 10**12 - 1))
def test_a_serial_reads_back_as_written(prefix: str, number: int) -> None:
    assert parse_serial(serial_text(prefix, number)) == (prefix, number)
    assert parse_serial(f" {prefix.lower()}-{number:012d} ") == (prefix, number)


def test_a_signed_mark_code_naming_another_certificate_than_its_batch_is_superseded(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    from certis.certificates.signing import MARK_TYPE, sign

    issue(cert_world, cert_certificate)
    code = sign(MARK_TYPE, {"v": 1, "m": "A1234", "n": "2025010101000009", "b": "CNCA-R-2002-001"})
    result = verify_code(code)
    assert (result.verdict, result.reason, result.changed) == ("superseded", "fields_differ", ("n",))
    assert result.certificate == cert_certificate
