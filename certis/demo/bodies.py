"""Demonstration registers: certification bodies and labs with scope, accreditation and history, registered
personnel, the regulator's approval staff, and applications at every stage.

Identifiers are made up but well formed: each USCC and identity number gets its real check character.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from certis.accounts.models import Membership, Organisation, User
from certis.bodies.models import Body, Person, Scheme
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.core.identifiers import make_identity_number, make_uscc
from certis.core.text import normalize
from certis.demo import applications as application_demo
from certis.demo.accounts import PASSWORD, ensure_person, regulator

Role = Membership.Role


# name, USCC stem, address, region, number, approved on, scope [(scheme, category, standards)]
CERTIFICATION_BODIES = [
    (
        "中国质量认证中心",
        "12100000400000XXX".replace("XXX", "717"),
        "北京市丰台区南四环西路188号9区",
        "北京",
        "CNCA-R-2002-001",
        dt.date(2002, 8, 1),
        [
            (Scheme.CCC, "家用和类似用途设备", "GB 4706.1-2005"),
            (Scheme.CCC, "电线电缆", "GB/T 5023-2008"),
            (Scheme.MANAGEMENT_SYSTEM, "质量管理体系", "GB/T 19001-2016/ISO 9001:2015"),
            (Scheme.GREEN_PRODUCT, "绿色建材", "GB/T 35609-2017"),
        ],
    ),
    (
        "方圆标志认证集团有限公司",
        "91110000100011234",
        "北京市海淀区增光路33号",
        "北京",
        "CNCA-R-2002-002",
        dt.date(2002, 9, 1),
        [
            (Scheme.MANAGEMENT_SYSTEM, "质量管理体系", "GB/T 19001-2016/ISO 9001:2015"),
            (Scheme.MANAGEMENT_SYSTEM, "环境管理体系", "GB/T 24001-2016/ISO 14001:2015"),
            (Scheme.VOLUNTARY_PRODUCT, "建筑材料", "GB 6566-2010"),
        ],
    ),
    (
        "華夏認證中心有限公司",
        "91110000710923456",
        "北京市朝阳区北三环东路18号",
        "北京",
        "CNCA-R-2002-003",
        dt.date(2002, 10, 1),
        [
            (Scheme.MANAGEMENT_SYSTEM, "职业健康安全管理体系", "GB/T 45001-2020/ISO 45001:2018"),
            (Scheme.SERVICE, "商品售后服务", "GB/T 27922-2011"),
        ],
    ),
    (
        "南方有机产品认证有限公司",
        "91440101MA5CX12345",
        "广州市天河区体育西路100号",
        "广东",
        "CNCA-R-2016-021",
        dt.date(2016, 5, 20),
        [(Scheme.ORGANIC, "有机植物生产", "GB/T 19630-2019")],
    ),
]

# name, USCC stem, address, region, CMA number, scope [(test item, standards)]
LABS = [
    (
        "国家家用电器质量检验检测中心",
        "12100000400123456",
        "广东省顺德区大良街道",
        "广东",
        "160012050101",
        [("家用电器安全", "GB 4706.1-2005"), ("电磁兼容", "GB 4343.1-2018")],
    ),
    (
        "上海电器设备检测所有限公司",
        "91310000132209876",
        "上海市普陀区武宁路505号",
        "上海",
        "170009120345",
        [("低压电器", "GB/T 14048.1-2023"), ("电线电缆", "GB/T 5023-2008")],
    ),
]

# name, identity number stem, registration number, role, grade, schemes, employer (body name)
PERSONNEL = [
    (
        "王建华",
        "11010519750312001",
        "2021-N1QMS-1234567",
        "auditor",
        "senior",
        ["management_system"],
        "中国质量认证中心",
    ),
    (
        "李秀英",
        "31010419820517002",
        "2019-N1EMS-2234567",
        "auditor",
        "qualified",
        ["management_system"],
        "方圆标志认证集团有限公司",
    ),
    ("張偉", "44010619880923003", "2022-CCC-3234567", "inspector", "qualified", ["ccc"], "中国质量认证中心"),
    (
        "刘芳",
        "11010819900101004",
        "2023-ORG-4234567",
        "inspector",
        "trainee",
        ["organic"],
        "南方有机产品认证有限公司",
    ),
]


def _approval_staff() -> dict[str, User]:
    unit = Organisation.objects.filter(name_key=normalize("认可部"), kind="department").first() or regulator()
    return {
        "shenpi": ensure_person("shenpi", "孙审批（认可部）", unit, Role.APPROVAL_STAFF),
        "pizhun": ensure_person("pizhun", "吴批准（认可部负责人）", unit, Role.APPROVAL_OFFICIAL),
        "pingshen": ensure_person("pingshen", "郑评审（技术评审员）", regulator(), Role.REVIEWER),
    }


def _bodies(staff: User) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for name, stem, address, region, number, approved_on, scope in CERTIFICATION_BODIES:
        body = Body.objects.filter(number=number).first()
        if body is None:
            body = register.register_body(
                acting_user=staff,
                kind=Body.Kind.CERTIFICATION_BODY,
                name=name,
                uscc=make_uscc(stem[:17]),
                address=address,
                region=region,
            )
            register.record_accreditation(
                acting_user=staff,
                body=body,
                accreditation_body="中国合格评定国家认可委员会（CNAS）",
                number=f"CNAS C{number[-3:]}-M",
                scope="见认可证书附件",
                valid_from=dt.date(2024, 1, 1),
                valid_until=dt.date(2029, 12, 31),
            )
            body = register.approve_body(
                acting_user=staff,
                body=body,
                number=number,
                approved_on=approved_on,
                valid_until=dt.date(2029, 12, 31),
                scope=[Scope(scheme=s, category=c, standards=std) for s, c, std in scope],
            )
        bodies[name] = body
    for name, stem, address, region, number, test_items in LABS:
        lab = Body.objects.filter(number=number).first()
        if lab is None:
            lab = register.register_body(
                acting_user=staff,
                kind=Body.Kind.LAB,
                name=name,
                uscc=make_uscc(stem[:17]),
                address=address,
                region=region,
            )
            lab = register.approve_body(
                acting_user=staff,
                body=lab,
                number=number,
                approved_on=dt.date(2020, 3, 1),
                valid_until=dt.date(2026, 2, 28) + dt.timedelta(days=365 * 2),
                scope=[Scope(category=c, standards=std) for c, std in test_items],
            )
        bodies[name] = lab
    return bodies


def _history(staff: User, bodies: dict[str, Body]) -> None:
    """One suspended body and one withdrawn, so the register shows what that looks like."""
    suspended = bodies["華夏認證中心有限公司"]
    if (
        suspended.status == Body.Status.APPROVED
        and not suspended.status_changes.filter(to_status="suspended").exists()
    ):
        register.change_body_status(
            acting_user=staff,
            body=suspended,
            status=Body.Status.SUSPENDED,
            reason="监督检查发现未按认证规则实施审核，暂停批准三个月。",
            effective_on=timezone.localdate() - dt.timedelta(days=20),
        )
    withdrawn = bodies["南方有机产品认证有限公司"]
    if withdrawn.status == Body.Status.APPROVED:
        register.change_body_status(
            acting_user=staff,
            body=withdrawn,
            status=Body.Status.WITHDRAWN,
            reason="出具虚假认证结论，依法撤销批准。",
            effective_on=timezone.localdate() - dt.timedelta(days=90),
        )


def _personnel(staff: User, bodies: dict[str, Body]) -> None:
    for name, stem, registration, role, grade, schemes, employer in PERSONNEL:
        if Person.objects.filter(registration_number=registration).exists():
            continue
        person = register.register_person(
            acting_user=staff,
            name=name,
            identity_number=make_identity_number(stem),
            registration_number=registration,
        )
        register.qualify_person(
            acting_user=staff,
            person=person,
            role=role,
            grade=grade,
            schemes=schemes,
            field_codes=["19.05.01"] if "management_system" in schemes else [],
            valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2027, 12, 31),
        )
        register.employ_person(
            acting_user=staff, person=person, body=bodies[employer], started_on=dt.date(2024, 1, 1)
        )


def _body_accounts(bodies: dict[str, Body]) -> dict[str, User]:
    return {
        "cqc": ensure_person(
            "cqc", "陈认证（中国质量认证中心）", bodies["中国质量认证中心"].organisation, Role.MANAGER
        ),
        "lab": ensure_person(
            "lab",
            "林检测（上海电器设备检测所）",
            bodies["上海电器设备检测所有限公司"].organisation,
            Role.MANAGER,
        ),
    }


LOGINS = [
    ("shenpi", "认可部 approval staff: accepts, returns, assigns reviewers, issues, publishes"),
    ("pizhun", "认可部 approving official: decides applications"),
    ("pingshen", "technical reviewer: sees the applications assigned to them"),
    ("cqc", "manager at 中国质量认证中心 (a certification body)"),
    ("lab", "manager at 上海电器设备检测所 (a lab)"),
]


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    staff = _approval_staff()
    bodies = _bodies(staff["shenpi"])
    _history(staff["shenpi"], bodies)
    _personnel(staff["shenpi"], bodies)
    _body_accounts(bodies)
    applicants = application_demo.load(stdout)
    stdout.write(
        f"Bodies: {Body.objects.filter(kind=Body.Kind.CERTIFICATION_BODY).count()} certification bodies, "
        f"{Body.objects.filter(kind=Body.Kind.LAB).count()} labs, {Person.objects.count()} registered people."
    )
    return [(username, PASSWORD, what) for username, what in LOGINS] + applicants
