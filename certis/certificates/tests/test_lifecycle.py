"""Every lifecycle move of a certificate through the services, legal and illegal, and a state machine over
random sequences of moves.

valid → suspended (until a later day) → valid (reinstated) or withdrawn; valid or suspended → cancelled;
valid or suspended → expired by the scheduled task on the day after the expiry date; withdrawn, cancelled
and expired are final (an expired certificate comes back only by being reported again with a later expiry).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from certis.audit.models import AuditEvent, EventType
from certis.certificates.lifecycle import TRANSITIONS as MOVES
from certis.certificates.models import Certificate, StatusEvent
from certis.certificates.rules import ReportContext, check_row
from certis.certificates.services.registry import (
    cancel_certificate,
    change_status,
    expire_due_certificates,
    reinstate_certificate,
    report_certificate,
    suspend_certificate,
    withdraw_certificate,
)
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row

Status = Certificate.Status
FINAL = {Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED}


def today() -> dt.date:
    return timezone.localdate()


def as_body(world: CertWorld) -> dict[str, Any]:
    return {"acting_user": world.staff, "organisation": world.body.organisation}


def as_regulator(world: CertWorld) -> dict[str, Any]:
    return {"acting_user": world.supervisor, "organisation": None, "sanction": True}


def suspend_for(
    world: CertWorld, certificate: Certificate, days: int, reason: str = "暂停", by: Any = as_body
) -> None:
    """Suspends the certificate for so many days from today, as the body (or ``by=as_regulator``)."""
    suspend_certificate(
        certificate=certificate, until=today() + dt.timedelta(days=days), reason=reason, **by(world)
    )


def refused(call: Any, **kwargs: Any) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value


def refused_change(world: CertWorld, certificate: Certificate, to: str, by: Any) -> ValidationError:
    """The error of a change to ``to`` (until ten days from today) that the rules refuse."""
    return refused(
        change_status,
        certificate=certificate,
        status=to,
        reason="再改",
        until=today() + dt.timedelta(days=10),
        **by(world),
    )


def history(certificate: Certificate) -> list[tuple[str, str]]:
    return list(certificate.events.order_by("id").values_list("from_status", "to_status"))


def status_audits(certificate: Certificate) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(
        event_type=EventType.CERTIFICATE_STATUS_CHANGED, target_id=str(certificate.pk)
    ).order_by("id")
    return [event.data for event in events]


def reload(certificate: Certificate) -> Certificate:
    return Certificate.objects.get(pk=certificate.pk)


# Suspension


def test_a_valid_certificate_is_suspended_until_a_later_day(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    until = today() + dt.timedelta(days=30)
    suspend_certificate(
        certificate=cert_certificate, until=until, reason="监督审核发现不符合", **as_body(cert_world)
    )
    certificate = reload(cert_certificate)
    assert (certificate.status, certificate.suspended_until, certificate.status_since) == (
        Status.SUSPENDED,
        until,
        today(),
    )
    assert certificate.status_reason == "监督审核发现不符合"
    event = certificate.events.get()
    assert (event.from_status, event.to_status, event.until, event.effective_on) == (
        Status.VALID,
        Status.SUSPENDED,
        until,
        today(),
    )
    assert (event.actor, event.actor_organisation, event.sanction) == (
        cert_world.staff,
        cert_world.body.organisation,
        False,
    )


@pytest.mark.parametrize("days", [0, -1, -30])
def test_a_suspension_must_end_after_it_starts(
    cert_world: CertWorld, cert_certificate: Any, days: int
) -> None:
    error = refused(
        suspend_certificate,
        certificate=cert_certificate,
        until=today() + dt.timedelta(days=days),
        reason="暂停",
        **as_body(cert_world),
    )
    assert error.message_dict == {"until": ["The end of the suspension must be after its start."]}
    assert reload(cert_certificate).status == Status.VALID
    assert history(cert_certificate) == []


def test_a_suspension_needs_its_end(cert_world: CertWorld, cert_certificate: Any) -> None:
    error = refused(
        change_status,
        certificate=cert_certificate,
        status=Status.SUSPENDED,
        reason="暂停",
        **as_body(cert_world),
    )
    assert error.message_dict == {"until": ["Say until when the certificate is suspended."]}
    assert history(cert_certificate) == []


def test_a_suspended_certificate_cannot_be_suspended_again(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    until = today() + dt.timedelta(days=30)
    suspend_certificate(certificate=cert_certificate, until=until, reason="暂停", **as_body(cert_world))
    error = refused(
        suspend_certificate,
        certificate=cert_certificate,
        until=until + dt.timedelta(days=30),
        reason="再次暂停",
        **as_body(cert_world),
    )
    assert error.messages == ["A certificate that is Suspended cannot become Suspended."]
    assert reload(cert_certificate).suspended_until == until


# Reinstatement


def test_a_suspended_certificate_is_reinstated(cert_world: CertWorld, cert_certificate: Any) -> None:
    suspend_for(cert_world, cert_certificate, 9)
    reinstate_certificate(certificate=cert_certificate, reason="整改完成", **as_body(cert_world))
    certificate = reload(cert_certificate)
    assert (certificate.status, certificate.suspended_until, certificate.status_reason) == (
        Status.VALID,
        None,
        "整改完成",
    )
    assert history(certificate) == [(Status.VALID, Status.SUSPENDED), (Status.SUSPENDED, Status.VALID)]


def test_a_valid_certificate_cannot_be_reinstated(cert_world: CertWorld, cert_certificate: Any) -> None:
    error = refused(reinstate_certificate, certificate=cert_certificate, reason="恢复", **as_body(cert_world))
    assert error.messages == ["A certificate that is Valid cannot become Valid."]
    assert history(cert_certificate) == []


def test_a_sanction_suspension_is_lifted_by_the_regulator_only(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    suspend_for(cert_world, cert_certificate, 60, "监督抽查不合格", by=as_regulator)
    error = refused(
        reinstate_certificate, certificate=cert_certificate, reason="整改完成", **as_body(cert_world)
    )
    assert error.messages == [
        "The regulator suspended this certificate; only the regulator can reinstate it."
    ]
    assert reload(cert_certificate).status == Status.SUSPENDED
    reinstate_certificate(certificate=cert_certificate, reason="复查合格", **as_regulator(cert_world))
    assert reload(cert_certificate).status == Status.VALID
    assert list(cert_certificate.events.values_list("sanction", flat=True)) == [True, True]


def test_after_a_sanction_is_lifted_the_body_may_suspend_and_reinstate_again(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    until = today() + dt.timedelta(days=60)
    suspend_certificate(certificate=cert_certificate, until=until, reason="处罚", **as_regulator(cert_world))
    reinstate_certificate(certificate=cert_certificate, reason="复查合格", **as_regulator(cert_world))
    suspend_certificate(certificate=cert_certificate, until=until, reason="监督审核", **as_body(cert_world))
    reinstate_certificate(certificate=cert_certificate, reason="整改完成", **as_body(cert_world))
    assert reload(cert_certificate).status == Status.VALID


def test_the_regulator_may_lift_a_suspension_the_body_made(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    suspend_for(cert_world, cert_certificate, 5)
    reinstate_certificate(certificate=cert_certificate, reason="依申诉恢复", **as_regulator(cert_world))
    assert reload(cert_certificate).status == Status.VALID


# Withdrawal and cancellation


@pytest.mark.parametrize("suspended_first", [False, True])
@pytest.mark.parametrize("move", [withdraw_certificate, cancel_certificate])
def test_a_valid_or_suspended_certificate_is_withdrawn_or_cancelled(
    cert_world: CertWorld, cert_certificate: Any, move: Any, suspended_first: bool
) -> None:
    if suspended_first:
        suspend_for(cert_world, cert_certificate, 5)
    move(certificate=cert_certificate, reason="依规处理", **as_body(cert_world))
    certificate = reload(cert_certificate)
    expected = Status.WITHDRAWN if move is withdraw_certificate else Status.CANCELLED
    assert certificate.status == expected
    assert certificate.suspended_until is None
    assert history(certificate)[-1] == (Status.SUSPENDED if suspended_first else Status.VALID, expected)


def test_the_regulator_withdraws_as_a_sanction(cert_world: CertWorld, cert_certificate: Any) -> None:
    withdraw_certificate(certificate=cert_certificate, reason="出具虚假报告", **as_regulator(cert_world))
    event = reload(cert_certificate).events.get()
    assert (event.to_status, event.sanction, event.actor) == (Status.WITHDRAWN, True, cert_world.supervisor)


@pytest.mark.parametrize("final", [Status.WITHDRAWN, Status.CANCELLED])
@pytest.mark.parametrize(
    "to", [Status.VALID, Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED, Status.EXPIRED]
)
def test_withdrawn_and_cancelled_are_final(
    cert_world: CertWorld, cert_certificate: Any, final: str, to: str
) -> None:
    change_status(certificate=cert_certificate, status=final, reason="终止", **as_body(cert_world))
    error = refused_change(cert_world, cert_certificate, to, by=as_regulator)
    with translation.override("en"):
        assert error.messages == [f"Certificate 2025010101000001 is {Status(final).label}; that is final."]
    assert reload(cert_certificate).status == final
    assert len(history(cert_certificate)) == 1


@pytest.mark.parametrize("to", [Status.VALID, Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED])
def test_an_expired_certificate_does_not_move(cert_world: CertWorld, cert_certificate: Any, to: str) -> None:
    expire_due_certificates(today=cert_certificate.expires_on + dt.timedelta(days=1))
    error = refused_change(cert_world, cert_certificate, to, by=as_body)
    assert error.messages == ["Certificate 2025010101000001 is Expired; that is final."]


def test_the_final_states_have_no_moves() -> None:
    assert {status for status, moves in MOVES.items() if not moves} == FINAL


def test_a_withdrawn_certificate_cannot_be_reported_again(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    withdraw_certificate(certificate=cert_certificate, reason="撤销", **as_body(cert_world))
    with translation.override("en"):
        data, errors = check_row(cert_row(expires_on="2031-05-31"), ReportContext.load(cert_world.body))
    assert data is None
    assert [(e.field, e.code) for e in errors] == [("number", "certificate_closed")]


# Reasons, history and audit


@pytest.mark.parametrize("reason", ["", "   ", "\u3000\n"])
def test_every_move_needs_a_reason(cert_world: CertWorld, cert_certificate: Any, reason: str) -> None:
    for status in (Status.SUSPENDED, Status.WITHDRAWN, Status.CANCELLED):
        error = refused(
            change_status,
            certificate=cert_certificate,
            status=status,
            reason=reason,
            until=today() + dt.timedelta(days=3),
            **as_body(cert_world),
        )
        assert list(error.message_dict) == ["reason"]
    assert history(cert_certificate) == []
    assert status_audits(cert_certificate) == []


def test_every_move_is_an_event_in_order_with_its_audit(cert_world: CertWorld, cert_certificate: Any) -> None:
    until = today() + dt.timedelta(days=20)
    suspend_certificate(certificate=cert_certificate, until=until, reason="一", **as_body(cert_world))
    reinstate_certificate(certificate=cert_certificate, reason="二", **as_body(cert_world))
    suspend_certificate(certificate=cert_certificate, until=until, reason="三", **as_regulator(cert_world))
    withdraw_certificate(certificate=cert_certificate, reason="四", **as_regulator(cert_world))
    events = list(cert_certificate.events.order_by("id"))
    assert [(e.from_status, e.to_status, e.reason) for e in events] == [
        (Status.VALID, Status.SUSPENDED, "一"),
        (Status.SUSPENDED, Status.VALID, "二"),
        (Status.VALID, Status.SUSPENDED, "三"),
        (Status.SUSPENDED, Status.WITHDRAWN, "四"),
    ]
    assert [e.actor for e in events] == [cert_world.staff] * 2 + [cert_world.supervisor] * 2
    assert [e.actor_organisation for e in events] == [cert_world.body.organisation] * 2 + [None, None]
    assert [e.sanction for e in events] == [False, False, True, True]
    audits = status_audits(cert_certificate)
    assert [(a["before"]["status"], a["after"]["status"], a["reason"]) for a in audits] == [
        (Status.VALID, Status.SUSPENDED, "一"),
        (Status.SUSPENDED, Status.VALID, "二"),
        (Status.VALID, Status.SUSPENDED, "三"),
        (Status.SUSPENDED, Status.WITHDRAWN, "四"),
    ]
    assert [a["event"] for a in audits] == [e.pk for e in events]
    assert AuditEvent.objects.get(data__event=events[0].pk).actor == cert_world.staff


def test_a_refused_move_writes_nothing(cert_world: CertWorld, cert_certificate: Any) -> None:
    cancel_certificate(certificate=cert_certificate, reason="注销", **as_body(cert_world))
    before = (StatusEvent.objects.count(), AuditEvent.objects.count())
    refused(withdraw_certificate, certificate=cert_certificate, reason="撤销", **as_regulator(cert_world))
    assert (StatusEvent.objects.count(), AuditEvent.objects.count()) == before


# Expiry


def test_a_certificate_is_valid_through_its_expiry_date_and_expired_the_day_after(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    expires_on = cert_certificate.expires_on
    assert expire_due_certificates(today=expires_on) == 0
    assert reload(cert_certificate).status == Status.VALID
    assert expire_due_certificates(today=expires_on + dt.timedelta(days=1)) == 1
    certificate = reload(cert_certificate)
    assert (certificate.status, certificate.status_since) == (
        Status.EXPIRED,
        expires_on + dt.timedelta(days=1),
    )
    event = certificate.events.get()
    assert (event.from_status, event.to_status, event.actor, event.effective_on) == (
        Status.VALID,
        Status.EXPIRED,
        None,
        expires_on + dt.timedelta(days=1),
    )
    audit = AuditEvent.objects.get(event_type=EventType.CERTIFICATES_EXPIRED)
    assert audit.data["count"] == 1
    assert expire_due_certificates(today=expires_on + dt.timedelta(days=2)) == 0


def test_a_suspended_certificate_expires_too_and_its_suspension_ends(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    suspend_for(cert_world, cert_certificate, 5)
    expire_due_certificates(today=cert_certificate.expires_on + dt.timedelta(days=1))
    certificate = reload(cert_certificate)
    assert (certificate.status, certificate.suspended_until) == (Status.EXPIRED, None)
    assert history(certificate)[-1] == (Status.SUSPENDED, Status.EXPIRED)


def test_withdrawn_and_cancelled_certificates_do_not_expire(cert_world: CertWorld) -> None:
    withdrawn = cert_report(cert_world, number="W-1")
    cancelled = cert_report(cert_world, number="C-1")
    withdraw_certificate(certificate=withdrawn, reason="撤销", **as_body(cert_world))
    cancel_certificate(certificate=cancelled, reason="注销", **as_body(cert_world))
    assert expire_due_certificates(today=dt.date(2031, 1, 1)) == 0
    assert {reload(withdrawn).status, reload(cancelled).status} == {Status.WITHDRAWN, Status.CANCELLED}


def test_expiry_runs_in_batches(cert_world: CertWorld) -> None:
    for index in range(7):
        cert_report(cert_world, number=f"B-{index}", expires_on=f"2027-0{index + 1}-15")
    assert expire_due_certificates(today=dt.date(2028, 1, 1), batch=3) == 7
    assert set(Certificate.objects.values_list("status", flat=True)) == {Status.EXPIRED}
    assert StatusEvent.objects.filter(to_status=Status.EXPIRED).count() == 7


# Renewal


def test_an_expired_certificate_reported_again_with_a_later_expiry_is_valid_again(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    expire_due_certificates(today=cert_certificate.expires_on + dt.timedelta(days=1))
    later = today() + dt.timedelta(days=3 * 365)
    renewed = cert_report(cert_world, expires_on=str(later))
    assert renewed.pk == cert_certificate.pk
    certificate = reload(cert_certificate)
    assert (certificate.status, certificate.expires_on, certificate.status_since) == (
        Status.VALID,
        later,
        today(),
    )
    event = certificate.events.order_by("id").last()
    assert event is not None
    assert (event.from_status, event.to_status, event.actor, event.actor_organisation) == (
        Status.EXPIRED,
        Status.VALID,
        cert_world.staff,
        cert_world.body.organisation,
    )
    assert str(later) in event.reason


def test_reporting_an_expired_certificate_with_a_past_expiry_leaves_it_expired(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    expire_due_certificates(today=cert_certificate.expires_on + dt.timedelta(days=1))
    cert_report(cert_world, expires_on=str(today() - dt.timedelta(days=1)))
    assert reload(cert_certificate).status == Status.EXPIRED
    assert len(history(cert_certificate)) == 1


def test_reporting_a_suspended_certificate_again_keeps_it_suspended(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    until = today() + dt.timedelta(days=15)
    suspend_certificate(certificate=cert_certificate, until=until, reason="暂停", **as_body(cert_world))
    cert_report(cert_world, product_models="MB-FB40; MB-FB50; MB-FB60")
    certificate = reload(cert_certificate)
    assert (certificate.status, certificate.suspended_until) == (Status.SUSPENDED, until)


# Random sequences of moves


class Lifecycle(RuleBasedStateMachine):
    """Random moves on one certificate, each checked against a model of the rules; the history must always
    explain the status. Each example runs in a savepoint that is rolled back at its end."""

    world: CertWorld
    numbers = iter(range(1_000_000))

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.certificate = cert_report(self.world, number=f"SM-{next(self.numbers)}")
        self.expected = Status.VALID
        self.sanctioned = False
        self.finals_seen: str | None = None

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _try(self, legal: bool, call: Any, **kwargs: Any) -> bool:
        try:
            call(certificate=self.certificate, **kwargs)
        except ValidationError:
            assert not legal, f"refused a legal move from {self.expected}"
            return False
        assert legal, f"allowed an illegal move from {self.expected}"
        return True

    def _who(self, regulator: bool) -> dict[str, Any]:
        return as_regulator(self.world) if regulator else as_body(self.world)

    @rule(days=st.integers(min_value=-2, max_value=60), regulator=st.booleans())
    def suspend(self, days: int, regulator: bool) -> None:
        legal = self.expected == Status.VALID and days > 0
        until = today() + dt.timedelta(days=days)
        if self._try(legal, suspend_certificate, until=until, reason="暂停", **self._who(regulator)):
            self.expected, self.sanctioned = Status.SUSPENDED, regulator

    @rule(regulator=st.booleans())
    def reinstate(self, regulator: bool) -> None:
        legal = self.expected == Status.SUSPENDED and (regulator or not self.sanctioned)
        if self._try(legal, reinstate_certificate, reason="恢复", **self._who(regulator)):
            self.expected = Status.VALID

    @rule(regulator=st.booleans())
    def withdraw(self, regulator: bool) -> None:
        legal = self.expected in (Status.VALID, Status.SUSPENDED)
        if self._try(legal, withdraw_certificate, reason="撤销", **self._who(regulator)):
            self.expected = Status.WITHDRAWN

    @rule()
    def cancel(self) -> None:
        legal = self.expected == Status.VALID or (self.expected == Status.SUSPENDED and not self.sanctioned)
        if self._try(legal, cancel_certificate, reason="注销", **as_body(self.world)):
            self.expected = Status.CANCELLED

    @rule(days=st.integers(min_value=-1, max_value=2))
    def run_the_expiry(self, days: int) -> None:
        expires_on = reload(self.certificate).expires_on
        expired = expire_due_certificates(today=expires_on + dt.timedelta(days=days))
        due = days > 0 and self.expected in (Status.VALID, Status.SUSPENDED)
        assert expired == int(due)
        if due:
            self.expected = Status.EXPIRED

    @rule(years=st.integers(min_value=1, max_value=5))
    def report_again(self, years: int) -> None:
        """A renewal when expired; refused for withdrawn or cancelled; else an update that keeps the status."""
        expires_on = today() + dt.timedelta(days=365 * years)
        row = cert_row(number=self.certificate.number, expires_on=str(expires_on))
        data, errors = check_row(row, ReportContext.load(self.world.body))
        if self.expected in (Status.WITHDRAWN, Status.CANCELLED):
            assert [e.code for e in errors] == ["certificate_closed"]
            return
        assert data is not None
        report_certificate(acting_user=self.world.staff, body=self.world.body, data=data)
        if self.expected == Status.EXPIRED:
            self.expected = Status.VALID

    @invariant()
    def status_is_the_last_events(self) -> None:
        certificate = reload(self.certificate)
        assert certificate.status == self.expected
        events = list(certificate.events.order_by("id").values_list("from_status", "to_status"))
        assert (events[-1][1] if events else Status.VALID) == certificate.status

    @invariant()
    def history_has_no_gaps(self) -> None:
        events = list(self.certificate.events.order_by("id").values_list("from_status", "to_status"))
        previous = Status.VALID
        for from_status, to_status in events:
            assert from_status == previous
            assert to_status in MOVES[from_status] or (from_status, to_status) == (
                Status.EXPIRED,
                Status.VALID,
            )
            previous = to_status

    @precondition(lambda self: self.expected in (Status.WITHDRAWN, Status.CANCELLED))
    @invariant()
    def withdrawn_and_cancelled_never_change(self) -> None:
        if self.finals_seen is None:
            self.finals_seen = self.expected
        assert reload(self.certificate).status == self.finals_seen


def test_random_sequences_of_moves_keep_status_and_history_consistent(cert_world: CertWorld) -> None:
    Lifecycle.world = cert_world
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=60,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_the_body_cannot_cancel_a_certificate_under_a_sanction_suspension(
    cert_world: CertWorld, cert_certificate: Any
) -> None:
    suspend_for(cert_world, cert_certificate, 60, "处罚", by=as_regulator)
    refused(cancel_certificate, certificate=cert_certificate, reason="持证人申请注销", **as_body(cert_world))
    assert reload(cert_certificate).status == Status.SUSPENDED
