"""The services that keep the registers (``services/register.py``): numbers, statuses, employment and the
identity numbers of personnel. Bad input raises a ValidationError and leaves nothing half-saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from certis.accounts.models import Organisation, User
from certis.audit.models import AuditEvent
from certis.bodies.models import Accreditation, Body, Employment, Person, StatusChange
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.core.identifiers import digest, unseal

from .conftest import RegWorld, reg_body, reg_identity_number, reg_uscc

pytestmark = pytest.mark.django_db

Status = Body.Status
DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def in_english() -> Any:
    """The services' messages are checked in English; pages show them in Chinese by default."""
    with translation.override("en"):
        yield


def approve(staff: User, body: Body, number: str | None = None, on: dt.date = DAY) -> Body:
    return register.approve_body(
        acting_user=staff, body=body, number=number, approved_on=on, scope=[Scope(category="质量管理体系")]
    )


def fresh(staff: User, name: str, stem: str, kind: str = Body.Kind.CERTIFICATION_BODY) -> Body:
    return reg_body(staff, name, stem, kind=kind)


def test_numbers_are_given_in_order_and_never_again_even_after_withdrawal(reg_staff: User) -> None:
    first = approve(reg_staff, fresh(reg_staff, "甲认证有限公司", "91110000100000001"))
    assert first.number == "CNCA-R-2026-001"
    register.change_body_status(
        acting_user=reg_staff, body=first, status=Status.WITHDRAWN, reason="撤销批准", effective_on=DAY
    )
    second = approve(reg_staff, fresh(reg_staff, "乙认证有限公司", "91110000100000002"))
    assert second.number == "CNCA-R-2026-002"
    first.refresh_from_db()
    assert (first.number, first.status, first.is_listed) == ("CNCA-R-2026-001", Status.WITHDRAWN, True)


def test_a_withdrawn_bodys_number_cannot_be_given_to_another_and_nothing_is_saved(
    reg_world: RegWorld,
) -> None:
    staff = User.objects.get(username="reg_shenpi")
    other = fresh(staff, "丙认证有限公司", "91110000100000003")
    events, changes = AuditEvent.objects.count(), StatusChange.objects.count()
    with pytest.raises(ValidationError) as caught:
        approve(staff, other, number=reg_world.withdrawn.number)
    assert "CNCA-R-2016-021" in caught.value.message_dict["number"][0]
    other.refresh_from_db()
    assert (other.number, other.status, other.scope.count()) == (None, Status.APPLYING, 0)
    assert (AuditEvent.objects.count(), StatusChange.objects.count()) == (events, changes)


def test_the_next_number_skips_numbers_entered_by_hand(reg_staff: User) -> None:
    approve(reg_staff, fresh(reg_staff, "甲认证有限公司", "91110000100000001"), number="CNCA-R-2026-001")
    assert (
        approve(reg_staff, fresh(reg_staff, "乙认证有限公司", "91110000100000002")).number
        == "CNCA-R-2026-002"
    )


def test_a_lab_gets_a_twelve_digit_qualification_number(reg_staff: User) -> None:
    lab = approve(reg_staff, fresh(reg_staff, "某检测有限公司", "91110000100000004", kind=Body.Kind.LAB))
    assert lab.number == "260000000001"


def test_a_body_keeps_its_number_when_approved_again(reg_world: RegWorld, reg_staff: User) -> None:
    with pytest.raises(ValidationError):
        approve(reg_staff, reg_world.cqc, number="CNCA-R-2026-099")
    assert approve(reg_staff, reg_world.cqc).number == "CNCA-R-2002-001"


def test_a_body_is_suspended_reinstated_and_withdrawn_with_each_change_in_its_history(
    reg_world: RegWorld, reg_staff: User
) -> None:
    body = reg_world.fangyuan
    for status, reason in [(Status.SUSPENDED, "暂停"), (Status.APPROVED, "恢复"), (Status.WITHDRAWN, "撤销")]:
        body = register.change_body_status(
            acting_user=reg_staff, body=body, status=status, reason=reason, effective_on=DAY
        )
    history = list(body.status_changes.order_by("effective_on", "pk").values_list("to_status", "reason"))
    assert history == [
        ("approved", "Approved"),
        ("suspended", "暂停"),
        ("approved", "恢复"),
        ("withdrawn", "撤销"),
    ]
    assert (body.status, body.status_since) == (Status.WITHDRAWN, DAY)
    assert AuditEvent.objects.filter(event_type="body.status_changed", target_id=str(body.pk)).count() == 3


