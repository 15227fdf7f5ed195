"""Benchmark of bulk certificate reporting on PostgreSQL: a file of N certificates (1,000,000 by default) reported
by one body through the whole bulk path (store the file, read it, check every row, apply it in one
transaction), next to a raw ``COPY`` of the same file into a bare unlogged table, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certis_bench_import .venv/bin/python \\
        benchmarks/certificates_import.py --rows 1000000

The database named in DATABASE_URL is dropped and created afresh (its name must contain "bench") and migrated;
one certification body approved for every scheme, its signatories and the standards the synthetic rows cite
are entered through the services. The file is a CSV (UTF-8, headed by the field keys) of
``certis.demo.synthetic.certificate_rows``; it is written before the clock starts. Then, timed:

1. ``import``: ``importer.create_job`` (the file stored, its columns checked) and ``importer.run_job`` (every
   row read and checked by ``rules.check_row``, then applied: holders and certificates upserted, one audit
   event), all rows new;
2. ``reimport`` (unless ``--no-reimport``): the same file again, every row an update (idempotency: no
   certificate is added);
3. ``raw_copy``: ``COPY … FROM STDIN (FORMAT csv)`` of the same bytes into an unlogged table of text columns;
4. ``without_log`` (with ``--compare-log``): the certificates, holders, status events and the public log
   emptied (``TRUNCATE``), the same import again with the public log's append switched off, so the log's
   share of the import (``log_overhead``: the import's time with the log over without, minus one) is measured
   in the same run, on the same work;
5. ``indexed_copy``, for reference: the certificates the import made, already in the table's shape, copied by
   ``COPY`` into an empty table made ``LIKE certificates_certificate INCLUDING ALL`` with the same foreign keys
   (its indexes, the trigram ones of the public search included, and its checks), then committed. No import
   that keeps the registry's indexes can be faster than that.

The ratio is import rows/s over raw COPY rows/s (goal: at least 0.3); ``ratio_to_indexed_copy`` is the import's
rows/s over the indexed COPY's. The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.registers import machine, recreate_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/certis_bench_import"
GOAL_RATIO = 0.3
SIGNATORIES = 40


def configure(url: str, media_root: str) -> None:
    """``certis.settings.base`` on this database, DEBUG off, files stored under a temporary directory, and the
    web upload limits lifted: the benchmark measures the bulk path, not the upload form's limits."""
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = media_root
    os.environ["DJANGO_SETTINGS_MODULE"] = "certis.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings

    django.setup()
    settings.MAX_UPLOAD_BYTES = 1 << 40
    settings.CERTIFICATES_IMPORT_MAX_ROWS = 1 << 31


def make_world(today: dt.date) -> tuple[Any, Any, list[str]]:
    """One approved body with every scheme in scope, its signatories, the standards; the reporting user."""
    from certis.accounts.models import Membership, Organisation, User
    from certis.bodies.models import Body, Scheme
    from certis.bodies.register import services as register
    from certis.bodies.register.services import Scope
    from certis.certificates.models import Standard
    from certis.core.identifiers import make_identity_number, make_uscc
    from certis.demo.synthetic import STANDARD_TITLES, STANDARDS_BY_SCHEME

    regulator = Organisation.objects.create(
        name="国家认证认可监督管理委员会", kind=Organisation.Kind.REGULATOR
    )
    supervisor = User.objects.create_user(username="bench_supervisor")
    Membership.objects.create(user=supervisor, organisation=regulator, role=Membership.Role.SUPERVISOR)
    for code, title in STANDARD_TITLES.items():
        schemes = [scheme for scheme, codes in STANDARDS_BY_SCHEME.items() if code in codes]
        if not Standard.objects.filter(code=code).exists():  # the migrations seed the common ones
            Standard.objects.create(code=code, title=title, schemes=schemes)
    since = dt.date(2010, 1, 4)
    body = register.approve_body(
        acting_user=supervisor,
        body=register.register_body(
            acting_user=supervisor,
            kind=Body.Kind.CERTIFICATION_BODY,
            name="中国质量认证中心",
            uscc=make_uscc("12100000400011234"),
            address="北京市丰台区南四环西路188号",
            region="北京",
        ),
        number="CNCA-R-2002-001",
        approved_on=since,
        valid_until=today + dt.timedelta(days=3650),
        scope=[Scope(scheme=s, category=str(Scheme(s).label)) for s in Scheme.values],
    )
    signatories = []
    for index in range(SIGNATORIES):
        registration = f"2010-NQA-{index:06d}"
        person = register.register_person(
            acting_user=supervisor,
            name=f"审核员{index}",
            identity_number=make_identity_number(f"11010119800101{index:03d}"),
            registration_number=registration,
        )
        register.qualify_person(
            acting_user=supervisor,
            person=person,
            role="auditor",
            grade="senior",
            schemes=list(Scheme.values),
            field_codes=[],
            valid_from=dt.date(2010, 1, 1),
            valid_until=today + dt.timedelta(days=3650),
        )
        register.employ_person(acting_user=supervisor, person=person, body=body, started_on=since)
        signatories.append(registration)
    staff = User.objects.create_user(username="bench_staff")
    Membership.objects.create(user=staff, organisation=body.organisation, role=Membership.Role.STAFF)
    return body, staff, signatories


