from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from certis.core.testing import person, unit
from certis.governance.services import work as services

pytestmark = pytest.mark.django_db


def test_follow_up_mails_the_people_of_each_unit_after_commit(
    plan: Any, office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    renke = person("renke-mail", unit("认可部"))
    renke.email = "renke@example.cn"
    renke.save()
    no_mail = person("no-mail", unit("科标部"))
    assert no_mail.email == ""
    task = plan.tasks.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_follow_up(
            acting_user=office,
            task=task,
            message="请报送进展",
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
    assert [message.to for message in mail.outbox] == [["renke@example.cn"]]
    assert "请报送进展" in mail.outbox[0].body
    assert "1" in mail.outbox[0].subject


def test_no_mail_when_the_follow_up_is_refused(
    plan: Any, office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = plan.tasks.get(number=1)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.send_follow_up(
            acting_user=office, task=task, message="x", due_on=timezone.localdate() - dt.timedelta(days=1)
        )
    assert mail.outbox == []