@pytest.mark.parametrize(
    ("body_name", "status"),
    [
        ("withdrawn", Status.APPROVED),  # withdrawn is final
        ("withdrawn", Status.CANCELLED),
        ("cqc", Status.APPLYING),  # no way back to applying
        ("cqc", Status.APPROVED),  # already approved
        ("cqc", "closed"),  # not a status at all
    ],
)
def test_an_illegal_status_move_is_refused_and_changes_nothing(
    reg_world: RegWorld, reg_staff: User, body_name: str, status: str
) -> None:
    body = getattr(reg_world, body_name)
    before = (body.status, body.status_since, body.status_changes.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        register.change_body_status(acting_user=reg_staff, body=body, status=status, reason="理由")
    assert "cannot become" in caught.value.messages[0]
    body.refresh_from_db()
    assert (body.status, body.status_since, body.status_changes.count(), AuditEvent.objects.count()) == before


def test_a_status_change_needs_a_reason_and_an_approved_body(reg_world: RegWorld, reg_staff: User) -> None:
    with pytest.raises(ValidationError) as caught:
        register.change_body_status(
            acting_user=reg_staff, body=reg_world.cqc, status=Status.SUSPENDED, reason=" "
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        register.change_body_status(
            acting_user=reg_staff, body=reg_world.applying, status=Status.SUSPENDED, reason="理由"
        )


def test_a_bad_uscc_check_character_is_refused_and_nothing_is_saved(reg_staff: User) -> None:
    good = reg_uscc("91110000100000005")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    bodies, organisations = Body.objects.count(), Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        register.register_body(
            acting_user=reg_staff,
            kind=Body.Kind.LAB,
            name="错码检测有限公司",
            uscc=bad,
            address="北京",
            region="北京",
        )
    assert "check character" in caught.value.messages[0]
    assert (Body.objects.count(), Organisation.objects.count()) == (bodies, organisations)


def test_a_uscc_is_taken_once(reg_world: RegWorld, reg_staff: User) -> None:
    with pytest.raises(ValidationError) as caught:
        register.register_body(
            acting_user=reg_staff,
            kind=Body.Kind.LAB,
            name="另一个检测有限公司",
            uscc=reg_world.cqc.uscc.lower(),
            address="北京",
            region="北京",
        )
    assert "uscc" in caught.value.message_dict


def test_an_accreditation_is_recorded_once_and_ends_after_it_starts(
    reg_world: RegWorld, reg_staff: User
) -> None:
    arguments: dict[str, Any] = {
        "acting_user": reg_staff,
        "body": reg_world.fangyuan,
        "accreditation_body": "中国合格评定国家认可委员会（CNAS）",
        "number": "CNAS C001-M",  # already the CQC's
        "scope": "",
        "valid_from": dt.date(2024, 1, 1),
        "valid_until": dt.date(2028, 1, 1),
    }
    with pytest.raises(ValidationError) as caught:
        register.record_accreditation(**arguments)
    assert "number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        register.record_accreditation(
            **arguments | {"number": "CNAS C002-M", "valid_until": dt.date(2023, 1, 1)}
        )
    assert "valid_until" in caught.value.message_dict
    register.record_accreditation(**arguments | {"number": "CNAS C002-M"})
    assert Accreditation.objects.filter(body=reg_world.fangyuan).count() == 1


# Personnel


def test_an_identity_number_is_kept_digested_sealed_and_masked_and_never_plain(reg_staff: User) -> None:
    number = reg_identity_number("11010519750312001")
    person = register.register_person(
        acting_user=reg_staff, name="王建华", identity_number=number, registration_number="2021-N1QMS-1234567"
    )
    person.refresh_from_db()
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    assert person.id_number_digest == digest(number)
    assert unseal(person.id_number_sealed) == number
    stored = Person.objects.filter(pk=person.pk).values().get()
    assert all(number not in str(value) for value in stored.values())
    events = AuditEvent.objects.filter(target_type="bodies.person").values_list("data", "target_repr")
    assert events and all(number not in str(row) for row in events)


@pytest.mark.parametrize(
    ("identity_number", "message"),
    [
        ("11010519750312001", "18 characters"),
        ("1101051975031200199", "18 characters"),
        ("11010519751332001X", "check digit"),  # wrong check digit (and a 13th month)
        ("ABCDEFGHIJKLMNOPQR", "not"),
    ],
)
def test_a_malformed_identity_number_is_refused_and_nothing_is_saved(
    reg_staff: User, identity_number: str, message: str
) -> None:
    people, events = Person.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        register.register_person(
            acting_user=reg_staff,
            name="某人",
            identity_number=identity_number,
            registration_number="2024-X-1",
        )
    assert message in caught.value.messages[0]
    assert (Person.objects.count(), AuditEvent.objects.count()) == (people, events)


def test_a_wrong_check_digit_is_named_as_such(reg_staff: User) -> None:
    number = reg_identity_number("11010519750312001")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        register.register_person(
            acting_user=reg_staff, name="某人", identity_number=wrong, registration_number="1"
        )
    assert "check digit" in caught.value.messages[0]


def test_the_same_identity_number_however_typed_registers_one_person(
    reg_world: RegWorld, reg_staff: User
) -> None:
    typed = " " + reg_world.auditor_id[:6] + " " + reg_world.auditor_id[6:].lower() + " "
    with pytest.raises(ValidationError) as caught:
        register.register_person(
            acting_user=reg_staff, name="王建华", identity_number=typed, registration_number="X-9"
        )
    assert "identity_number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        register.register_person(
            acting_user=reg_staff,
            name="某人",
            identity_number=reg_identity_number("31010419820517002"),
            registration_number=reg_world.auditor.registration_number,
        )
    assert "registration_number" in caught.value.message_dict