def write_file(path: Path, rows: int, holders: int, signatories: list[str], seed: int) -> int:
    """The CSV file of ``rows`` synthetic reports; its size in bytes."""
    from certis.certificates.schemes import FIELDS
    from certis.demo.synthetic import certificate_rows

    names = list(FIELDS)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(names)
        for row in certificate_rows(rows, signatories=signatories, holders_count=holders, seed=seed):
            writer.writerow([row.get(name, "") for name in names])
    return path.stat().st_size


def run_import(path: Path, body: Any, staff: Any) -> dict[str, Any]:
    """The whole bulk path, timed by phase: store and open the file, check every row, apply."""
    from django.core.files import File

    from certis.certificates.models import ImportJob
    from certis.certificates.services import imports as importer

    started = time.perf_counter()
    with path.open("rb") as stream:
        job = importer.create_job(acting_user=staff, body=body, upload=File(stream, name=path.name))
    stored = time.perf_counter()
    importer.run_job(job.pk, language="zh-hans")
    finished = time.perf_counter()
    job = ImportJob.objects.get(pk=job.pk)
    if job.status != ImportJob.Status.APPLIED:
        raise SystemExit(f"The import was not applied: {job.status} {job.message} {job.errors[:5]}")
    timing = importer.last_timing()
    seconds = finished - started
    return {
        "job": job.pk,
        "rows": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(job.total_rows / seconds),
        "phases_s": {
            "store": round(stored - started, 2),
            "check": round(timing.get("check", 0.0), 2),
            "apply": round(timing.get("apply", 0.0), 2),
        },
    }


def without_log(path: Path, body: Any, staff: Any) -> dict[str, Any]:
    """The import again on emptied tables, with ``services.ledger.log_import`` switched off."""
    from django.db import connection

    from certis.certificates.services import import_apply

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE certificates_statusevent, certificates_certificate, certificates_holder, "
            "ledger_entry RESTART IDENTITY CASCADE"
        )
        cursor.execute("UPDATE ledger_loghead SET next_index = 0 WHERE id = 1")
    original = import_apply.ledger.log_import
    import_apply.ledger.log_import = lambda job_id, *, since: None  # type: ignore[assignment]
    try:
        return run_import(path, body, staff)
    finally:
        import_apply.ledger.log_import = original


