"""``audit_log``: the stored log recomputed from its entries, against its tiles and signed checkpoints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import translation

from certis.accounts.models import Membership, Notification, Organisation
from certis.audit.models import AuditEvent, EventType
from certis.core.testing import person
from certis.ledger.models import Checkpoint, Entry, LogAlert, Tile
from certis.ledger.services import audit_log

from .fixtures import grow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The findings are written in the worker's language; these tests read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor(regulator: Organisation) -> object:
    user = person("supervisor", regulator, Membership.Role.SUPERVISOR)
    user.email = "supervisor@example.org"
    user.save()
    return user


def test_an_untouched_log_raises_no_alert() -> None:
    grow(600)
    grow(10)
    assert audit_log() == []


def test_a_changed_entry_is_found_and_the_supervisors_told(
    supervisor: object, django_capture_on_commit_callbacks: object
) -> None:
    grow(300)
    data = Entry.objects.get(index=42).data
    Entry.objects.filter(index=42).update(data=data.replace("valid", "revoked"))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        alerts = audit_log()
    assert [(alert.kind, alert.position) for alert in alerts][:1] == [(LogAlert.Kind.ENTRY, "entry 42")]
    assert {alert.kind for alert in alerts} == {LogAlert.Kind.ENTRY, LogAlert.Kind.CHECKPOINT}
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    assert len(mail.outbox) == 1 and "Entry 42" in mail.outbox[0].body
    assert AuditEvent.objects.filter(event_type=EventType.LOG_ALERT_RAISED).count() == len(alerts)


def test_an_open_finding_is_not_raised_twice() -> None:
    grow(10)
    Entry.objects.filter(index=3).update(data="{}")
    first = audit_log()
    assert first and audit_log() == []
    assert LogAlert.objects.count() == len(first)


def test_a_changed_tile_is_found() -> None:
    grow(70_000 // 100)
    tile = Tile.objects.get(level=1, index=0)
    Tile.objects.filter(pk=tile.pk).update(hashes=b"\0" * 32 + bytes(tile.hashes)[32:])
    found = {(alert.kind, alert.position) for alert in audit_log()}
    assert (LogAlert.Kind.TILE, "tile/1/000.p/2") in found


def test_a_changed_checkpoint_is_found() -> None:
    checkpoint = grow(5)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=checkpoint.note.replace("\n5\n", "\n6\n"))
    [alert] = audit_log()
    assert alert.kind == LogAlert.Kind.CHECKPOINT and "size 5" in alert.message


def test_a_deleted_entry_is_found() -> None:
    grow(5)
    Entry.objects.filter(index=2).delete()
    [alert] = audit_log()
    assert (alert.kind, alert.position) == (LogAlert.Kind.SEQUENCE, "entry 2")
