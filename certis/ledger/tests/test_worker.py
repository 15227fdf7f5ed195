"""The worker command and the tasks: integration and the audit, run as the schedule runs them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from certis.ledger.models import Checkpoint, Entry
from certis.ledger.tasks import audit_ledger, integrate_log

from .fixtures import append_synthetic

pytestmark = pytest.mark.django_db


def test_the_worker_once_signs_a_checkpoint_and_audits(capsys: pytest.CaptureFixture[str]) -> None:
    append_synthetic(300)
    call_command("ledger-worker", "--once", "--audit")
    output = capsys.readouterr().out
    assert "Signed checkpoint 300." in output and "Audit: 0 new alerts." in output
    call_command("ledger-worker", "--once")
    assert Checkpoint.objects.count() == 1  # nothing new: nothing signed


def test_the_tasks_integrate_and_audit() -> None:
    append_synthetic(5)
    assert integrate_log.enqueue().return_value == 5
    assert integrate_log.enqueue().return_value == -1
    Entry.objects.filter(index=1).update(data="{}")
    assert audit_ledger.enqueue().return_value >= 1
