"""Background work of the certificate registry, run by ``certis db_worker``: thin tasks that call services."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from certis.certificates.models import ImportJob
from certis.certificates.services.imports import reclaim_lost_jobs, run_job, runs_inline
from certis.certificates.services.registry import expire_due_certificates


@task()
def run_import_job(job_id: int, language: str = "") -> str:
    """Check and apply a queued file of certificate reports (``importer.run_job``), in the language of the
    person who uploaded it. The job is claimed by a conditional update: a second worker given the same job
    does nothing."""
    job = run_job(job_id, language=language)
    return job.status if job is not None else "not claimed"


@task()
def reclaim_import_jobs() -> int:
    """Fail the import jobs lost with their process (``imports.reclaim_lost_jobs``); how many. Every claim runs
    it too; enqueue this every few minutes, or run ``certis reclaim_import_jobs`` from cron, so that a lost
    job is failed even when no new file arrives."""
    return reclaim_lost_jobs()


@task()
def expire_certificates() -> int:
    """Mark expired every certificate whose expiry date has passed; returns how many.

    What the daily schedule runs: in production a cron entry or systemd timer runs ``certis
    expire_certificates`` shortly after midnight (see the command); the task is the same work for whoever
    prefers to enqueue it (``expire_certificates.enqueue()``) onto the database queue that ``certis
    db_worker`` serves."""
    return expire_due_certificates()


def start_job(job: ImportJob, *, language: str = "") -> ImportJob:
    """Run a small job now, in this request; queue a larger one for the worker. The job as it stands after."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if runs_inline(job):
        run_job(job.pk, language=language)
    else:
        run_import_job.enqueue(job.pk, language)
    job.refresh_from_db()
    return job
