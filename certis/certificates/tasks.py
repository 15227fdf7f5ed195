"""Background work of the certificate registry, run by ``certis db_worker``: thin tasks that call services."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_job(job_id: int, language: str = "") -> str:
    """Check and apply a queued file of certificate reports (``importer.run_job``), in the language of the
    person who uploaded it. The job is claimed by a conditional update: a second worker given the same job
    does nothing."""
    from .importer import run_job

    job = run_job(job_id, language=language)
    return job.status if job is not None else "not claimed"
