"""The online application from submission to the register: every stage, the return for supplementing, refusal,
the four other kinds, documents and their versions, bad input and notices (pages and API:
test_application_pages_and_api.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from certis.accounts.models import Notification, Organisation, User
from certis.audit.models import AuditEvent, EventType
from certis.bodies.applications import services
from certis.bodies.models import Application, Body, Document, DocumentVersion, Scheme
from certis.bodies.register.services import Scope

from .fixtures import (
    SCOPE,
    Cast,
    accredit,
    at,
    docx,
    events,
    jpg,
    make_uscc,
    pdf,
    png,
    snapshot,
    submit_new_body,
    to_decision,
    to_published,
    xlsx,
)

pytestmark = pytest.mark.django_db
Stage = Application.Stage


# --- the whole way -------------------------------------------------------------------------------------------


def test_a_new_body_goes_from_submission_to_the_register_through_a_return_for_supplementing(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    cast = app_cast
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    assert application.reference == "SQ-2026-000001"
    body = application.body
    assert (body.status, body.number, body.is_listed) == (Body.Status.APPLYING, None, False)
    assert body.organisation == app_new_body
    assert [(line.scheme, line.category) for line in application.scope.all()] == [
        (Scheme.MANAGEMENT_SYSTEM, "质量管理体系"),
        (Scheme.SERVICE, "商品售后服务"),
    ]
    assert sorted(application.documents.values_list("title", flat=True)) == ["章程", "质量手册"]

    application = services.return_application(
        acting_user=cast.staff,
        application=application,
        missing=["认可证书复印件", "", "  办公场所证明  "],
        now=at("2026-03-04"),
    )
    assert (application.stage, application.returned_from) == (Stage.SUPPLEMENTING, Stage.SUBMITTED)
    assert list(application.missing_items.values_list("description", flat=True)) == [
        "认可证书复印件",
        "办公场所证明",
    ]

    services.upload_document(
        acting_user=app_applicant,
        application=application,
        title="认可证书",
        file=pdf("认可证书.pdf"),
        now=at("2026-03-10"),
    )
    application = services.supplement_application(
        acting_user=app_applicant, application=application, note="已补正", now=at("2026-03-11")
    )
    assert (application.stage, application.returned_from) == (Stage.SUBMITTED, "")
    assert not application.missing_items.filter(supplied_at__isnull=True).exists()

    application = to_decision(cast, application, start="2026-03-12")
    assert application.stage == Stage.DECISION
    accredit(cast.staff, body)
    decision = services.decide(
        acting_user=cast.official,
        application=application,
        outcome="approve",
        reasons="符合条件",
        now=at("2026-03-16"),
    )
    assert (decision.official, decision.outcome) == (cast.official, "approve")
    application.refresh_from_db()
    assert application.stage == Stage.ISSUING

    application = services.issue_approval(
        acting_user=cast.staff, application=application, now=at("2026-03-17")
    )
    assert application.stage == Stage.ISSUED
    assert application.approval_number == "CNCA-R-2026-001"
    assert application.approval_valid_until == dt.date(2032, 3, 16)
    body.refresh_from_db()
    assert (body.number, body.is_listed) == (None, False), "issued but not yet published: not in the register"

    application = services.publish_approval(
        acting_user=cast.staff, application=application, now=at("2026-03-18")
    )
    body.refresh_from_db()
    assert application.stage == Stage.PUBLISHED and application.closed_at == at("2026-03-18")
    assert (body.status, body.number, body.is_listed) == (Body.Status.APPROVED, "CNCA-R-2026-001", True)
    assert (body.approved_on, body.valid_until) == (dt.date(2026, 3, 17), dt.date(2032, 3, 16))
    assert sorted(body.scope.values_list("category", flat=True)) == ["商品售后服务", "质量管理体系"]
    assert body.status_changes.get().decided_by == cast.staff

    assert events(application) == [
        (EventType.APPLICATION_SUBMITTED, "app_xinrui"),
        (EventType.APPLICATION_RETURNED, "app_shenpi"),
        (EventType.APPLICATION_DOCUMENT, "app_xinrui"),
        (EventType.APPLICATION_SUPPLEMENTED, "app_xinrui"),
        (EventType.APPLICATION_ACCEPTED, "app_shenpi"),
        (EventType.REVIEWER_ASSIGNED, "app_shenpi"),
        (EventType.REVIEW_CONCLUDED, "app_pingshen"),
        (EventType.REVIEW_COMPLETED, "app_shenpi"),
        (EventType.APPLICATION_DECIDED, "app_pizhun"),
        (EventType.APPROVAL_ISSUED, "app_shenpi"),
        (EventType.APPROVAL_PUBLISHED, "app_shenpi"),
    ]
    assert list(application.periods.values_list("stage", "working_days")) == [
        (Stage.SUBMITTED, 2),  # Mon 2 → Wed 4
        (Stage.SUPPLEMENTING, 5),  # Wed 4 → Wed 11
        (Stage.SUBMITTED, 1),  # Wed 11 → Thu 12
        (Stage.REVIEW, 1),  # Thu 12 → Sat 14: Fri counts, Sat does not
        (Stage.DECISION, 1),  # Sat 14 → Mon 16
        (Stage.ISSUING, 1),
        (Stage.ISSUED, 1),
    ]


def test_the_public_register_shows_the_body_only_once_published(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    accredit(app_cast.staff, application.body)
    application = to_decision(app_cast, application)
    services.decide(acting_user=app_cast.official, application=application, outcome="approve", reasons="符合")
    application = services.issue_approval(acting_user=app_cast.staff, application=application)

    def listed() -> list[Body]:
        return [body for body in Body.objects.all() if body.is_listed]

    assert application.body not in listed()
    services.publish_approval(acting_user=app_cast.staff, application=application)
    assert application.body in listed()


def test_a_refusal_names_the_official_closes_the_application_and_leaves_the_register_alone(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = to_decision(app_cast, submit_new_body(app_applicant, app_new_body))
    decision = services.decide(
        acting_user=app_cast.official,
        application=application,
        outcome="refuse",
        reasons="质量管理体系文件不符合要求。",
        now=at("2026-03-09"),
    )
    application.refresh_from_db()
    assert (application.stage, application.closed_at) == (Stage.REFUSED, at("2026-03-09"))
    assert decision.official == app_cast.official and decision.reasons == "质量管理体系文件不符合要求。"
    assert not application.periods.filter(ended_at__isnull=True).exists()
    assert application.body.number is None
    with pytest.raises(ValidationError):
        services.issue_approval(acting_user=app_cast.staff, application=application)
    event = AuditEvent.objects.get(event_type=EventType.APPLICATION_DECIDED)
    assert (event.actor, event.data["outcome"], event.data["reasons"]) == (
        app_cast.official,
        "refuse",
        "质量管理体系文件不符合要求。",
    )


def test_only_an_approving_official_decides(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = to_decision(app_cast, submit_new_body(app_applicant, app_new_body))
    before = snapshot(application)
    for someone in (app_cast.staff, app_cast.reviewer, app_applicant):
        with pytest.raises(PermissionDenied):
            services.decide(acting_user=someone, application=application, outcome="refuse", reasons="x")
    assert snapshot(application) == before


def test_an_accreditation_expired_by_decision_day_stops_the_approval_and_saves_nothing(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = to_decision(app_cast, submit_new_body(app_applicant, app_new_body))
    accredit(app_cast.staff, application.body, until=dt.date(2026, 3, 31))
    before = snapshot(application)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.decide(
            acting_user=app_cast.official,
            application=application,
            outcome="approve",
            reasons="符合",
            now=at("2026-04-01"),
        )
    message = raised.value.message_dict["outcome"][0]
    assert "is not valid on 2026-04-01" in message and "2026-03-31" in message
    assert snapshot(application) == before
    # A refusal needs no accreditation, and an approval the day before expiry goes through.
    services.decide(
        acting_user=app_cast.official,
        application=application,
        outcome="approve",
        reasons="符合",
        now=at("2026-03-31"),
    )


def test_a_body_with_no_accreditation_is_not_approved(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = to_decision(app_cast, submit_new_body(app_applicant, app_new_body))
    with translation.override("en"), pytest.raises(ValidationError, match="no accreditation on record"):
        services.decide(
            acting_user=app_cast.official, application=application, outcome="approve", reasons="符合"
        )


def test_a_lab_is_qualified_with_a_cma_number_and_no_accreditation(
    app_cast: Cast, app_lab_staff: User, app_lab_org: Organisation
) -> None:
    application = services.submit_application(
        acting_user=app_lab_staff,
        applicant=app_lab_org,
        kind=Application.Kind.LAB_QUALIFICATION,
        scope=[Scope(category="低压电器", standards="GB/T 14048.1-2023")],
        particulars=services.Particulars(
            name="华东电器检测有限公司",
            uscc=make_uscc("91310000132209876"),
            address="上海市普陀区",
            region="上海",
        ),
        now=at("2026-03-02"),
    )
    application = to_published(app_cast, application)
    body = application.body
    body.refresh_from_db()
    assert (body.kind, body.status, body.number) == (Body.Kind.LAB, Body.Status.APPROVED, "260000000001")
    assert list(body.scope.values_list("category", flat=True)) == ["低压电器"]


def test_an_extension_adds_the_scope_when_published(
    app_cast: Cast, app_cqc: Body, app_cqc_manager: User
) -> None:
    application = services.submit_application(
        acting_user=app_cqc_manager,
        applicant=app_cqc.organisation,
        kind=Application.Kind.EXTENSION,
        scope=[Scope(scheme=Scheme.GREEN_PRODUCT, category="绿色建材", standards="GB/T 35609-2017")],
    )
    application = to_decision(app_cast, application)
    services.decide(acting_user=app_cast.official, application=application, outcome="approve", reasons="符合")
    application = services.issue_approval(acting_user=app_cast.staff, application=application)
    assert application.approval_number == "CNCA-R-2002-001"
    assert not app_cqc.scope.filter(category="绿色建材").exists()
    services.publish_approval(acting_user=app_cast.staff, application=application)
    assert app_cqc.scope.filter(category="绿色建材", granted_on=application.issued_on).exists()
    assert AuditEvent.objects.filter(event_type=EventType.BODY_SCOPE_CHANGED, actor=app_cast.staff).exists()


def test_an_extension_must_ask_for_scope_the_body_does_not_hold(app_cqc: Body, app_cqc_manager: User) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_cqc_manager,
            applicant=app_cqc.organisation,
            kind=Application.Kind.EXTENSION,
            scope=[Scope(scheme=Scheme.CCC, category="電線電纜")],
        )
    assert "already in the body's approved scope" in raised.value.message_dict["scope"][0]


def test_a_change_of_name_and_address_applies_when_published(
    app_cast: Cast, app_cqc: Body, app_cqc_manager: User
) -> None:
    application = services.submit_application(
        acting_user=app_cqc_manager,
        applicant=app_cqc.organisation,
        kind=Application.Kind.CHANGE,
        changes_requested={"name": "中国质量认证中心有限公司", "address": app_cqc.address},
    )
    assert application.changes == {"name": "中国质量认证中心有限公司"}
    application = to_decision(app_cast, application)
    services.decide(acting_user=app_cast.official, application=application, outcome="approve", reasons="符合")
    application = services.issue_approval(acting_user=app_cast.staff, application=application)
    services.publish_approval(acting_user=app_cast.staff, application=application)
    app_cqc.refresh_from_db()
    assert app_cqc.name == "中国质量认证中心有限公司" and app_cqc.number == "CNCA-R-2002-001"
    event = AuditEvent.objects.get(event_type=EventType.BODY_PARTICULARS_CHANGED)
    assert event.data["before"] == {"name": "中国质量认证中心"}
    assert event.data["after"] == {"name": "中国质量认证中心有限公司"}


def test_a_renewal_keeps_the_number_and_extends_the_validity(
    app_cast: Cast, app_cqc: Body, app_cqc_manager: User
) -> None:
    application = services.submit_application(
        acting_user=app_cqc_manager, applicant=app_cqc.organisation, kind=Application.Kind.RENEWAL
    )
    application = to_published(app_cast, application, start="2026-11-02")
    app_cqc.refresh_from_db()
    assert application.approval_number == app_cqc.number == "CNCA-R-2002-001"
    assert app_cqc.valid_until == dt.date(2032, 11, 5)


def test_an_approved_body_does_not_apply_for_a_first_approval_and_a_new_one_not_for_renewal(
    app_cqc: Body, app_cqc_manager: User, app_applicant: User, app_new_body: Organisation
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_cqc_manager,
            applicant=app_cqc.organisation,
            kind=Application.Kind.APPROVAL,
            scope=SCOPE,
        )
    assert "kind" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_applicant, applicant=app_new_body, kind=Application.Kind.RENEWAL
        )
    assert "kind" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_applicant,
            applicant=app_new_body,
            kind=Application.Kind.LAB_QUALIFICATION,
            scope=SCOPE,
        )
    assert "kind" in raised.value.message_dict


def test_one_open_application_of_a_kind_at_a_time(app_cqc: Body, app_cqc_manager: User) -> None:
    first = services.submit_application(
        acting_user=app_cqc_manager, applicant=app_cqc.organisation, kind=Application.Kind.RENEWAL
    )
    with translation.override("en"), pytest.raises(ValidationError, match=first.reference):
        services.submit_application(
            acting_user=app_cqc_manager, applicant=app_cqc.organisation, kind=Application.Kind.RENEWAL
        )
    services.withdraw_application(acting_user=app_cqc_manager, application=first)
    services.submit_application(
        acting_user=app_cqc_manager, applicant=app_cqc.organisation, kind=Application.Kind.RENEWAL
    )


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uscc", "expected"),
    [
        ("91110108MA01ABCD1X", "check character"),
        ("9111010", "18 characters"),
        ("", "18 characters"),
    ],
)
def test_a_bad_uscc_is_refused_with_a_clear_message_and_nothing_is_saved(
    app_applicant: User, app_new_body: Organisation, uscc: str, expected: str
) -> None:
    counts = (
        Body.objects.count(),
        Application.objects.count(),
        Document.objects.count(),
        AuditEvent.objects.count(),
    )
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_applicant,
            applicant=app_new_body,
            kind=Application.Kind.APPROVAL,
            scope=SCOPE,
            particulars=services.Particulars(
                name="新锐认证有限公司", uscc=uscc, address="北京", region="北京"
            ),
            documents=[("章程", pdf())],
        )
    assert expected in raised.value.message_dict["uscc"][0]
    after = (
        Body.objects.count(),
        Application.objects.count(),
        Document.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == counts


def test_every_problem_of_a_submission_is_reported_at_once(
    app_applicant: User, app_new_body: Organisation
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_applicant,
            applicant=app_new_body,
            kind=Application.Kind.APPROVAL,
            scope=[Scope(scheme="", category="质量管理体系")],
            particulars=services.Particulars(uscc="123"),
        )
    assert set(raised.value.message_dict) == {"name", "uscc", "address", "region", "scope"}


def test_a_bad_document_in_a_submission_saves_nothing(
    app_applicant: User, app_new_body: Organisation
) -> None:
    disguised = pdf("章程.docx")
    with pytest.raises(ValidationError) as raised:
        services.submit_application(
            acting_user=app_applicant,
            applicant=app_new_body,
            kind=Application.Kind.APPROVAL,
            scope=SCOPE,
            particulars=services.Particulars(
                name="新锐认证有限公司", uscc=make_uscc("91110108MA01ABCD1"), address="北京", region="北京"
            ),
            documents=[("章程", pdf()), ("质量手册", disguised)],
        )
    assert "file" in raised.value.message_dict
    assert (Body.objects.count(), Application.objects.count(), DocumentVersion.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (lambda: pdf("程序.exe"), "is not an accepted type"),
        (lambda: pdf("质量手册.docx"), "is not a .docx file"),
        (lambda: png("照片.jpg"), "is not a .jpg file"),
        (lambda: xlsx("名单.docx"), "is not a .docx file"),
        (lambda: pdf("无扩展名"), "is not an accepted type"),
        (lambda: pdf("空.pdf").__class__("空.pdf", b""), "is empty"),
        (lambda: pdf("big.pdf", size=2048), "the limit is"),
        (lambda: pdf("zip.xlsx").__class__("zip.xlsx", b"PK\x03\x04not really a zip"), "is not a .xlsx file"),
    ],
)
@override_settings(MAX_UPLOAD_BYTES=1024)
def test_an_upload_of_the_wrong_type_or_size_is_refused_and_nothing_is_saved(
    app_applicant: User, app_new_body: Organisation, upload: Any, expected: str
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    before = (Document.objects.count(), DocumentVersion.objects.count(), AuditEvent.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.upload_document(
            acting_user=app_applicant, application=application, title="附件", file=upload()
        )
    assert expected in raised.value.message_dict["file"][0]
    assert (Document.objects.count(), DocumentVersion.objects.count(), AuditEvent.objects.count()) == before


def test_each_accepted_type_uploads_and_the_same_title_makes_a_new_version(
    app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    for upload in (pdf("a.pdf"), docx("b.docx"), xlsx("c.xlsx"), jpg("d.JPEG"), png("e.png")):
        version = services.upload_document(
            acting_user=app_applicant, application=application, title="附件", file=upload
        )
    assert version.version == 5
    document = application.documents.get(title="附件")
    assert list(document.versions.values_list("version", "original_name")) == [
        (5, "e.png"),
        (4, "d.JPEG"),
        (3, "c.xlsx"),
        (2, "b.docx"),
        (1, "a.pdf"),
    ]
    assert len(version.sha256) == 64 and version.uploaded_by == app_applicant
    # stored under a random name of its own, never the uploader's
    assert re.fullmatch(r"[0-9a-f]{32}\.png", version.file.name.rsplit("/", 1)[-1])


def test_the_applicant_uploads_only_before_acceptance_or_while_supplementing(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = services.accept_application(
        acting_user=app_cast.staff, application=submit_new_body(app_applicant, app_new_body)
    )
    with pytest.raises(ValidationError):
        services.upload_document(acting_user=app_applicant, application=application, title="补充", file=pdf())
    services.upload_document(
        acting_user=app_cast.staff, application=application, title="现场评审记录", file=pdf()
    )


# --- illegal moves -------------------------------------------------------------------------------------------


def test_an_illegal_move_is_refused_with_the_reason_and_changes_nothing(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    before = snapshot(application)
    for move in (
        lambda: services.complete_review(acting_user=app_cast.staff, application=application),
        lambda: services.issue_approval(acting_user=app_cast.staff, application=application),
        lambda: services.publish_approval(acting_user=app_cast.staff, application=application),
        lambda: services.supplement_application(acting_user=app_applicant, application=application),
        lambda: services.assign_reviewer(
            acting_user=app_cast.staff, application=application, reviewer=app_cast.reviewer
        ),
        lambda: services.decide(
            acting_user=app_cast.official, application=application, outcome="approve", reasons="x"
        ),
    ):
        with (
            translation.override("en"),
            pytest.raises(ValidationError, match="not possible while the application"),
        ):
            move()
        assert snapshot(application) == before


def test_the_review_is_completed_only_when_every_reviewer_has_concluded(
    app_cast: Cast, app_other_reviewer: User, app_applicant: User, app_new_body: Organisation
) -> None:
    application = services.accept_application(
        acting_user=app_cast.staff, application=submit_new_body(app_applicant, app_new_body)
    )
    with pytest.raises(ValidationError):
        services.complete_review(acting_user=app_cast.staff, application=application)
    for reviewer in (app_cast.reviewer, app_other_reviewer):
        services.assign_reviewer(acting_user=app_cast.staff, application=application, reviewer=reviewer)
    services.record_findings(
        acting_user=app_cast.reviewer, application=application, findings="符合", conclusion="conforms"
    )
    with translation.override("en"), pytest.raises(ValidationError, match="app_pingshen2"):
        services.complete_review(acting_user=app_cast.staff, application=application)
    with pytest.raises(PermissionDenied):
        services.record_findings(
            acting_user=app_applicant, application=application, findings="自评符合", conclusion="conforms"
        )


def test_a_reviewer_must_be_a_reviewer_and_not_of_the_applicant(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation, app_outsider: User
) -> None:
    application = services.accept_application(
        acting_user=app_cast.staff, application=submit_new_body(app_applicant, app_new_body)
    )
    with pytest.raises(ValidationError):
        services.assign_reviewer(acting_user=app_cast.staff, application=application, reviewer=app_outsider)
    from certis.accounts.models import Membership

    Membership.objects.create(user=app_cast.reviewer, organisation=app_new_body, role="staff")
    with pytest.raises(ValidationError):
        services.assign_reviewer(
            acting_user=app_cast.staff, application=application, reviewer=app_cast.reviewer
        )


def test_a_role_held_in_a_body_does_not_make_its_holder_approval_staff(
    app_applicant: User, app_new_body: Organisation
) -> None:
    from certis.accounts.models import Membership

    Membership.objects.create(user=app_applicant, organisation=app_new_body, role="approval_staff")
    application = submit_new_body(app_applicant, app_new_body)
    with pytest.raises(PermissionDenied):
        services.accept_application(acting_user=app_applicant, application=application)


def test_the_applicant_withdraws_before_the_decision_and_not_after(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation, app_outsider: User
) -> None:
    application = to_decision(app_cast, submit_new_body(app_applicant, app_new_body))
    with pytest.raises(PermissionDenied):
        services.withdraw_application(acting_user=app_outsider, application=application)
    withdrawn = services.withdraw_application(
        acting_user=app_applicant, application=application, reason="暂缓申请"
    )
    assert withdrawn.stage == Stage.WITHDRAWN and withdrawn.closed_at is not None
    second = to_decision(app_cast, submit_new_body(app_applicant, app_new_body))
    services.decide(acting_user=app_cast.official, application=second, outcome="refuse", reasons="不符合")
    with pytest.raises(ValidationError):
        services.withdraw_application(acting_user=app_applicant, application=second)


# --- notices -------------------------------------------------------------------------------------------------


def test_the_applicant_is_told_of_every_stage_in_the_app_and_by_mail(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = submit_new_body(app_applicant, app_new_body)
        accredit(app_cast.staff, application.body)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_application(
            acting_user=app_cast.staff, application=application, missing=["认可证书复印件"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.supplement_application(acting_user=app_applicant, application=application)
    with django_capture_on_commit_callbacks(execute=True):
        to_published(app_cast, application)
    notices = list(
        Notification.objects.filter(recipient=app_applicant).order_by("id").values_list("message", "link")
    )
    assert (
        len(notices) == 8
    )  # submitted, returned, supplemented, accepted, review done, approved, issued, published
    assert {link for _message, link in notices} == {
        reverse("applications:application_detail", args=[application.pk])
    }
    to_applicant = [message for message in mail.outbox if message.to == ["xinrui@example.cn"]]
    assert len(to_applicant) == len(notices)
    returned = next(message for message in to_applicant if "认可证书复印件" in message.body)
    assert application.reference in returned.subject
    assert Notification.objects.filter(recipient=app_cast.reviewer).count() == 1
    assert Notification.objects.filter(recipient=app_cast.official).count() == 1


def test_no_notice_for_a_change_that_rolled_back(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.return_application(acting_user=app_cast.staff, application=application, missing=[" "])
    assert Notification.objects.count() == 0 and mail.outbox == []
