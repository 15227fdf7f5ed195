"""Background tasks of the certificates' lifecycle (django-tasks; the task calls the service).

``expire_certificates`` is what the daily schedule runs: in production a cron entry or systemd timer runs
``certis expire_certificates`` shortly after midnight (see the command). The task is the same work for
whoever prefers to enqueue it (``expire_certificates.enqueue()``) onto the database queue that
``certis db_worker`` serves.
"""

from __future__ import annotations

from django_tasks import task

from .services import expire_due_certificates


@task()
def expire_certificates() -> int:
    """Mark expired every certificate whose expiry date has passed; returns how many."""
    return expire_due_certificates()
