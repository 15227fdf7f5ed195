"""Every event of a certificate's life reaches the public log (``certis.ledger``), in the transaction of the
change: reported, changed, suspended, reinstated, withdrawn, cancelled, expired, renewed; a bulk import
appends one entry per certificate it created or changed; nothing is logged for a change that is refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from certis.certificates.models import Certificate
from certis.certificates.rules import ReportContext, check_row
from certis.certificates.services.registry import (
    cancel_certificate,
    expire_due_certificates,
    reinstate_certificate,
    report_certificate,
    suspend_certificate,
    withdraw_certificate,
)
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row
from certis.certificates.tests.report_fixtures import cert_rows, csv_bytes, import_file
from certis.core.identifiers import make_identity_number
from certis.ledger.models import Entry

pytestmark = pytest.mark.django_db
SUBJECT = {"body": "CNCA-R-2002-001", "certificate": "2025010101000001"}


def entries(subject: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The certificates' entries in log order, each with its ``index`` added."""
    found = [json.loads(e.data) | {"index": e.index} for e in Entry.objects.order_by("index")]
    return [
        e
        for e in found
        if e["type"].startswith("certificate.") and (subject is None or e["subject"] == subject)
    ]


def chained(logged: list[dict[str, Any]]) -> bool:
    """Each entry names the one before it about the same subject; the first names none."""
    return [e["prev"] for e in logged] == [None, *(e["index"] for e in logged[:-1])]


def test_a_reported_certificate_is_logged_with_its_public_fields(cert_world: CertWorld) -> None:
    cert_report(cert_world)
    [entry] = entries()
    assert entry["type"] == "certificate.reported"
    assert entry["subject"] == SUBJECT
    assert entry["prev"] is None
    fields = entry["fields"]
    assert fields["holder_uscc"] == cert_row()["holder_uscc"]
    assert fields["status"] == "valid"
    assert fields["expires_on"] == "2030-05-31"
    assert fields["signatory_registration_number"] == "2020-NQA-100001"
    text = "".join(Entry.objects.values_list("data", flat=True))
    for stem in ("11010119800101001", "11010119850101002"):
        assert make_identity_number(stem) not in text  # nothing private


def test_a_report_again_logs_only_what_changed_and_an_unchanged_one_nothing(cert_world: CertWorld) -> None:
    cert_report(cert_world)
    cert_report(cert_world)
    assert len(entries()) == 1
    cert_report(cert_world, expires_on="2031-05-31")
    first, second = entries()
    assert second["type"] == "certificate.changed"
    assert second["fields"] == {"expires_on": "2031-05-31"}
    assert chained([first, second])


def test_each_status_move_is_logged_and_chained(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world)
    common = {"acting_user": cert_world.supervisor, "certificate": certificate, "sanction": True}
    suspend_certificate(until=dt.date(2026, 12, 31), reason="监督抽查不合格", **common)
    reinstate_certificate(reason="整改完成", **common)
    withdraw_certificate(reason="撤销", **common)
    logged = entries(SUBJECT)
    assert [e["type"] for e in logged] == [
        "certificate.reported",
        "certificate.suspended",
        "certificate.reinstated",
        "certificate.withdrawn",
    ]
    assert chained(logged)
    suspended = logged[1]["fields"]
    assert suspended == {
        "status": "suspended",
        "from": "valid",
        "effective_on": suspended["effective_on"],
        "until": "2026-12-31",
        "reason": "监督抽查不合格",
        "sanction": True,
    }


def test_a_refused_move_leaves_no_entry(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world)
    withdraw_certificate(acting_user=cert_world.staff, certificate=certificate, reason="撤销")
    before = Entry.objects.count()
    with pytest.raises(ValidationError):
        cancel_certificate(acting_user=cert_world.staff, certificate=certificate, reason="注销")
    assert Entry.objects.count() == before


def test_the_daily_expiry_logs_each_certificate(cert_world: CertWorld) -> None:
    cert_report(cert_world)
    expired = expire_due_certificates(today=dt.date(2030, 6, 2))
    assert expired == 1
    last = entries(SUBJECT)[-1]
    assert last["type"] == "certificate.expired"
    assert last["fields"]["effective_on"] == "2030-06-01"
    assert chained(entries(SUBJECT))


