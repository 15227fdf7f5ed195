"""The demonstration certificates: every scheme and status, told through the services, and loaded twice
without failing or adding anything."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from certis.accounts.models import Membership, User
from certis.audit.models import AuditEvent
from certis.bodies.models import Scheme
from certis.certificates.access import can_manage, is_supervisor
from certis.certificates.models import Certificate, Holder, Standard, StatusEvent
from certis.demo import accounts as accounts_demo
from certis.demo import bodies as bodies_demo
from certis.demo import certificates as demo

Status = Certificate.Status
pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Certificate.objects.count(),
        StatusEvent.objects.count(),
        Holder.objects.count(),
        Standard.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def loaded() -> str:
    out = StringIO()
    accounts_demo.load(out)
    bodies_demo.load(out)
    demo.load(out)
    return out.getvalue()


def test_the_demo_loads_twice_without_adding_anything(loaded: str) -> None:
    before = counts()
    assert before[0] == len(demo.stories(timezone.localdate()))
    demo.load(StringIO())
    assert counts() == before


def test_the_demo_covers_every_scheme_and_status(loaded: str) -> None:
    assert set(Certificate.objects.values_list("scheme", flat=True)) == set(Scheme.values)
    assert set(Certificate.objects.values_list("status", flat=True)) == set(Status.values)
    assert "Certificates: 9 valid, 3 suspended, 2 withdrawn, 1 cancelled, 2 expired." in loaded


def test_the_demo_tells_each_story_through_the_services(loaded: str) -> None:
    reinstated = Certificate.objects.get(number="2024011001000321")
    assert list(reinstated.events.values_list("from_status", "to_status")) == [
        (Status.VALID, Status.SUSPENDED),
        (Status.SUSPENDED, Status.VALID),
    ]
    sanctioned = Certificate.objects.get(number="2024012202000789")
    assert sanctioned.status == Status.WITHDRAWN
    assert list(sanctioned.events.values_list("to_status", "sanction")) == [
        (Status.SUSPENDED, True),
        (Status.WITHDRAWN, True),
    ]
    assert sanctioned.events.last().actor.username == "jiandu"  # type: ignore[union-attr]
    under_sanction = Certificate.objects.get(number="CQC24GP0205678")
    assert (under_sanction.status, under_sanction.events.get().sanction) == (Status.SUSPENDED, True)
    renewed = Certificate.objects.get(number="095OP2400123")
    assert renewed.status == Status.VALID
    assert list(renewed.events.values_list("from_status", "to_status")) == [
        (Status.VALID, Status.EXPIRED),
        (Status.EXPIRED, Status.VALID),
    ]
    overdue = Certificate.objects.get(number="2024010702000987")
    assert overdue.status == Status.SUSPENDED
    assert overdue.suspended_until is not None and overdue.suspended_until < timezone.localdate()
    assert all(c.reported_by is not None for c in Certificate.objects.select_related("reported_by"))
    assert Certificate.objects.filter(holder_name__contains="臺州市黃巖").exists()


def test_the_demo_accounts_manage_what_they_should(loaded: str) -> None:
    staff = User.objects.get(username="zhengshu")
    supervisor = User.objects.get(username="jiandu")
    assert staff.check_password(accounts_demo.PASSWORD)
    assert is_supervisor(supervisor) and not is_supervisor(staff)
    own = Certificate.objects.filter(body__name=demo.CQC).first()
    other = Certificate.objects.exclude(body__name=demo.CQC).first()
    assert own is not None and other is not None
    assert can_manage(staff, own) and not can_manage(staff, other)
    assert supervisor.memberships.get().role == Membership.Role.SUPERVISOR


def test_the_demo_command_lists_the_certificate_accounts() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for username in ("zhengshu", "fangyuan", "hengxin", "jiandu"):
        assert f"  {username:<12} / {accounts_demo.PASSWORD}" in text