def raw_copy(path: Path, columns: list[str]) -> dict[str, Any]:
    """COPY the same bytes into a bare unlogged table of text columns."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_certificates")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_raw_certificates ({})".format(
                ", ".join(f"{c} text" for c in columns)
            )
        )
        started = time.perf_counter()
        with (
            path.open("rb") as stream,
            cursor.cursor.copy("COPY bench_raw_certificates FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_raw_certificates")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_raw_certificates")
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


def indexed_copy(work: Path, job_id: int) -> dict[str, Any]:
    """COPY the job's certificates, as stored, into an empty copy of the certificate table with its indexes,
    checks and foreign keys, and commit: what the table itself costs to fill."""
    from django.db import connection, transaction

    dump = work / "certificates.copy"
    with connection.cursor() as cursor:
        with (
            dump.open("wb") as stream,
            cursor.cursor.copy(
                f"COPY (SELECT * FROM certificates_certificate WHERE import_job_id = {int(job_id)}) TO STDOUT"  # noqa: S608
            ) as copy,
        ):
            for data in copy:
                stream.write(data)
        cursor.execute("DROP TABLE IF EXISTS bench_indexed_certificates")
        cursor.execute(
            "CREATE TABLE bench_indexed_certificates (LIKE certificates_certificate INCLUDING ALL)"
        )
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'certificates_certificate'::regclass AND contype = 'f'"
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_indexed_certificates ADD {definition}")
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        dump.open("rb") as stream,
        cursor.cursor.copy("COPY bench_indexed_certificates FROM STDIN") as copy,
    ):
        while chunk := stream.read(1 << 20):
            copy.write(chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_indexed_certificates")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_indexed_certificates")
    dump.unlink()
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--holders", type=int, default=0, help="distinct holders (default: rows / 3)")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--no-reimport", action="store_true", help="skip the second import of the same file")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the first import to FILE")
    parser.add_argument(
        "--compare-log", action="store_true", help="import again without the public log, on emptied tables"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    recreate_database(url, reuse=False)
    with tempfile.TemporaryDirectory(prefix="certis-bench-import-") as work:
        configure(url, str(Path(work) / "media"))
        from django.core.management import call_command
        from django.utils import timezone

        from certis.certificates.schemes import FIELDS

        started = dt.datetime.now(dt.UTC)
        print(f"Database {urlsplit(url).path.lstrip('/')}: created and migrated", flush=True)
        call_command("migrate", verbosity=0)
        body, staff, signatories = make_world(timezone.localdate())
        path = Path(work) / "certificates.csv"
        clock = time.perf_counter()
        size = write_file(path, args.rows, args.holders or max(1, args.rows // 3), signatories, args.seed)
        print(f"File: {args.rows:,} rows, {size / 1_048_576:,.1f} MB, written in "
              f"{time.perf_counter() - clock:.1f} s (not timed)", flush=True)  # fmt: skip

        results: dict[str, Any] = {}
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            results["import"] = profiler.runcall(run_import, path, body, staff)
            profiler.dump_stats(args.profile)
        else:
            results["import"] = run_import(path, body, staff)
        _show("import (all new)", results["import"])
        if not args.no_reimport:
            results["reimport"] = run_import(path, body, staff)
            _show("reimport (all updates)", results["reimport"])
        if args.compare_log:
            results["without_log"] = without_log(path, body, staff)
            _show("import without the public log", results["without_log"])
            results["log_overhead"] = round(
                results["import"]["seconds"] / results["without_log"]["seconds"] - 1, 3
            )
            print(f"the public log adds {results['log_overhead']:.1%} to the import", flush=True)
        results["raw_copy"] = raw_copy(path, list(FIELDS))
        _show("raw COPY", results["raw_copy"])
        last_job = results.get("without_log", results["import"])["job"]  # the rows left in the table
        results["indexed_copy"] = indexed_copy(Path(work), last_job)
        _show("indexed COPY (reference)", results["indexed_copy"])
        ratio = results["import"]["rows_per_s"] / results["raw_copy"]["rows_per_s"]
        to_indexed = results["import"]["rows_per_s"] / results["indexed_copy"]["rows_per_s"]
        met = ratio >= GOAL_RATIO
        print(f"\nratio import / raw COPY: {ratio:.3f} (goal {GOAL_RATIO}: {'met' if met else 'NOT met'}); "
              f"import / indexed COPY: {to_indexed:.2f}")  # fmt: skip
        figures = {
            "benchmark": "certificates_import",
            "date": started.isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
            "machine": machine(),
            "rows": args.rows,
            "file_mb": round(size / 1_048_576, 1),
            "results": results,
            "ratio": round(ratio, 3),
            "ratio_to_indexed_copy": round(to_indexed, 3),
            "goal_ratio": GOAL_RATIO,
            "goal_met": met,
        }
        print(json.dumps(figures, ensure_ascii=False))


def _show(name: str, result: dict[str, Any]) -> None:
    phases = " ".join(f"{k} {v:.1f} s" for k, v in result.get("phases_s", {}).items())
    print(f"  {name:<24} {result['rows']:>10,} rows {result['seconds']:>8.2f} s "
          f"{result['rows_per_s']:>9,} rows/s  {phases}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
