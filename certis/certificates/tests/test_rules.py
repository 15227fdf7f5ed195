"""Every field rule of a reported certificate: what passes, and each reason a row is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from certis.bodies.models import Scheme
from certis.certificates.models import Certificate
from certis.certificates.rules import ReportContext, check_row, parse_date
from certis.certificates.schemes import required_fields
from certis.certificates.services.registry import withdraw_certificate
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row


def codes(world: CertWorld, body: Any = None, **row: Any) -> set[tuple[str, str]]:
    scheme = row.pop("scheme", Scheme.CCC)
    with translation.override("en"):
        _data, errors = check_row(cert_row(scheme, **row), ReportContext.load(body or world.body))
    return {(e.field, e.code) for e in errors}


@pytest.mark.parametrize("scheme", Scheme.values)
def test_a_complete_report_of_each_scheme_passes(cert_world: CertWorld, scheme: str) -> None:
    data, errors = check_row(cert_row(scheme), ReportContext.load(cert_world.body))
    assert errors == []
    assert data is not None
    assert data["signatory_id"] == cert_world.signatory.pk
    assert data["issued_on"] == dt.date(2025, 6, 1)


@pytest.mark.parametrize("scheme", Scheme.values)
def test_each_required_field_of_each_scheme_is_named_when_missing(cert_world: CertWorld, scheme: str) -> None:
    for name in required_fields(scheme):
        if name == "scheme":
            continue
        assert (name, "missing") in codes(cert_world, scheme=scheme, **{name: ""}), name


def test_management_system_sites_keep_their_own_scope(cert_world: CertWorld) -> None:
    data, _errors = check_row(cert_row(Scheme.MANAGEMENT_SYSTEM), ReportContext.load(cert_world.body))
    assert data is not None
    assert data["sites"][1] == {"address": "广东省佛山市顺德区容桂街道", "scope": "生产"}
    assert data["standards"] == ["GB/T 19001-2016", "ISO 9001:2015"]


def test_scheme_may_be_named_in_chinese_and_an_unknown_one_is_refused(cert_world: CertWorld) -> None:
    with translation.override("zh-hans"):
        label = str(Scheme.CCC.label)
    _data, errors = check_row({**cert_row(), "scheme": label}, ReportContext.load(cert_world.body))
    assert errors == []
    assert ("scheme", "unknown_scheme") in codes(cert_world, scheme="好产品认证")


def test_a_bad_uscc_is_refused_with_what_is_wrong(cert_world: CertWorld) -> None:
    good = cert_row()["holder_uscc"]
    assert ("holder_uscc", "bad_uscc") in codes(
        cert_world, holder_uscc=good[:-1] + ("0" if good[-1] != "0" else "1")
    )
    assert ("holder_uscc", "bad_uscc") in codes(cert_world, holder_uscc="123")


def test_dates_are_read_in_the_usual_forms_and_refused_out_of_order(cert_world: CertWorld) -> None:
    assert (
        parse_date("2026年3月1日")
        == parse_date("2026/3/1")
        == parse_date("2026.03.01")
        == dt.date(2026, 3, 1)
    )
    assert parse_date(dt.datetime(2026, 3, 1, 0, 0)) == dt.date(2026, 3, 1)
    assert ("issued_on", "bad_date") in codes(cert_world, issued_on="next week")
    assert ("issued_on", "bad_date") in codes(cert_world, issued_on="2026-02-30")
    assert ("expires_on", "dates_out_of_order") in codes(cert_world, expires_on="2025-06-01")
    assert ("first_issued_on", "dates_out_of_order") in codes(cert_world, first_issued_on="2025-07-01")
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert ("issued_on", "issued_in_future") in codes(cert_world, issued_on=future, expires_on="2035-01-01")


def test_first_issue_defaults_to_the_issue_date(cert_world: CertWorld) -> None:
    data, _errors = check_row(cert_row(first_issued_on=""), ReportContext.load(cert_world.body))
    assert data is not None and data["first_issued_on"] == data["issued_on"]


def test_an_unknown_standard_is_refused_and_known_ones_match_in_any_width(cert_world: CertWorld) -> None:
    assert ("standards", "unknown_standard") in codes(cert_world, standards="GB 4706.1-2005; GB 9999-2099")
    data, errors = check_row(cert_row(standards="ＧＢ　4706.1-2005"), ReportContext.load(cert_world.body))
    assert errors == [] and data is not None and data["standards"] == ["GB 4706.1-2005"]


def test_signatory_must_be_registered_with_this_body_and_in_good_standing(cert_world: CertWorld) -> None:
    assert ("signatory", "signatory_not_registered") in codes(cert_world, signatory="2099-XXX-000000")
    # 張偉 is registered, but with another body
    assert ("signatory", "signatory_not_registered") in codes(cert_world, signatory="2020-NQA-100003")
    # 李娜 is suspended since 2026-01-05: she could sign before, not after
    assert codes(cert_world, signatory="2020-NQA-100002", issued_on="2025-12-31") == set()
    assert ("signatory", "signatory_not_in_good_standing") in codes(
        cert_world, signatory="2020-NQA-100002", issued_on="2026-01-05", expires_on="2029-01-04"
    )
    # before anyone was qualified
    assert ("signatory", "signatory_not_registered") in codes(
        cert_world, issued_on="2019-06-01", first_issued_on="2019-06-01"
    )


def test_a_body_reports_only_within_its_approved_scope(cert_world: CertWorld) -> None:
    # 方圆 is approved for management systems only, and 王建华 does not work there
    found = codes(cert_world, body=cert_world.other_body, signatory="2020-NQA-100003")
    assert ("scheme", "out_of_scope") in found
    assert (
        codes(
            cert_world,
            body=cert_world.other_body,
            scheme=Scheme.MANAGEMENT_SYSTEM,
            signatory="2020-NQA-100003",
        )
        == set()
    )


def test_a_withdrawn_certificate_cannot_be_reported_again(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world)
    withdraw_certificate(
        acting_user=cert_world.supervisor, certificate=certificate, reason="伪造检测报告", sanction=True
    )
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.WITHDRAWN
    assert ("number", "certificate_closed") in codes(cert_world)


def test_overlong_text_is_refused(cert_world: CertWorld) -> None:
    assert ("holder_name", "too_long") in codes(cert_world, holder_name="长" * 201)


def test_synthetic_rows_pass_every_rule(cert_world: CertWorld) -> None:
    from certis.demo.synthetic import certificate_rows

    context = ReportContext.load(cert_world.body)
    rows = certificate_rows(300, signatories=["2020-NQA-100001"], holders_count=50, today=dt.date(2026, 6, 1))
    for number, row in enumerate(rows, start=1):
        _data, errors = check_row(row, context, number)
        assert errors == [], errors


def test_a_suspended_body_may_not_report(cert_world: CertWorld) -> None:
    from certis.bodies.register.services import change_body_status

    change_body_status(
        acting_user=cert_world.supervisor, body=cert_world.body, status="suspended", reason="整改"
    )
    cert_world.body.refresh_from_db()
    assert ("scheme", "body_not_approved") in codes(cert_world)
