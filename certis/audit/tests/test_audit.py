"""The audit log: every service writes its event in its own transaction, and auditors browse the log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certis.accounts import services as accounts
from certis.accounts.models import Organisation, User
from certis.audit.models import AuditEvent, EventType
from certis.audit.services import record
from certis.core.testing import client_for, person, unit
from certis.governance.files.notice import read_notice
from certis.governance.models import Plan
from certis.governance.services import work as services
from certis.governance.services.plan_import import import_plan, revise_plan

TODAY = timezone.localdate


def database() -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a service may change (all but the audit log itself)."""
    tables = [*apps.get_app_config("governance").get_models(), *apps.get_app_config("accounts").get_models()]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in tables}


Act = Callable[[], Any]


def prepare(name: str, cast: dict[str, Any]) -> Act:
    """Set up what the service needs (before the audit log breaks), and return the call to make."""
    plan: Plan = cast["plan"]
    office, lead, support = cast["office"], cast["lead_staff"], cast["support_staff"]
    task = plan.tasks.get(number=1)
    soon = TODAY() + dt.timedelta(days=7)
    if name == "set_plan_published":
        return lambda: services.set_plan_published(acting_user=office, plan=plan, published=True)
    if name == "schedule_task":
        return lambda: services.schedule_task(acting_user=office, task=task, deadline=soon)
    if name == "add_milestone":
        return lambda: services.add_milestone(acting_user=office, task=task, title="试点", due_on=soon)
    if name == "complete_milestone":
        milestone = services.add_milestone(acting_user=office, task=task, title="试点", due_on=soon)
        return lambda: services.complete_milestone(
            acting_user=lead, milestone=milestone, completed_on=TODAY()
        )
    if name == "report_progress":
        return lambda: services.report_progress(
            acting_user=lead,
            task=task,
            status="in_progress",
            percent_complete=50,
            text="进展",
            reported_on=TODAY(),
            files=[SimpleUploadedFile("a.pdf", b"%PDF")],
        )
    if name == "add_contribution":
        return lambda: services.add_contribution(
            acting_user=support, task=task, text="配合", reported_on=TODAY()
        )
    if name == "send_follow_up":
        return lambda: services.send_follow_up(acting_user=office, task=task, message="请报送", due_on=soon)
    if name in ("reply_to_follow_up", "close_follow_up"):
        follow_up = services.send_follow_up(acting_user=office, task=task, message="请报送", due_on=soon)
        if name == "close_follow_up":
            return lambda: services.close_follow_up(acting_user=office, follow_up=follow_up)
        recipient = follow_up.recipients.get(unit=unit("法律部"))
        return lambda: services.reply_to_follow_up(acting_user=support, recipient=recipient, reply="已办")
    if name == "open_assessment_period":
        return lambda: services.open_assessment_period(
            acting_user=office, plan=plan, name="上半年", starts_on=TODAY().replace(day=1), ends_on=TODAY()
        )
    if name == "adjust_score":
        period = services.open_assessment_period(
            acting_user=office, plan=plan, name="上半年", starts_on=TODAY().replace(day=1), ends_on=TODAY()
        )
        return lambda: services.adjust_score(
            acting_user=office, period=period, unit=unit("认可部"), points=Decimal(3), reason="材料翔实"
        )
    text = cast["seed_text"]
    if name == "import_plan":  # the units exist already: the plan's own event is the only one
        return lambda: import_plan(acting_user=office, notice=read_notice(text), source_text=text + "\n附")
    if name == "revise_plan":
        revised = text.replace("(認可部牽頭,科標部", "(認證部牽頭,科標部", 1)
        return lambda: revise_plan(
            acting_user=office, plan=plan, notice=read_notice(revised), source_text=revised
        )
    if name == "issue_api_token":
        return lambda: accounts.issue_api_token(acting_user=office, organisation=unit("认可部"), name="系统")
    if name == "revoke_api_token":
        token, _secret = accounts.issue_api_token(
            acting_user=office, organisation=unit("认可部"), name="系统"
        )
        return lambda: accounts.revoke_api_token(acting_user=office, token=token)
    if name == "grant_role":
        return lambda: accounts.grant_role(
            acting_user=office, user=support, organisation=unit("认可部"), role="staff"
        )
    if name == "create_organisation":
        return lambda: accounts.create_organisation(acting_user=office, name="新设部", kind="department")
    raise AssertionError(name)


