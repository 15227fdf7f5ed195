"""Demonstration applications at every stage, dated back from today, built through the services.

Call :func:`load` after the registers' demonstration data (``certis.demo.bodies``): it uses its approval staff,
official, reviewer and the accounts of 中国质量认证中心 and 上海电器设备检测所. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from certis.accounts.models import Membership, Organisation, User
from certis.accounts.services import find_or_create_organisation
from certis.bodies.applications import services
from certis.bodies.applications.workdays import Calendar
from certis.bodies.models import Accreditation, Application, Body, Scheme
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.core.identifiers import clean_uscc, make_uscc
from certis.demo.accounts import PASSWORD, ensure_person

Role = Membership.Role
Kind = Application.Kind


def _working_days_ago(days: int, hour: int = 10) -> dt.datetime:
    """A moment ``days`` working days before today (counting back one calendar day at a time)."""
    calendar, day = Calendar(), timezone.localdate()
    while days > 0:
        day -= dt.timedelta(days=1)
        days -= calendar.is_working_day(day)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _applicant(name: str, stem: str, kind: str, username: str, display: str) -> tuple[Organisation, User]:
    organisation, _created = find_or_create_organisation(acting_user=None, name=name, kind=kind)
    return organisation, ensure_person(username, display, organisation, Role.MANAGER)


def _uscc(stem: str) -> str:
    return clean_uscc(make_uscc(stem))


def _pdf(title: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"{title}.pdf", f"%PDF-1.4\n% {title}\n%%EOF\n".encode(), "application/pdf")


def _submit(user: User, organisation: Organisation, kind: str, days_ago: int, **kwargs: Any) -> Application:
    return services.submit_application(
        acting_user=user,
        applicant=organisation,
        kind=kind,
        documents=[(title, _pdf(title)) for title in ("法人证书", "章程", "质量手册")],
        now=_working_days_ago(days_ago),
        **kwargs,
    )


def _new_body(name: str, stem: str, region: str) -> services.Particulars:
    return services.Particulars(name=name, uscc=_uscc(stem), address=f"{region}市示范路1号", region=region)


def _review(staff: dict[str, User], application: Application, started: int) -> Application:
    application = services.accept_application(
        acting_user=staff["shenpi"], application=application, now=_working_days_ago(started)
    )
    services.assign_reviewer(
        acting_user=staff["shenpi"],
        application=application,
        reviewer=staff["pingshen"],
        now=_working_days_ago(started),
    )
    return application


def _decide(
    staff: dict[str, User], application: Application, days_ago: int, outcome: str, reasons: str
) -> None:
    services.record_findings(
        acting_user=staff["pingshen"],
        application=application,
        findings="文件审查与现场评审完成。" if outcome == "approve" else "质量管理体系运行记录不完整。",
        conclusion="conforms" if outcome == "approve" else "nonconforms",
        now=_working_days_ago(days_ago + 2),
    )
    services.complete_review(
        acting_user=staff["shenpi"], application=application, now=_working_days_ago(days_ago + 1)
    )
    services.decide(
        acting_user=staff["pizhun"],
        application=application,
        outcome=outcome,
        reasons=reasons,
        now=_working_days_ago(days_ago),
    )


def _accredit(staff: User, body: Body) -> None:
    if not Accreditation.objects.filter(body=body).exists():
        register.record_accreditation(
            acting_user=staff,
            body=body,
            accreditation_body="中国合格评定国家认可委员会（CNAS）",
            number=f"CNAS C{900 + body.pk}-M",
            scope="质量管理体系认证",
            valid_from=timezone.localdate() - dt.timedelta(days=400),
            valid_until=timezone.localdate() + dt.timedelta(days=1500),
        )


def _staff() -> dict[str, User]:
    return {name: User.objects.get(username=name) for name in ("shenpi", "pizhun", "pingshen")}


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    if Application.objects.exists():
        stdout.write(f"Applications: {Application.objects.count()} already there.")
        return LOGINS
    staff = _staff()
    cqc = Body.objects.get(number="CNCA-R-2002-001")
    lab = Body.objects.get(number="170009120345")
    cqc_user, lab_user = User.objects.get(username="cqc"), User.objects.get(username="lab")

    # Published two months ago: a new certification body, now in the register.
    org, user = _applicant(
        "华信认证有限公司",
        "91110105MA01HX001",
        Organisation.Kind.CERTIFICATION_BODY,
        "huaxin",
        "何信（华信认证）",
    )
    done = _submit(
        user, org, Kind.APPROVAL, 45,
        particulars=_new_body("华信认证有限公司", "91110105MA01HX001", "北京"),
        scope=[Scope(scheme=Scheme.MANAGEMENT_SYSTEM, category="质量管理体系", standards="GB/T 19001-2016")],
    )  # fmt: skip
    _accredit(staff["shenpi"], done.body)
    done = _review(staff, done, 42)
    _decide(staff, done, 30, "approve", "符合《认证机构管理办法》规定的条件，准予批准。")
    done = services.issue_approval(acting_user=staff["shenpi"], application=done, now=_working_days_ago(28))
    services.publish_approval(acting_user=staff["shenpi"], application=done, now=_working_days_ago(27))

    # Returned for supplementing: the clock of acceptance is paused.
    org, user = _applicant(
        "新锐认证有限公司",
        "91110108MA01XR001",
        Organisation.Kind.CERTIFICATION_BODY,
        "xinrui",
        "辛锐（新锐认证）",
    )
    returned = _submit(
        user, org, Kind.APPROVAL, 6,
        particulars=_new_body("新锐认证有限公司", "91110108MA01XR001", "北京"),
        scope=[Scope(scheme=Scheme.SERVICE, category="商品售后服务", standards="GB/T 27922-2011")],
    )  # fmt: skip
    services.return_application(
        acting_user=staff["shenpi"], application=returned, missing=["认可证书复印件", "办公场所产权证明"],
        now=_working_days_ago(4),
    )  # fmt: skip

    # Overdue: submitted eight working days ago, not yet accepted.
    org, user = _applicant(
        "迟到检测有限公司", "91320100MA1CD0001", Organisation.Kind.LAB, "chidao", "池道（迟到检测）"
    )
    _submit(
        user, org, Kind.LAB_QUALIFICATION, 8,
        particulars=_new_body("迟到检测有限公司", "91320100MA1CD0001", "南京"),
        scope=[Scope(category="家用电器安全", standards="GB 4706.1-2005")],
    )  # fmt: skip

    # In technical review: 中国质量认证中心 extends its scope to after-sales service.
    extension = _submit(
        cqc_user, cqc.organisation, Kind.EXTENSION, 7,
        scope=[Scope(scheme=Scheme.SERVICE, category="商品售后服务", standards="GB/T 27922-2011")],
    )  # fmt: skip
    _review(staff, extension, 5)

    # Awaiting decision: the Shanghai lab renews its qualification.
    renewal = _review(staff, _submit(lab_user, lab.organisation, Kind.RENEWAL, 12), 10)
    services.record_findings(
        acting_user=staff["pingshen"], application=renewal, findings="能力验证结果满意。", conclusion="conforms",
        now=_working_days_ago(4),
    )  # fmt: skip
    services.complete_review(acting_user=staff["shenpi"], application=renewal, now=_working_days_ago(3))

    # Refused.
    org, user = _applicant(
        "速成检测有限公司", "91440300MA5KC0001", Organisation.Kind.LAB, "sucheng", "苏成（速成检测）"
    )
    refused = _submit(
        user, org, Kind.LAB_QUALIFICATION, 30,
        particulars=_new_body("速成检测有限公司", "91440300MA5KC0001", "深圳"),
        scope=[Scope(category="电磁兼容", standards="GB 4343.1-2018")],
    )  # fmt: skip
    refused = _review(staff, refused, 28)
    _decide(staff, refused, 15, "refuse", "检测能力不满足资质认定评审准则要求，不予许可。")
    stdout.write(f"Applications: {Application.objects.count()} at every stage.")
    return LOGINS


LOGINS = [
    ("huaxin", PASSWORD, "manager at 华信认证有限公司: an approval published"),
    ("xinrui", PASSWORD, "manager at 新锐认证有限公司: an application returned for supplementing"),
    ("chidao", PASSWORD, "manager at 迟到检测有限公司: an overdue lab application"),
    ("sucheng", PASSWORD, "manager at 速成检测有限公司: a refused lab application"),
]
