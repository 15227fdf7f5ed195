"""Fixtures of the register tests (prefixed ``reg_``): the regulator's people, an outsider, and a small
register built through the services, as the regulator would build it.

The register (``reg_world``):

- 中国质量认证中心, CNCA-R-2002-001, 北京: CCC and management systems, accredited by CNAS; approved.
  Its branch 中国质量认证中心上海分中心, CNCA-R-2002-011, 上海: approved.
- 方圆标志认证集团有限公司, CNCA-R-2002-002, 北京: management systems; approved.
- 華夏認證中心有限公司 (entered in traditional script), CNCA-R-2002-003, 北京: services; suspended.
- 南方有机产品认证有限公司, CNCA-R-2016-021, 广东: organic; withdrawn, with its reason.
- 未批准认证有限公司, 广东: applying, with no number: not in the public register.
- 国家家用电器质量检验检测中心, lab 160012050101, 广东: approved.
- people: 王建华 (auditor, management systems, at 中国质量认证中心) and 張偉 (inspector, CCC, at 方圆).
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
from certis.core.identifiers import make_identity_number, make_uscc
from certis.core.testing import person

Role = Membership.Role
TODAY = dt.date(2026, 3, 2)

WITHDRAWAL_REASON = "出具虚假认证结论，依法撤销批准。"
SUSPENSION_REASON = "监督检查发现未按认证规则实施审核，暂停批准三个月。"


reg_uscc = make_uscc
reg_identity_number = make_identity_number


def reg_body(
    acting_user: Any,
    name: str,
    stem: str,
    *,
    kind: str = Body.Kind.CERTIFICATION_BODY,
    region: str = "北京",
    number: str | None = None,
    scope: list[Scope] | None = None,
    parent: Body | None = None,
    approved_on: dt.date = dt.date(2020, 1, 6),
) -> Body:
    """A body entered and, when given a number, approved with its scope (``number=""``: next number)."""
    body = register.register_body(
        acting_user=acting_user,
        kind=kind,
        name=name,
        uscc=reg_uscc(stem),
        address=f"{region}某区某路1号",
        region=region,
        parent=parent,
    )
    if number is None:
        return body
    return register.approve_body(
        acting_user=acting_user,
        body=body,
        number=number or None,
        approved_on=approved_on,
        valid_until=dt.date(2029, 12, 31),
        scope=scope or [Scope(scheme=Scheme.MANAGEMENT_SYSTEM, category="质量管理体系")],
    )


@dataclass
class RegWorld:
    cqc: Body
    branch: Body
    fangyuan: Body
    huaxia: Body
    withdrawn: Body
    applying: Body
    lab: Body
    auditor: Person
    inspector: Person
    auditor_id: str
    inspector_id: str


@pytest.fixture
def reg_staff(regulator: Organisation) -> User:
    """Approval staff of the regulator: keeps the registers."""
    return person("reg_shenpi", regulator, Role.APPROVAL_STAFF)


@pytest.fixture
def reg_official(regulator: Organisation) -> User:
    """An approving official: sees masked identity numbers, does not keep the registers."""
    return person("reg_pizhun", regulator, Role.APPROVAL_OFFICIAL)


@pytest.fixture
def reg_outsider(db: Any) -> User:
    """A certification body's manager: another organisation, with no say over the registers."""
    body = Organisation.objects.create(name="某认证有限公司", kind=Organisation.Kind.CERTIFICATION_BODY)
    return person("reg_outsider", body, Role.MANAGER)


@pytest.fixture
def reg_world(reg_staff: User) -> RegWorld:
    staff = reg_staff
    cqc = reg_body(
        staff,
        "中国质量认证中心",
        "12100000400000717",
        number="CNCA-R-2002-001",
        scope=[
            Scope(scheme=Scheme.CCC, category="家用和类似用途设备", standards="GB 4706.1-2005"),
            Scope(scheme=Scheme.CCC, category="电线电缆", standards="GB/T 5023-2008"),
            Scope(scheme=Scheme.MANAGEMENT_SYSTEM, category="质量管理体系", standards="GB/T 19001-2016"),
        ],
    )
    register.record_accreditation(
        acting_user=staff,
        body=cqc,
        accreditation_body="中国合格评定国家认可委员会（CNAS）",
        number="CNAS C001-M",
        scope="质量管理体系认证",
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2029, 12, 31),
    )
    branch = reg_body(
        staff,
        "中国质量认证中心上海分中心",
        "12310000400000111",
        region="上海",
        number="CNCA-R-2002-011",
        parent=cqc,
    )
    fangyuan = reg_body(staff, "方圆标志认证集团有限公司", "91110000100011234", number="CNCA-R-2002-002")
    huaxia = reg_body(
        staff,
        "華夏認證中心有限公司",
        "91110000710923456",
        number="CNCA-R-2002-003",
        scope=[Scope(scheme=Scheme.SERVICE, category="商品售后服务", standards="GB/T 27922-2011")],
    )
    huaxia = register.change_body_status(
        acting_user=staff,
        body=huaxia,
        status=Body.Status.SUSPENDED,
        reason=SUSPENSION_REASON,
        effective_on=TODAY,
    )
    withdrawn = reg_body(
        staff,
        "南方有机产品认证有限公司",
        "91440101MA5CX1234",
        region="广东",
        number="CNCA-R-2016-021",
        scope=[Scope(scheme=Scheme.ORGANIC, category="有机植物生产", standards="GB/T 19630-2019")],
    )
    withdrawn = register.change_body_status(
        acting_user=staff,
        body=withdrawn,
        status=Body.Status.WITHDRAWN,
        reason=WITHDRAWAL_REASON,
        effective_on=dt.date(2025, 11, 3),
    )
    applying = reg_body(staff, "未批准认证有限公司", "91440300MA5FX6789", region="广东")
    lab = reg_body(
        staff,
        "国家家用电器质量检验检测中心",
        "12100000400123456",
        kind=Body.Kind.LAB,
        region="广东",
        number="160012050101",
        scope=[Scope(category="家用电器安全", standards="GB 4706.1-2005"), Scope(category="电磁兼容")],
    )
    auditor_id = reg_identity_number("11010519750312001")
    inspector_id = reg_identity_number("44010619880923003")
    auditor = register.register_person(
        acting_user=staff, name="王建华", identity_number=auditor_id, registration_number="2021-N1QMS-1234567"
    )
    inspector = register.register_person(
        acting_user=staff, name="張偉", identity_number=inspector_id, registration_number="2022-CCC-3234567"
    )
    register.qualify_person(
        acting_user=staff,
        person=auditor,
        role="auditor",
        grade="senior",
        schemes=[Scheme.MANAGEMENT_SYSTEM],
        field_codes=["19.05.01"],
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2099, 12, 31),
    )
    register.qualify_person(
        acting_user=staff,
        person=inspector,
        role="inspector",
        grade="qualified",
        schemes=[Scheme.CCC],
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2099, 12, 31),
    )
    register.employ_person(acting_user=staff, person=auditor, body=cqc, started_on=dt.date(2024, 1, 1))
    register.employ_person(acting_user=staff, person=inspector, body=fangyuan, started_on=dt.date(2024, 1, 1))
    return RegWorld(
        cqc=cqc,
        branch=branch,
        fangyuan=fangyuan,
        huaxia=huaxia,
        withdrawn=withdrawn,
        applying=applying,
        lab=lab,
        auditor=auditor,
        inspector=inspector,
        auditor_id=auditor_id,
        inspector_id=inspector_id,
    )
