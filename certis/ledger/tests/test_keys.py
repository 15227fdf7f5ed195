"""The log's keys: sealed, made on first use, rotated with old checkpoints still verifiable."""

from __future__ import annotations

import base64

import pytest

from certis.audit.models import AuditEvent, EventType
from certis.core.identifiers import unseal
from certis.ledger import verifier
from certis.ledger.models import LogKey
from certis.ledger.services import current_log_key, integrate, rotate_log_key

from .fixtures import grow

pytestmark = pytest.mark.django_db


def test_the_first_key_is_made_on_first_use_sealed_and_audited() -> None:
    key = current_log_key()
    assert current_log_key() == key
    assert key.name == "certis.example/log" and key.verifier_key.startswith("certis.example/log+")
    seed = base64.b64decode(unseal(key.private_sealed))
    assert len(seed) == 32 and base64.b64encode(seed).decode() not in key.private_sealed
    assert AuditEvent.objects.filter(event_type=EventType.LOG_KEY_CREATED, target_id=str(key.pk)).exists()


def test_the_origin_follows_the_public_address(settings: pytest.FixtureRequest) -> None:
    settings.PUBLIC_BASE_URL = "https://certis.example.gov.cn"  # type: ignore[attr-defined]
    assert current_log_key().name == "certis.example.gov.cn/log"


def test_rotation_signs_the_same_size_again_with_the_new_key() -> None:
    first = grow(4)
    assert integrate() is None
    new = rotate_log_key(acting_user=None, reason="yearly")
    second = integrate()
    assert second is not None and (second.size, second.key) == (4, new)
    old = LogKey.objects.get(pk=first.key.pk)
    assert old.retired_at is not None and new.retired_at is None
    assert verifier.open_note(first.note.encode(), [verifier.VerifierKey.parse(old.verifier_key)])
    assert verifier.open_note(second.note.encode(), [verifier.VerifierKey.parse(new.verifier_key)])
    event = AuditEvent.objects.get(event_type=EventType.LOG_KEY_ROTATED)
    assert event.data["retired"] == old.verifier_key and event.data["reason"] == "yearly"


def test_the_key_command_rotates(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("ledger-key", "create")
    created = capsys.readouterr().out.strip()
    call_command("ledger-key", "rotate", "--reason", "test")
    rotated = capsys.readouterr().out.strip()
    assert created != rotated and LogKey.objects.filter(retired_at__isnull=True).get().verifier_key == rotated