def test_a_renewal_by_report_logs_the_change_and_the_renewal(cert_world: CertWorld) -> None:
    cert_report(cert_world, expires_on="2026-01-31")
    Certificate.objects.update(status=Certificate.Status.EXPIRED)
    data = cert_report(cert_world, expires_on="2032-05-31")
    assert data.status == Certificate.Status.VALID
    assert [e["type"] for e in entries(SUBJECT)][-2:] == ["certificate.changed", "certificate.renewed"]


def test_a_bulk_import_logs_every_certificate_it_created_or_changed(cert_world: CertWorld) -> None:
    rows = cert_rows(5)
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    assert job.status == "applied"
    logged = entries()
    assert [e["subject"]["certificate"] for e in logged] == [row["number"] for row in rows]
    assert {e["type"] for e in logged} == {"certificate.reported"}
    rows[2]["expires_on"] = "2031-05-31"
    import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    again = entries()[5:]
    assert [(e["type"], e["subject"]["certificate"], e["prev"]) for e in again] == [
        ("certificate.changed", rows[2]["number"], logged[2]["index"])
    ]


def test_a_report_that_fails_leaves_no_entry(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world)
    data, errors = check_row(cert_row(expires_on="2031-05-31"), ReportContext.load(cert_world.body))
    assert data is not None and not errors
    withdraw_certificate(acting_user=cert_world.staff, certificate=certificate, reason="撤销")
    before = Entry.objects.count()
    with pytest.raises(ValidationError):
        report_certificate(acting_user=cert_world.staff, body=cert_world.body, data=data)
    assert Entry.objects.count() == before


def test_a_body_status_change_and_a_key_rotation_are_logged(cert_world: CertWorld) -> None:
    from certis.bodies.register.services import change_body_status
    from certis.certificates.services.keys import create_signing_key, rotate_signing_key

    change_body_status(
        acting_user=cert_world.supervisor, body=cert_world.other_body, status="suspended", reason="监督检查"
    )
    key = create_signing_key(acting_user=cert_world.supervisor)
    rotate_signing_key(acting_user=cert_world.supervisor, reason="定期轮换")
    found = [json.loads(e.data) for e in Entry.objects.order_by("index")]
    body = [e for e in found if e["subject"] == {"body": "CNCA-R-2002-002"}]
    assert [e["type"] for e in body] == ["body.approved", "body.status_changed"]
    assert body[1]["fields"]["status"] == "suspended"
    keys = [e["type"] for e in found if "signing_key" in e["subject"]]
    assert keys == ["signing_key.created", "signing_key.rotated"]
    assert found[-2]["subject"] == {"signing_key": key.kid}


def test_the_page_and_the_api_show_the_entry_and_its_inclusion_proof(cert_world: CertWorld) -> None:
    import base64
    import hashlib

    from django.test import Client

    from certis.ledger.services import integrate

    certificate = cert_report(cert_world)
    client = Client()
    url = f"/api/v1/certificates/{certificate.number}"
    pending = client.get(url).json()["log"]
    assert pending["tree_size"] is None and pending["inclusion_proof"] == []
    integrate()
    answer = client.get(url).json()["log"]
    assert json.loads(answer["entry"])["subject"] == SUBJECT
    # Checked here from RFC 6962 alone: the leaf hash and the audit path give the checkpoint's root.
    node = hashlib.sha256(b"\x00" + answer["entry"].encode()).digest()
    index, size = answer["index"], answer["tree_size"]
    path = [base64.b64decode(step) for step in answer["inclusion_proof"]]
    fn, sn = index, size - 1
    for step in path:
        if fn % 2 == 1 or fn == sn:
            node = hashlib.sha256(b"\x01" + step + node).digest()
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = hashlib.sha256(b"\x01" + node + step).digest()
        fn, sn = fn >> 1, sn >> 1
    assert base64.b64encode(node).decode() == answer["root_hash"]
    page = client.get(f"/certificates/{cert_world.body.number}/{certificate.number}/")
    assert answer["root_hash"] in page.content.decode()
