"""Property tests: random sequences of acts, at random working and non-working days, against the application's
state machine.

A small model says which acts are legal where. A legal act moves the application where the model says; an
illegal one raises (ValidationError for the wrong stage, PermissionDenied for a reviewer not assigned) and
changes nothing. After every act: the stage is a legal one; exactly one clock period is open unless the
application is closed; the stages' working days add up to the working days since submission, so
supplementing is never counted in the total; and the overdue flag kept in the database agrees with the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from certis.accounts.models import Organisation, User
from certis.audit.models import AuditEvent
from certis.bodies.applications import services
from certis.bodies.applications.clock import clock
from certis.bodies.applications.workdays import working_days_between
from certis.bodies.models import Application, StagePeriod

from .fixtures import (
    Cast,
    accredit,
    at,
    pdf,
    submit_new_body,
)

Stage = Application.Stage
START = dt.date(2026, 2, 2)
ACTS = (
    "accept",
    "return",
    "supplement",
    "assign",
    "findings",
    "complete",
    "approve",
    "refuse",
    "issue",
    "publish",
    "withdraw",
    "upload",
)
OPEN = (Stage.SUBMITTED, Stage.SUPPLEMENTING, Stage.REVIEW, Stage.DECISION, Stage.ISSUING, Stage.ISSUED)
CLOSED = (Stage.PUBLISHED, Stage.REFUSED, Stage.WITHDRAWN)
REACHED: set[str] = set()  # the stages the examples reached, for a look after a run


@dataclass
class Model:
    stage: str = Stage.SUBMITTED
    returned_from: str = ""
    assigned: bool = False
    concluded: bool = False
    history: list[str] = field(default_factory=list)

    def next(self, act: str) -> str | None:
        """The stage the act leads to, or None when it is illegal now."""
        stage = self.stage
        moves: dict[str, tuple[bool, str]] = {
            "accept": (stage == Stage.SUBMITTED, Stage.REVIEW),
            "return": (stage in (Stage.SUBMITTED, Stage.REVIEW), Stage.SUPPLEMENTING),
            "supplement": (stage == Stage.SUPPLEMENTING, self.returned_from),
            "assign": (stage == Stage.REVIEW and not self.assigned, stage),
            "findings": (stage == Stage.REVIEW and self.assigned, stage),
            "complete": (stage == Stage.REVIEW and self.concluded, Stage.DECISION),
            "approve": (stage == Stage.DECISION, Stage.ISSUING),
            "refuse": (stage == Stage.DECISION, Stage.REFUSED),
            "issue": (stage == Stage.ISSUING, Stage.ISSUED),
            "publish": (stage == Stage.ISSUED, Stage.PUBLISHED),
            "withdraw": (
                stage in (Stage.SUBMITTED, Stage.SUPPLEMENTING, Stage.REVIEW, Stage.DECISION),
                Stage.WITHDRAWN,
            ),
            "upload": (stage in (Stage.SUBMITTED, Stage.SUPPLEMENTING), stage),
        }
        legal, to = moves[act]
        return to if legal else None

    def apply(self, act: str, to: str) -> None:
        if act == "return":
            self.returned_from = self.stage
        elif act == "supplement":
            self.returned_from = ""
        elif act == "assign":
            self.assigned = True
        elif act == "findings":
            self.concluded = True
        self.stage = to
        self.history.append(act)


def perform(act: str, cast: Cast, applicant: User, application: Application, now: dt.datetime) -> None:
    staff, official, reviewer = cast.staff, cast.official, cast.reviewer
    calls = {
        "accept": lambda: services.accept_application(acting_user=staff, application=application, now=now),
        "return": lambda: services.return_application(
            acting_user=staff, application=application, missing=["补充材料"], now=now
        ),
        "supplement": lambda: services.supplement_application(
            acting_user=applicant, application=application, now=now
        ),
        "assign": lambda: services.assign_reviewer(
            acting_user=staff, application=application, reviewer=reviewer, now=now
        ),
        "findings": lambda: services.record_findings(
            acting_user=reviewer, application=application, findings="符合", conclusion="conforms", now=now
        ),
        "complete": lambda: services.complete_review(acting_user=staff, application=application, now=now),
        "approve": lambda: services.decide(
            acting_user=official, application=application, outcome="approve", reasons="符合", now=now
        ),
        "refuse": lambda: services.decide(
            acting_user=official, application=application, outcome="refuse", reasons="不符合", now=now
        ),
        "issue": lambda: services.issue_approval(acting_user=staff, application=application, now=now),
        "publish": lambda: services.publish_approval(acting_user=staff, application=application, now=now),
        "withdraw": lambda: services.withdraw_application(
            acting_user=applicant, application=application, now=now
        ),
        "upload": lambda: services.upload_document(
            acting_user=applicant, application=application, title="补充材料", file=pdf(), now=now
        ),
    }
    calls[act]()


def snapshot(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return (
        application.stage,
        application.returned_from,
        application.closed_at,
        application.approval_number,
        list(application.periods.values_list("stage", "ended_at", "working_days", "overdue_from")),
        list(application.reviews.values_list("reviewer", "conclusion")),
        application.missing_items.count(),
        application.documents.count(),
        AuditEvent.objects.count(),
    )


def check_invariants(application: Application, submitted: dt.date, today: dt.date) -> None:
    application.refresh_from_db()
    assert application.stage in Stage.values
    open_periods = list(application.periods.filter(ended_at__isnull=True))
    if application.stage in CLOSED:
        assert open_periods == [] and application.closed_at is not None
        end = timezone.localdate(application.closed_at)
    else:
        assert [p.stage for p in open_periods] == [application.stage] and application.closed_at is None
        end = today
    time = clock(application, today)
    supplementing = sum(
        p.working_days or 0
        for p in application.periods.filter(stage=Stage.SUPPLEMENTING, ended_at__isnull=False)
    )
    if application.stage == Stage.SUPPLEMENTING:
        supplementing += working_days_between(timezone.localdate(open_periods[0].started_at), today)
    assert time.supplementing == supplementing
    assert time.total + time.supplementing == working_days_between(submitted, end)
    flagged = StagePeriod.objects.filter(
        application=application, ended_at__isnull=True, overdue_from__lte=today
    ).exists()
    assert flagged == time.overdue
    if time.paused:
        assert not time.overdue and application.returned_from in (Stage.SUBMITTED, Stage.REVIEW)


# A step is an act and the days since the previous one. Half the steps take one of the acts legal at that
# moment (``None``: the model picks by the index), so that sequences reach the late stages; the rest are
# any act at all, legal or not.
steps = st.lists(
    st.tuples(
        st.one_of(
            st.integers(min_value=0, max_value=29).map(lambda index: -1 - index),
            st.sampled_from(ACTS),
        ),
        st.integers(min_value=0, max_value=9),
    ),
    min_size=1,
    max_size=24,
)


FORWARD = ("accept", "supplement", "assign", "findings", "complete", "approve", "issue", "publish")


def choose(model: Model, act: str | int) -> str:
    """The act itself, or the legal act the index picks: forward moves first (the furthest first) and weighted
    three to one."""
    if isinstance(act, str):
        return act
    legal = [candidate for candidate in ACTS if model.next(candidate) is not None]
    legal.sort(key=lambda candidate: -FORWARD.index(candidate) if candidate in FORWARD else 1)
    weighted = [candidate for candidate in legal for _ in range(3 if candidate in FORWARD else 1)]
    return (weighted or list(ACTS))[(-1 - act) % len(weighted or ACTS)]


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps, start_offset=st.integers(min_value=0, max_value=300))
@example(plan=[(-1, 1)] * 9, start_offset=0)  # straight to publication, a day a step
@example(plan=[*[(-1, 3)] * 4, ("refuse", 1), ("issue", 1), ("withdraw", 0)], start_offset=240)
@example(
    plan=[(-1, 2), ("return", 1), (-1, 3), (-1, 0), ("return", 4), (-1, 9), *[(-1, 1)] * 7], start_offset=10
)
def test_random_acts_follow_the_state_machine_and_keep_the_clock_honest(
    app_cast: Cast,
    app_applicant: User,
    app_new_body: Organisation,
    plan: list[tuple[Any, int]],
    start_offset: int,
) -> None:
    with transaction.atomic():
        day = START + dt.timedelta(days=start_offset)
        application = submit_new_body(app_applicant, app_new_body, now=at(str(day)))
        accredit(app_cast.staff, application.body)
        model = Model()
        for step, gap in plan:
            day += dt.timedelta(days=gap)
            act = choose(model, step)
            expected = model.next(act)
            before = snapshot(application)
            try:
                perform(act, app_cast, app_applicant, application, at(str(day)))
            except (ValidationError, PermissionDenied) as refusal:
                assert expected is None, (
                    f"{act} at {model.stage} after {model.history} was refused: {refusal}"
                )
                if isinstance(refusal, PermissionDenied):
                    assert act == "findings" and not model.assigned
                assert snapshot(application) == before
            else:
                assert expected is not None, f"{act} at {model.stage} after {model.history} was allowed"
                model.apply(act, expected)
                application.refresh_from_db()
                assert application.stage == model.stage
            REACHED.add(model.stage)
            check_invariants(application, START + dt.timedelta(days=start_offset), day)
        transaction.set_rollback(True)
