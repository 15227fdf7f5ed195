"""The cast and helpers of the application tests (fixtures prefixed ``app_``), registered for every test
in the root ``conftest.py`` (``pytest_plugins``); test modules import its helper functions by name.

People: ``app_staff`` (approval staff), ``app_official`` (approving official), ``app_reviewer`` and
``app_other_reviewer`` (technical reviewers of the regulator), ``app_applicant`` (manager of 新锐认证有限公司,
a certification body not yet in the register), ``app_cqc_manager`` (manager of 中国质量认证中心, approved and
accredited), ``app_lab_staff`` (staff of a lab not yet in the register), ``app_outsider`` (manager of another
certification body). The anonymous visitor is a plain ``Client()``.

Dates are fixed: time is passed to the services as ``now``, never waited for. 2026-03-02 is a Monday.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certis.accounts.models import Membership, Organisation, User
from certis.audit.models import AuditEvent
from certis.bodies.applications import services
from certis.bodies.models import Application, Body, Decision, Scheme
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.core.identifiers import make_uscc
from certis.core.testing import person

Role = Membership.Role
Stage = Application.Stage
ZONE = ZoneInfo("Asia/Shanghai")
NEW_BODY_USCC = "91110108MA01ABCD1"


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment on a day, Beijing time."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=ZONE)


# --- files ---------------------------------------------------------------------------------------------------


def pdf(name: str = "章程.pdf", size: int = 0) -> SimpleUploadedFile:
    content = b"%PDF-1.4\n% a charter\n" + b"0" * size + b"\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "营业执照.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")


def jpg(name: str = "场所照片.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"\x00" * 32, content_type="image/jpeg")


def office(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def docx(name: str = "质量手册.docx") -> SimpleUploadedFile:
    return office(name, "word/document.xml")


def xlsx(name: str = "人员名单.xlsx") -> SimpleUploadedFile:
    return office(name, "xl/workbook.xml")


# --- the cast ------------------------------------------------------------------------------------------------


@pytest.fixture
def app_staff(regulator: Organisation) -> User:
    user = person("app_shenpi", regulator, Role.APPROVAL_STAFF)
    user.email = "shenpi@example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def app_official(regulator: Organisation) -> User:
    return person("app_pizhun", regulator, Role.APPROVAL_OFFICIAL)


@pytest.fixture
def app_reviewer(regulator: Organisation) -> User:
    return person("app_pingshen", regulator, Role.REVIEWER)


@pytest.fixture
def app_other_reviewer(regulator: Organisation) -> User:
    return person("app_pingshen2", regulator, Role.REVIEWER)


@pytest.fixture
def app_new_body(db: Any) -> Organisation:
    return Organisation.objects.create(name="新锐认证有限公司", kind=Organisation.Kind.CERTIFICATION_BODY)


@pytest.fixture
def app_applicant(app_new_body: Organisation) -> User:
    user = person("app_xinrui", app_new_body, Role.MANAGER)
    user.email = "xinrui@example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def app_lab_org(db: Any) -> Organisation:
    return Organisation.objects.create(name="华东电器检测有限公司", kind=Organisation.Kind.LAB)


@pytest.fixture
def app_lab_staff(app_lab_org: Organisation) -> User:
    return person("app_huadong", app_lab_org, Role.STAFF)


@pytest.fixture
def app_outsider(db: Any) -> User:
    other = Organisation.objects.create(name="别家认证有限公司", kind=Organisation.Kind.CERTIFICATION_BODY)
    return person("app_biejia", other, Role.MANAGER)


@pytest.fixture
def app_cqc(app_staff: User) -> Body:
    """中国质量认证中心: approved in 2002, accredited by CNAS until 2029."""
    body = register.register_body(
        acting_user=app_staff,
        kind=Body.Kind.CERTIFICATION_BODY,
        name="中国质量认证中心",
        uscc=make_uscc("12100000400000717"),
        address="北京市丰台区南四环西路188号",
        region="北京",
    )
    register.record_accreditation(
        acting_user=app_staff,
        body=body,
        accreditation_body="中国合格评定国家认可委员会（CNAS）",
        number="CNAS C001-M",
        scope="",
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2029, 12, 31),
    )
    return register.approve_body(
        acting_user=app_staff,
        body=body,
        number="CNCA-R-2002-001",
        approved_on=dt.date(2002, 8, 1),
        valid_until=dt.date(2026, 12, 31),
        scope=[Scope(scheme=Scheme.CCC, category="电线电缆", standards="GB/T 5023-2008")],
    )


@pytest.fixture
def app_cqc_manager(app_cqc: Body) -> User:
    return person("app_cqc", app_cqc.organisation, Role.MANAGER)


# --- walking an application ----------------------------------------------------------------------------------

SCOPE = [
    Scope(scheme=Scheme.MANAGEMENT_SYSTEM, category="质量管理体系", standards="GB/T 19001-2016"),
    Scope(scheme=Scheme.SERVICE, category="商品售后服务", standards="GB/T 27922-2011"),
]


def submit_new_body(
    applicant: User, organisation: Organisation, now: dt.datetime | None = None
) -> Application:
    return services.submit_application(
        acting_user=applicant,
        applicant=organisation,
        kind=Application.Kind.APPROVAL,
        summary="申请认证机构资质",
        scope=SCOPE,
        particulars=services.Particulars(
            name="新锐认证有限公司",
            uscc=make_uscc("91110108MA01ABCD1"),
            address="北京市海淀区中关村1号",
            region="北京",
        ),
        documents=[("章程", pdf()), ("质量手册", docx())],
        now=now or at("2026-03-02"),
    )


def accredit(staff: User, body: Body, until: dt.date = dt.date(2030, 6, 30)) -> None:
    register.record_accreditation(
        acting_user=staff,
        body=body,
        accreditation_body="中国合格评定国家认可委员会（CNAS）",
        number=f"CNAS C{body.pk:03d}-M",
        scope="质量管理体系认证",
        valid_from=dt.date(2025, 1, 1),
        valid_until=until,
    )


@dataclass
class Cast:
    staff: User
    official: User
    reviewer: User


def to_decision(cast: Cast, application: Application, start: str = "2026-03-03") -> Application:
    """Accept, review (one reviewer, conforms) and send for decision, a working day per step from ``start``."""
    day = dt.date.fromisoformat(start)
    application = services.accept_application(
        acting_user=cast.staff, application=application, now=at(str(day))
    )
    services.assign_reviewer(
        acting_user=cast.staff, application=application, reviewer=cast.reviewer, now=at(str(day), 11)
    )
    services.record_findings(
        acting_user=cast.reviewer,
        application=application,
        findings="文件审查和现场评审符合要求。",
        conclusion="conforms",
        now=at(str(day + dt.timedelta(days=1))),
    )
    return services.complete_review(
        acting_user=cast.staff, application=application, now=at(str(day + dt.timedelta(days=2)))
    )


def to_published(cast: Cast, application: Application, start: str = "2026-03-03") -> Application:
    day = dt.date.fromisoformat(start)
    application = to_decision(cast, application, start)
    services.decide(
        acting_user=cast.official,
        application=application,
        outcome="approve",
        reasons="符合《认证机构管理办法》规定的条件。",
        now=at(str(day + dt.timedelta(days=3))),
    )
    application = services.issue_approval(
        acting_user=cast.staff, application=application, now=at(str(day + dt.timedelta(days=4)))
    )
    return services.publish_approval(
        acting_user=cast.staff, application=application, now=at(str(day + dt.timedelta(days=5)))
    )


@pytest.fixture
def app_cast(app_staff: User, app_official: User, app_reviewer: User) -> Cast:
    return Cast(staff=app_staff, official=app_official, reviewer=app_reviewer)


def events(application: Application) -> list[tuple[str, str | None]]:
    rows = AuditEvent.objects.filter(target_type="bodies.application", target_id=str(application.pk))
    return [(e.event_type, e.actor.username if e.actor else None) for e in rows.order_by("created_at", "id")]


def snapshot(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (
        application.stage,
        application.returned_from,
        application.closed_at,
        list(application.periods.values_list("stage", "ended_at", "working_days")),
        application.missing_items.count(),
        application.reviews.count(),
        Decision.objects.filter(application=application).count(),
        AuditEvent.objects.count(),
    )
