"""What the tests of public verification share (registered through ``pytest_plugins`` in the root conftest).

``pub_world`` is ``cert_world`` with a registry that has one certificate in every status:

- ``valid``: 美的集团股份有限公司's CCC certificate 2025010101000001 (电饭锅, MB-FB40; MB-FB50), valid until
  2030-05-31;
- ``traditional``: a management-system certificate of 深圳市華美電器（集團）有限公司, a holder registered in
  traditional script with full-width brackets;
- ``suspended`` (until a date, with a reason), ``withdrawn`` (the regulator's sanction), ``cancelled``;
- ``expired``: expired and recorded by the nightly task; ``lapsed``: past its expiry date, still recorded as
  valid (the task has not run yet);
- ``shared``: number 2025SHARED001, issued by both bodies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from certis.bodies.models import Body, Scheme
from certis.certificates.models import Certificate
from certis.certificates.rules import ReportContext, check_row
from certis.certificates.services.registry import (
    cancel_certificate,
    expire_due_certificates,
    report_certificate,
    suspend_certificate,
    withdraw_certificate,
)
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row
from certis.core.identifiers import make_uscc

__all__ = [
    "SUSPENSION_REASON",
    "WITHDRAWAL_REASON",
    "PubWorld",
    "fresh_rate_limits",
    "pub_world",
    "report_for",
]

SUSPENSION_REASON = "监督审核发现严重不符合项，暂停三个月。"
WITHDRAWAL_REASON = "出具虚假认证结论，撤销证书。"
CANCELLATION_REASON = "获证组织申请注销。"
TRADITIONAL_NAME = "深圳市華美電器（集團）有限公司"
TRADITIONAL_USCC = make_uscc("91440300MA5F00012")
OTHER_USCC = make_uscc("91330100MA2H00034")


@dataclass
class PubWorld:
    world: CertWorld
    valid: Certificate
    traditional: Certificate
    suspended: Certificate
    withdrawn: Certificate
    cancelled: Certificate
    expired: Certificate
    lapsed: Certificate
    shared: Certificate
    shared_other: Certificate
    today: dt.date

    @property
    def suspended_until(self) -> dt.date:
        return self.today + dt.timedelta(days=90)


def report_for(
    world: CertWorld, body: Body, acting_user: Any, scheme: str = Scheme.CCC, **overrides: Any
) -> Certificate:
    """Report a certificate for any body, through the rules and the service."""
    data, errors = check_row(cert_row(scheme, **overrides), ReportContext.load(body))
    assert not errors, errors
    assert data is not None
    certificate, _created = report_certificate(acting_user=acting_user, body=body, data=data)
    return certificate


def _other_holder(**overrides: Any) -> dict[str, Any]:
    return {
        "holder_name": "浙江正泰电器股份有限公司",
        "holder_uscc": OTHER_USCC,
        "holder_address": "浙江省温州市",
    } | overrides


@pytest.fixture
def pub_world(cert_world: CertWorld) -> PubWorld:
    w = cert_world
    today = timezone.localdate()
    staff, org = w.staff, w.body.organisation
    valid = cert_report(w)
    traditional = cert_report(
        w,
        Scheme.MANAGEMENT_SYSTEM,
        number="2025MS0001",
        holder_name=TRADITIONAL_NAME,
        holder_uscc=TRADITIONAL_USCC,
        holder_address="深圳市南山區科技園",
    )
    suspended = cert_report(
        w, number="2025010101000002", **_other_holder(product="电热水壶", product_models="SH-1")
    )
    suspend_certificate(
        acting_user=staff,
        certificate=suspended,
        until=today + dt.timedelta(days=90),
        reason=SUSPENSION_REASON,
        organisation=org,
    )
    withdrawn = cert_report(
        w, number="2025010101000003", **_other_holder(product="吸油烟机", product_models="CXW-200-1")
    )
    withdraw_certificate(
        acting_user=w.supervisor, certificate=withdrawn, reason=WITHDRAWAL_REASON, sanction=True
    )
    cancelled = cert_report(w, Scheme.SERVICE, number="2025SV0004", **_other_holder())
    cancel_certificate(acting_user=staff, certificate=cancelled, reason=CANCELLATION_REASON, organisation=org)
    old = {"first_issued_on": "2020-03-02", "issued_on": "2020-03-02", "expires_on": "2023-03-01"}
    expired = cert_report(w, Scheme.SERVICE, number="2020SV0005", **_other_holder(**old))
    expire_due_certificates(today=today)
    lapsed = cert_report(w, Scheme.SERVICE, number="2020SV0006", **_other_holder(**old))
    shared = cert_report(w, Scheme.MANAGEMENT_SYSTEM, number="2025SHARED001", **_other_holder())
    shared_other = report_for(
        w,
        w.other_body,
        w.other_staff,
        Scheme.MANAGEMENT_SYSTEM,
        number="2025shared001",
        signatory="2020-NQA-100003",
        **_other_holder(),
    )
    return PubWorld(
        world=w,
        valid=valid,
        traditional=traditional,
        suspended=Certificate.objects.get(pk=suspended.pk),
        withdrawn=Certificate.objects.get(pk=withdrawn.pk),
        cancelled=Certificate.objects.get(pk=cancelled.pk),
        expired=Certificate.objects.get(pk=expired.pk),
        lapsed=lapsed,
        shared=shared,
        shared_other=shared_other,
        today=today,
    )


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    """Rate limits and report limits are counted in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