def test_a_person_works_for_one_body_at_a_time_and_the_history_is_kept(
    reg_world: RegWorld, reg_staff: User
) -> None:
    person = reg_world.auditor  # at the CQC since 2024-01-01
    register.employ_person(acting_user=reg_staff, person=person, body=reg_world.fangyuan, started_on=DAY)
    rows = list(
        person.employments.order_by("started_on").values_list("body__number", "started_on", "ended_on")
    )
    assert rows == [
        ("CNCA-R-2002-001", dt.date(2024, 1, 1), DAY - dt.timedelta(days=1)),
        ("CNCA-R-2002-002", DAY, None),
    ]


def test_an_employment_cannot_repeat_the_current_one_or_start_before_it(
    reg_world: RegWorld, reg_staff: User
) -> None:
    person = reg_world.auditor
    with pytest.raises(ValidationError):
        register.employ_person(acting_user=reg_staff, person=person, body=reg_world.cqc, started_on=DAY)
    with pytest.raises(ValidationError) as caught:
        register.employ_person(
            acting_user=reg_staff, person=person, body=reg_world.fangyuan, started_on=dt.date(2023, 12, 31)
        )
    assert "started_on" in caught.value.message_dict
    assert list(person.employments.values_list("body__number", "ended_on")) == [("CNCA-R-2002-001", None)]


def test_the_database_itself_refuses_two_current_employments(reg_world: RegWorld) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.create(person=reg_world.auditor, body=reg_world.fangyuan, started_on=DAY)


def test_a_qualification_names_a_scheme_and_ends_after_it_starts(
    reg_world: RegWorld, reg_staff: User
) -> None:
    arguments: dict[str, Any] = {
        "acting_user": reg_staff,
        "person": reg_world.auditor,
        "role": "auditor",
        "grade": "qualified",
        "schemes": [],
        "valid_from": dt.date(2024, 1, 1),
        "valid_until": dt.date(2027, 1, 1),
    }
    with pytest.raises(ValidationError) as caught:
        register.qualify_person(**arguments)
    assert "schemes" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        register.qualify_person(**arguments | {"schemes": ["ccc"], "valid_until": dt.date(2023, 1, 1)})
    assert "valid_until" in caught.value.message_dict


def test_a_revoked_registration_is_final(reg_world: RegWorld, reg_staff: User) -> None:
    person = register.change_person_status(
        acting_user=reg_staff, person=reg_world.inspector, status=Person.Status.REVOKED, reason="伪造审核记录"
    )
    assert (person.status, person.status_reason) == (Person.Status.REVOKED, "伪造审核记录")
    with pytest.raises(ValidationError):
        register.change_person_status(
            acting_user=reg_staff, person=person, status=Person.Status.ACTIVE, reason="申诉"
        )
    with pytest.raises(ValidationError):
        register.change_person_status(
            acting_user=reg_staff, person=reg_world.auditor, status="retired", reason="x"
        )
