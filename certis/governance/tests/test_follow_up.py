"""督办: the office chases a task's units for a reply; each unit answers for itself until the office closes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import User
from certis.audit.models import AuditEvent, EventType
from certis.core.testing import client_for, unit
from certis.governance.models import FollowUp, FollowUpRecipient, Plan
from certis.governance.selectors import dashboard
from certis.governance.services import work as services

TASK_1_UNITS = {"認可部", "科標部", "法律部", "研究所", "認可中心", "協會"}


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def send_url(plan: Plan, number: int = 1) -> str:
    return reverse("governance:send_follow_up", args=[plan.pk, number])


def detail_url(follow_up: FollowUp) -> str:
    return reverse("governance:follow_up_detail", args=[follow_up.pk])


def recipients(follow_up: FollowUp) -> set[str]:
    return {recipient.unit.name for recipient in follow_up.recipients.select_related("unit")}


@pytest.fixture
def follow_up(plan: Plan, office: User) -> FollowUp:
    return services.send_follow_up(
        acting_user=office, task=plan.tasks.get(number=1), message="请于一周内报送进展。", due_on=in_days(7)
    )


# Sending.


@pytest.mark.django_db
def test_a_follow_up_goes_to_every_unit_of_the_task_by_default(plan: Plan, office: User) -> None:
    response = client_for(office).post(send_url(plan), {"message": "请报送进展。", "due_on": in_days(7)})
    assert response.status_code == 302
    sent = FollowUp.objects.get()
    assert (sent.task.number, sent.sent_by, sent.due_on) == (1, office, in_days(7))
    assert recipients(sent) == TASK_1_UNITS
    event = AuditEvent.objects.get(event_type=EventType.FOLLOW_UP_SENT)
    assert set(event.data["units"]) == TASK_1_UNITS


@pytest.mark.django_db
def test_a_follow_up_goes_only_to_the_units_chosen(plan: Plan, office: User) -> None:
    chosen = [unit("法律部").pk, unit("协会").pk]
    response = client_for(office).post(
        send_url(plan), {"message": "请报送配合情况。", "due_on": in_days(7), "units": chosen}
    )
    assert response.status_code == 302
    assert recipients(FollowUp.objects.get()) == {"法律部", "協會"}


@pytest.mark.django_db
def test_a_unit_not_on_the_task_cannot_be_chosen(plan: Plan, office: User) -> None:
    response = client_for(office).post(
        send_url(plan), {"message": "请报送。", "due_on": in_days(7), "units": [unit("财务部").pk]}
    )
    assert response.status_code == 400
    assert "units" in response.context["follow_up_form"].errors
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_unit_not_on_the_task(plan: Plan, office: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.send_follow_up(
            acting_user=office,
            task=plan.tasks.get(number=1),
            message="请报送。",
            due_on=in_days(7),
            units=[unit("法律部"), unit("财务部")],
        )
    assert "units" in error.value.error_dict
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_a_reply_date_in_the_past_is_refused(plan: Plan, office: User) -> None:
    response = client_for(office).post(send_url(plan), {"message": "请报送。", "due_on": in_days(-1)})
    assert response.status_code == 400
    assert "due_on" in response.context["follow_up_form"].errors
    assert not FollowUp.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_SENT).exists()


@pytest.mark.django_db
def test_a_reply_due_today_is_accepted(plan: Plan, office: User) -> None:
    response = client_for(office).post(send_url(plan), {"message": "今日报送。", "due_on": in_days(0)})
    assert response.status_code == 302
    assert FollowUp.objects.get().due_on == timezone.localdate()


# Replying.


@pytest.mark.django_db
def test_a_recipient_unit_replies_for_itself(follow_up: FollowUp, support_staff: User) -> None:
    response = client_for(support_staff).post(detail_url(follow_up), {"reply": "已完成合规性审查。"})
    assert response.status_code == 302
    replied = follow_up.recipients.get(unit=unit("法律部"))
    assert (replied.reply, replied.replied_by) == ("已完成合规性审查。", support_staff)
    assert replied.replied_at is not None
    assert follow_up.recipients.filter(replied_at__isnull=False).count() == 1
    event = AuditEvent.objects.get(event_type=EventType.FOLLOW_UP_REPLIED)
    assert (event.actor, event.actor_organisation) == (support_staff, unit("法律部"))


@pytest.mark.django_db
def test_another_unit_may_not_reply_for_a_recipient(
    follow_up: FollowUp, lead_staff: User, outsider: User
) -> None:
    law = follow_up.recipients.get(unit=unit("法律部"))
    for person in (lead_staff, outsider):
        with pytest.raises(PermissionDenied):
            services.reply_to_follow_up(acting_user=person, recipient=law, reply="代为答复")
    law.refresh_from_db()
    assert (law.reply, law.replied_at) == ("", None)
    assert not AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_REPLIED).exists()


@pytest.mark.django_db
def test_a_reply_on_the_page_answers_only_for_the_replying_persons_unit(
    follow_up: FollowUp, lead_staff: User
) -> None:
    client_for(lead_staff).post(detail_url(follow_up), {"reply": "认可部已落实。"})
    replied = FollowUpRecipient.objects.filter(follow_up=follow_up, replied_at__isnull=False)
    assert [recipient.unit for recipient in replied] == [unit("认可部")]


@pytest.mark.django_db
def test_a_unit_that_has_replied_cannot_reply_again(follow_up: FollowUp, support_staff: User) -> None:
    client = client_for(support_staff)
    client.post(detail_url(follow_up), {"reply": "第一次答复"})
    assert client.post(detail_url(follow_up), {"reply": "第二次答复"}).status_code == 403
    assert follow_up.recipients.get(unit=unit("法律部")).reply == "第一次答复"


@pytest.mark.django_db
def test_a_unit_not_sent_the_follow_up_cannot_see_or_answer_it(follow_up: FollowUp, outsider: User) -> None:
    client = client_for(outsider)
    assert client.get(detail_url(follow_up)).status_code == 404
    assert client.post(detail_url(follow_up), {"reply": "代为答复"}).status_code == 404


@pytest.mark.django_db
def test_no_reply_is_accepted_after_the_office_closes_the_follow_up(
    follow_up: FollowUp, office: User, support_staff: User
) -> None:
    response = client_for(office).post(reverse("governance:close_follow_up", args=[follow_up.pk]))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.closed_at is not None
    assert AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_CLOSED).count() == 1

    client = client_for(support_staff)
    page = client.get(detail_url(follow_up))
    assert page.context["reply_form"] is None
    response = client.post(detail_url(follow_up), {"reply": "迟到的答复"})
    assert response.status_code == 400
    assert follow_up.recipients.filter(replied_at__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_REPLIED).exists()


@pytest.mark.django_db
def test_closing_twice_records_one_event(follow_up: FollowUp, office: User) -> None:
    services.close_follow_up(acting_user=office, follow_up=follow_up)
    services.close_follow_up(acting_user=office, follow_up=follow_up)
    assert AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_CLOSED).count() == 1


# The list.


@pytest.fixture
def two_follow_ups(plan: Plan, office: User) -> dict[str, FollowUp]:
    """One on task 1 to 法律部, one on task 43 to 财务部."""
    return {
        "law": services.send_follow_up(
            acting_user=office,
            task=plan.tasks.get(number=1),
            message="法律部请报送。",
            due_on=in_days(7),
            units=[unit("法律部")],
        ),
        "finance": services.send_follow_up(
            acting_user=office,
            task=plan.tasks.get(number=43),
            message="财务部请报送。",
            due_on=in_days(7),
            units=[unit("财务部")],
        ),
    }


def listed(user: User, **query: Any) -> set[int]:
    response = client_for(user).get(reverse("governance:follow_up_list"), query)
    assert response.status_code == 200
    return {follow_up.pk for follow_up in response.context["follow_ups"]}


@pytest.mark.django_db
def test_the_list_shows_a_unit_only_its_own_follow_ups(
    two_follow_ups: dict[str, FollowUp], support_staff: User, outsider: User, lead_staff: User
) -> None:
    assert listed(support_staff) == {two_follow_ups["law"].pk}
    assert listed(outsider) == {two_follow_ups["finance"].pk}
    assert listed(lead_staff) == set()


@pytest.mark.django_db
def test_the_list_shows_the_leading_group_every_follow_up(
    two_follow_ups: dict[str, FollowUp], leader: User
) -> None:
    assert listed(leader) == {follow_up.pk for follow_up in two_follow_ups.values()}


@pytest.mark.django_db
def test_the_list_separates_open_and_closed_follow_ups(
    two_follow_ups: dict[str, FollowUp], office: User
) -> None:
    services.close_follow_up(acting_user=office, follow_up=two_follow_ups["law"])
    assert listed(office) == {two_follow_ups["finance"].pk}
    assert listed(office, state="closed") == {two_follow_ups["law"].pk}
    assert len(listed(office, state="all")) == 2


@pytest.mark.django_db
def test_the_dashboard_counts_the_replies_still_awaited(
    two_follow_ups: dict[str, FollowUp], office: User, outsider: User
) -> None:
    plan = two_follow_ups["law"].task.plan
    assert dashboard(plan).open_follow_ups == 2
    finance = two_follow_ups["finance"].recipients.get()
    services.reply_to_follow_up(acting_user=outsider, recipient=finance, reply="已报送")
    assert dashboard(plan).open_follow_ups == 1
    services.close_follow_up(acting_user=office, follow_up=two_follow_ups["law"])
    assert dashboard(plan).open_follow_ups == 0
