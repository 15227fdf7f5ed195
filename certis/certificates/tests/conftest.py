"""Fixtures of the certificate registry tests (prefixed ``cert_``), built through the services.

``cert_world``:

- 中国质量认证中心 (CNCA-R-2002-001): approved since 2020-01-06 for every scheme; ``staff`` reports for it.
  王建华 (registration 2020-NQA-100001) works there and is qualified for every scheme 2020–2030;
  李娜 (2020-NQA-100002) works there but her registration is suspended since 2026-01-05;
  張偉 (2020-NQA-100003) works at 方圆 only.
- 方圆标志认证集团有限公司 (CNCA-R-2002-002): management systems only; ``other_staff`` reports for it.
- ``supervisor``: the regulator's supervision staff. The anonymous visitor is a plain client.
- Standards: a handful per scheme (``STANDARDS``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from certis.accounts.models import Membership, Organisation, User
from certis.bodies.models import Body, Person, Scheme
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.certificates.models import Certificate, Standard
from certis.certificates.rules import ReportContext, check_row
from certis.certificates.services.registry import report_certificate
from certis.core.identifiers import make_identity_number, make_uscc
from certis.core.testing import person

Role = Membership.Role
ISSUED = dt.date(2025, 6, 1)

STANDARDS = [
    ("GB 4706.1-2005", "家用和类似用途电器的安全 第1部分：通用要求", ["ccc", "voluntary_product"]),
    ("GB 4943.1-2022", "音视频、信息技术和通信技术设备 第1部分：安全要求", ["ccc"]),
    ("GB/T 19001-2016", "质量管理体系 要求", ["management_system"]),
    ("ISO 9001:2015", "Quality management systems — Requirements", ["management_system"]),
    ("GB/T 24001-2016", "环境管理体系 要求及使用指南", ["management_system"]),
    ("GB/T 45001-2020", "职业健康安全管理体系 要求及使用指南", ["management_system"]),
    ("GB/T 27922-2011", "商品售后服务评价体系", ["service"]),
    ("GB/T 19630-2019", "有机产品 生产、加工、标识与管理体系要求", ["organic"]),
    ("GB/T 35601-2017", "绿色产品评价 人造板和木质地板", ["green_product"]),
]


@dataclass
class CertWorld:
    body: Body
    other_body: Body
    staff: User
    other_staff: User
    supervisor: User
    signatory: Person
    suspended_person: Person
    other_person: Person


def cert_person(acting_user: Any, name: str, registration: str, stem: str, body: Body) -> Person:
    someone = register.register_person(
        acting_user=acting_user,
        name=name,
        identity_number=make_identity_number(stem),
        registration_number=registration,
    )
    register.qualify_person(
        acting_user=acting_user,
        person=someone,
        role="auditor",
        grade="senior",
        schemes=list(Scheme.values),
        field_codes=[],
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2030, 12, 31),
    )
    register.employ_person(acting_user=acting_user, person=someone, body=body, started_on=dt.date(2020, 1, 6))
    return someone


@pytest.fixture
def cert_world(db: Any, regulator: Organisation) -> CertWorld:
    supervisor = person("supervisor", regulator, Role.SUPERVISOR)
    for code, title, schemes in STANDARDS:
        Standard.objects.update_or_create(code=code, defaults={"title": title, "schemes": schemes})
    body = register.approve_body(
        acting_user=supervisor,
        body=register.register_body(
            acting_user=supervisor,
            kind=Body.Kind.CERTIFICATION_BODY,
            name="中国质量认证中心",
            uscc=make_uscc("12100000400011234"),
            address="北京市丰台区南四环西路188号",
            region="北京",
        ),
        number="CNCA-R-2002-001",
        approved_on=dt.date(2020, 1, 6),
        valid_until=dt.date(2029, 12, 31),
        scope=[Scope(scheme=s, category=str(Scheme(s).label)) for s in Scheme.values],
    )
    other_body = register.approve_body(
        acting_user=supervisor,
        body=register.register_body(
            acting_user=supervisor,
            kind=Body.Kind.CERTIFICATION_BODY,
            name="方圆标志认证集团有限公司",
            uscc=make_uscc("91110000100011234"),
            address="北京市海淀区增光路33号",
            region="北京",
        ),
        number="CNCA-R-2002-002",
        approved_on=dt.date(2020, 1, 6),
        valid_until=dt.date(2029, 12, 31),
        scope=[Scope(scheme=Scheme.MANAGEMENT_SYSTEM, category="质量管理体系")],
    )
    signatory = cert_person(supervisor, "王建华", "2020-NQA-100001", "11010119800101001", body)
    suspended = cert_person(supervisor, "李娜", "2020-NQA-100002", "11010119850101002", body)
    Person.objects.filter(pk=suspended.pk).update(
        status=Person.Status.SUSPENDED, status_since=dt.date(2026, 1, 5), status_reason="暂停注册"
    )
    other_person = cert_person(supervisor, "張偉", "2020-NQA-100003", "11010119900101003", other_body)
    return CertWorld(
        body=body,
        other_body=other_body,
        staff=person("cqc_staff", body.organisation),
        other_staff=person("fy_staff", other_body.organisation),
        supervisor=supervisor,
        signatory=signatory,
        suspended_person=Person.objects.get(pk=suspended.pk),
        other_person=other_person,
    )


def cert_row(scheme: str = Scheme.CCC, **overrides: Any) -> dict[str, Any]:
    """A report that passes every rule for 中国质量认证中心, as a body would send it (strings only)."""
    row: dict[str, Any] = {
        "number": "2025010101000001",
        "scheme": scheme,
        "holder_name": "美的集团股份有限公司",
        "holder_uscc": make_uscc("91440606722473701"),
        "holder_address": "广东省佛山市顺德区北滘镇美的大道6号",
        "standards": "GB 4706.1-2005",
        "first_issued_on": "2022-06-01",
        "issued_on": str(ISSUED),
        "expires_on": "2030-05-31",
        "signatory": "2020-NQA-100001",
    }
    if scheme in (Scheme.CCC, Scheme.VOLUNTARY_PRODUCT, Scheme.GREEN_PRODUCT):
        row.update(
            product="电饭锅",
            product_models="MB-FB40; MB-FB50",
            manufacturer="美的集团股份有限公司",
            factory="广东美的生活电器制造有限公司",
            trademark="美的",
        )
    if scheme == Scheme.CCC:
        row.update(product_code="0705", mode="型式试验+初始工厂检查+获证后监督")
    if scheme == Scheme.GREEN_PRODUCT:
        row.update(standards="GB/T 35601-2017")
    if scheme == Scheme.SERVICE:
        row.update(scope="家用电器的售后服务", standards="GB/T 27922-2011")
    if scheme == Scheme.MANAGEMENT_SYSTEM:
        row.update(
            scope="家用电器的设计、生产和销售",
            standards="GB/T 19001-2016; ISO 9001:2015",
            sites="广东省佛山市顺德区北滘镇美的大道6号: 设计和销售; 广东省佛山市顺德区容桂街道: 生产",
        )
    if scheme == Scheme.ORGANIC:
        row.update(product="有机大米", scope="有机大米的种植和加工", standards="GB/T 19630-2019")
    row.update(overrides)
    return row


def cert_report(world: CertWorld, scheme: str = Scheme.CCC, **overrides: Any) -> Certificate:
    """Report a certificate through the rules and the service, as the form does."""
    data, errors = check_row(cert_row(scheme, **overrides), ReportContext.load(world.body))
    assert not errors, errors
    assert data is not None
    certificate, _created = report_certificate(acting_user=world.staff, body=world.body, data=data)
    return certificate


@pytest.fixture
def cert_certificate(cert_world: CertWorld) -> Certificate:
    return cert_report(cert_world)
