"""Import jobs cannot get lost: a job whose process died (``kill -9``) while it ran is failed by the reclaim,
with nothing applied, and its page and the API say so."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from certis.certificates.models import Certificate, ImportJob
from certis.certificates.services import import_apply, imports
from certis.certificates.services.imports import create_job, reclaim_lost_jobs, run_job
from certis.certificates.tests.conftest import CertWorld
from certis.certificates.tests.report_fixtures import (
    bearer,
    browse,
    cert_rows,
    csv_bytes,
    import_file,
    upload,
)

Status = ImportJob.Status
STALE = dt.timedelta(seconds=imports.DEFAULT_STALE_SECONDS + 1)


def queued_job(world: CertWorld, rows: int = 3) -> ImportJob:
    return create_job(acting_user=world.staff, body=world.body, upload=upload(csv_bytes(cert_rows(rows))))


def running_since(world: CertWorld, when: dt.datetime) -> ImportJob:
    """A job left running by a process that died at ``when``."""
    job = queued_job(world)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=when, heartbeat_at=when)
    return job


def test_a_running_job_whose_heartbeat_stopped_is_failed_saying_nothing_was_applied(
    cert_world: CertWorld,
) -> None:
    lost = running_since(cert_world, timezone.now() - STALE)
    alive = running_since(cert_world, timezone.now())
    with translation.override("en"):
        assert reclaim_lost_jobs() == 1
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == Status.FAILED and lost.finished_at is not None
    assert "Nothing was applied" in lost.message or "未" in lost.message
    assert alive.status == Status.RUNNING
    assert reclaim_lost_jobs() == 0  # running it again is harmless


def test_the_message_of_a_lost_job_is_translated(cert_world: CertWorld) -> None:
    with translation.override("en"):
        english = imports.lost_job_message()
    with translation.override("zh-hans"):
        chinese = imports.lost_job_message()
    assert "Nothing was applied" in english and "send the file again" in english
    assert chinese != english


def test_a_job_that_never_beat_counts_from_its_start(cert_world: CertWorld) -> None:
    job = queued_job(cert_world)
    started = timezone.now() - STALE
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=started, heartbeat_at=None)
    assert reclaim_lost_jobs() == 1


def test_the_stale_limit_is_a_setting(cert_world: CertWorld, settings: Any) -> None:
    settings.CERTIFICATES_IMPORT_STALE_SECONDS = 5
    running_since(cert_world, timezone.now() - dt.timedelta(seconds=6))
    assert reclaim_lost_jobs() == 1


def test_claiming_a_job_reclaims_the_lost_ones_first(cert_world: CertWorld) -> None:
    lost = running_since(cert_world, timezone.now() - STALE)
    job = queued_job(cert_world)
    run_job(job.pk, language="en")
    lost.refresh_from_db()
    assert lost.status == Status.FAILED


def test_the_command_and_the_task_reclaim(cert_world: CertWorld, capsys: pytest.CaptureFixture[str]) -> None:
    from certis.certificates import tasks

    running_since(cert_world, timezone.now() - STALE)
    call_command("reclaim_import_jobs")
    assert "1 lost import job marked failed" in capsys.readouterr().out
    running_since(cert_world, timezone.now() - STALE)
    assert tasks.reclaim_import_jobs.call() == 1


def test_the_heartbeat_moves_while_the_rows_are_checked(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "HEARTBEAT_SECONDS", 0.0)
    beats: list[dt.datetime] = []
    original = imports._Heartbeat.beat

    def beat(self: Any, **values: Any) -> None:
        original(self, **values)
        beats.append(ImportJob.objects.get(pk=self.job_id).heartbeat_at)

    monkeypatch.setattr(imports._Heartbeat, "beat", beat)
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(1_000)))
    assert job.status == Status.APPLIED
    assert len(beats) >= 4 and beats == sorted(beats)
    assert job.heartbeat_at is not None and job.heartbeat_at >= job.started_at


def test_a_job_reclaimed_while_it_was_applying_is_rolled_back(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reclaim said "nothing was applied": the slow process must not apply it after all."""
    apply = import_apply.apply

    def slow_apply(job: ImportJob, *args: Any, **kwargs: Any) -> Any:
        counts = apply(job, *args, **kwargs)
        later = timezone.now() + STALE
        assert reclaim_lost_jobs(now=later) == 1  # as another process would, while this one is slow
        return counts

    monkeypatch.setattr(import_apply, "apply", slow_apply)
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(5)))
    assert job.status == Status.FAILED
    assert not Certificate.objects.exists()


def test_the_page_and_the_api_show_a_lost_job_as_failed(cert_world: CertWorld) -> None:
    job = running_since(cert_world, timezone.now() - STALE)
    page = browse(cert_world.staff).get(reverse("certificates:report_job", args=[job.pk]))
    assert page.status_code == 200
    with translation.override(settings.LANGUAGE_CODE):  # nobody waits on a lost job: the site's language
        assert imports.lost_job_message() in page.content.decode()
    job = running_since(cert_world, timezone.now() - STALE)
    answer = (
        Client()
        .get(reverse("api:certificate_report", args=[job.pk]), headers=bearer(cert_world.staff))
        .json()
    )
    assert answer["status"] == "failed" and answer["heartbeat_at"]


# A real process killed in the middle of a job (PostgreSQL: the test's data must be seen by another process)

_RUNNER = """
import sys
import django
django.setup()
from django.test.utils import override_settings
storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": sys.argv[2]}}
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": storage, "staticfiles": static}):
    from certis.certificates.services.imports import run_job
    run_job(int(sys.argv[1]), language="en")
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="another process must see the test's data")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_a_job_the_reclaim_fails_with_nothing_applied(
    cert_world: CertWorld, settings: Any, tmp_path: Path
) -> None:
    settings.MAX_UPLOAD_BYTES = 64 * 1024 * 1024
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    job = create_job(
        acting_user=cert_world.staff, body=cert_world.body, upload=upload(csv_bytes(cert_rows(60_000)))
    )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certis.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    worker = subprocess.Popen(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", _RUNNER, str(job.pk), str(tmp_path)], env=env
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Status.RUNNING and job.rows_done >= 5_000:
                break
            assert worker.poll() is None, "the worker ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("the worker never got going")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == Status.RUNNING  # lost: nobody will finish it
    killed_at = timezone.now()
    settings.CERTIFICATES_IMPORT_STALE_SECONDS = 2
    reclaimed = None
    while reclaimed is None and timezone.now() - killed_at < dt.timedelta(seconds=30):
        if reclaim_lost_jobs():
            reclaimed = timezone.now()
        else:
            time.sleep(0.1)
    assert reclaimed is not None
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.finished_at is not None and job.heartbeat_at is not None
    latency = (reclaimed - job.heartbeat_at).total_seconds()
    print(f"reclaimed {latency:.1f} s after the last heartbeat (limit 2 s), rows checked {job.rows_done}")
    assert latency < 2 + 1.5
    assert not Certificate.objects.exists()
