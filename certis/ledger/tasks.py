"""Background work of the ledger (django-tasks; each task calls a service).

The log grows every few seconds: ``certis ledger-worker`` loops, calling ``integrate`` every ``--interval``
seconds (default 5) and ``audit_log`` every ``--audit-every`` seconds (default an hour); run it as one
systemd service beside ``certis db_worker``. Running two is harmless: integration takes a row lock, so the
second waits and then finds nothing new. The tasks below are the same work for whoever prefers to enqueue it
onto the database queue that ``certis db_worker`` serves (``integrate_log.enqueue()``).
"""

from __future__ import annotations

from django_tasks import task

from .services import audit_log, integrate


@task()
def integrate_log() -> int:
    """Add committed entries to the tree and sign a checkpoint; returns the signed size (-1: nothing new)."""
    checkpoint = integrate()
    return checkpoint.size if checkpoint is not None else -1


@task()
def audit_ledger() -> int:
    """Check the stored log against its checkpoints; returns how many new alerts were raised."""
    return len(audit_log())