SERVICES = {
    "set_plan_published": EventType.PLAN_PUBLISHED,
    "schedule_task": EventType.TASK_SCHEDULED,
    "add_milestone": EventType.MILESTONE_ADDED,
    "complete_milestone": EventType.MILESTONE_COMPLETED,
    "report_progress": EventType.PROGRESS_REPORTED,
    "add_contribution": EventType.CONTRIBUTION_ADDED,
    "send_follow_up": EventType.FOLLOW_UP_SENT,
    "reply_to_follow_up": EventType.FOLLOW_UP_REPLIED,
    "close_follow_up": EventType.FOLLOW_UP_CLOSED,
    "open_assessment_period": EventType.ASSESSMENT_OPENED,
    "adjust_score": EventType.SCORE_ADJUSTED,
    "import_plan": EventType.PLAN_IMPORTED,
    "revise_plan": EventType.PLAN_REVISED,
    "issue_api_token": EventType.API_TOKEN_ISSUED,
    "revoke_api_token": EventType.API_TOKEN_REVOKED,
    "grant_role": EventType.MEMBERSHIP_GRANTED,
    "create_organisation": EventType.ORGANISATION_CREATED,
}


@pytest.fixture
def cast(plan: Plan, seed_text: str, office: User, lead_staff: User, support_staff: User) -> dict[str, Any]:
    return {
        "plan": plan,
        "seed_text": seed_text,
        "office": office,
        "lead_staff": lead_staff,
        "support_staff": support_staff,
    }


class AuditStoreDown(Exception):
    pass


@pytest.mark.django_db
@pytest.mark.parametrize("name", SERVICES)
def test_a_service_writes_exactly_its_event(cast: dict[str, Any], name: str) -> None:
    act = prepare(name, cast)
    before = AuditEvent.objects.count()
    act()
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-pk").first().event_type == SERVICES[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", SERVICES)
def test_a_change_whose_audit_event_cannot_be_written_is_rolled_back(cast: dict[str, Any], name: str) -> None:
    act = prepare(name, cast)
    before, events = database(), AuditEvent.objects.count()
    with (
        mock.patch("certis.audit.services.AuditEvent.objects.create", side_effect=AuditStoreDown),
        pytest.raises(AuditStoreDown),
    ):
        act()
    assert database() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    organisation = Organisation.objects.create(name="认可部", kind=Organisation.Kind.DEPARTMENT)
    with pytest.raises(RuntimeError):
        record(EventType.ORGANISATION_CREATED, actor=None, target=organisation)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_names_its_target_and_keeps_dates_and_decimals_as_json(plan: Plan, office: User) -> None:
    event = record(
        EventType.SCORE_ADJUSTED,
        actor=office,
        target=plan,
        data={"on": dt.date(2024, 3, 1), "points": Decimal("2.5")},
    )
    event.refresh_from_db()
    assert (event.target_type, event.target_id, event.target_repr) == (
        "governance.plan",
        str(plan.pk),
        plan.title,
    )
    assert event.data == {"on": "2024-03-01", "points": "2.5"}
    assert event.actor == office


# The audit page.


def listing(user: User, **query: Any) -> Any:
    response = client_for(user).get(reverse("audit:event_list"), query)
    assert response.status_code == 200
    return response.context["listing"]


@pytest.mark.django_db
def test_the_audit_page_filters_by_event_type(plan: Plan, auditor: User) -> None:
    rows = listing(auditor, event_type=EventType.ORGANISATION_CREATED).rows
    assert len(rows) == 16
    assert {event.event_type for event in rows} == {EventType.ORGANISATION_CREATED}
    assert [event.target_id for event in listing(auditor, event_type=EventType.PLAN_IMPORTED).rows] == [
        str(plan.pk)
    ]


@pytest.mark.django_db
def test_the_audit_page_filters_by_target_text(plan: Plan, auditor: User) -> None:
    assert {event.target_repr for event in listing(auditor, target="認可").rows} == {"認可部", "認可中心"}


@pytest.mark.django_db
def test_the_target_filter_matches_either_script(plan: Plan, auditor: User) -> None:
    assert {event.target_repr for event in listing(auditor, target="认可").rows} == {"認可部", "認可中心"}


@pytest.mark.django_db
def test_the_audit_page_filters_by_actor(plan: Plan, office: User, auditor: User) -> None:
    services.set_plan_published(acting_user=office, plan=plan, published=True)
    assert [event.event_type for event in listing(auditor, actor="offi").rows] == [EventType.PLAN_PUBLISHED]


@pytest.mark.django_db
def test_the_audit_page_shows_50_events_a_page_newest_first(plan: Plan, auditor: User) -> None:
    clerk = person("clerk", unit("认可部"))
    for _ in range(60):
        record(EventType.USER_CREATED, actor=None, target=clerk)
    first = listing(auditor, event_type=EventType.USER_CREATED)
    assert (first.total, len(first.rows), first.page.has_next()) == (60, 50, True)
    second = listing(auditor, event_type=EventType.USER_CREATED, page=2)
    assert len(second.rows) == 10
    shown = [event.pk for event in first.rows] + [event.pk for event in second.rows]
    assert shown == sorted(shown, reverse=True)
    assert len(set(shown)) == 60
