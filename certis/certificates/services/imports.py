"""Bulk reporting of certificates by a body: a file (Excel, CSV or JSON) applied whole or not at all.

A job goes through two phases:

1. **Checking**, outside any transaction: every row is read (:mod:`.import_files`) and checked by
   :func:`certis.certificates.rules.check_row` against one :class:`~certis.certificates.rules.ReportContext`,
   and no number may appear twice in the file. While no row is bad, good rows go to the job's staging
   (:mod:`.import_apply`), already in the shape the database wants (comparison keys computed as
   ``Certificate.fill_keys`` and ``Holder.save`` would); every problem goes to the report of bad rows.
   ``ImportJob.rows_done`` moves every few thousand rows in its own short update, so that the job's page
   shows the progress.
2. **Applying**, only if no row is bad, in one transaction (:func:`.import_apply.apply`): holders upserted by
   USCC, certificates upserted by (body, number), expired certificates renewed by a later expiry date, one
   audit event for the job.

If any row is bad the job is *rejected* and nothing is applied; the page and the API show the first bad rows
and offer the whole report (row, field, reason code, message) as a file. Any other failure leaves the job
*failed*, with nothing applied.

A process can die with its job (``kill -9``, a web worker recycled in the middle of an inline run): the job
would stay *running* for ever. So the process running a job moves ``heartbeat_at`` about once a second while it
reads rows, and :func:`reclaim_lost_jobs` (at every claim, and periodically: ``certis reclaim_import_jobs``,
``tasks.reclaim_import_jobs``) fails a running job whose heartbeat is older than
``CERTIFICATES_IMPORT_STALE_SECONDS``. Saying "nothing was applied" is true: the apply is one transaction, and
its last statement marks the job applied only if it is still running, so a job reclaimed meanwhile rolls back.

Small files run in the request that uploads them; larger ones are queued for ``certis db_worker``
(``tasks.run_import_job``). A job is claimed with a conditional update, so two workers never run it both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import string
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certis.accounts.models import Actor
from certis.bodies.models import Body, Scheme
from certis.certificates.files.reports import (
    FileProblem,
    Source,
    check_columns,
    detect_format,
    heading_of,
    open_source,
)
from certis.certificates.models import ImportJob, number_key
from certis.certificates.rules import ReportContext, RowError, check_row, scheme_of
from certis.certificates.services import import_apply
from certis.certificates.services.import_apply import ApplyConflict, Spool, TempTable
from certis.core.files import sha256_of
from certis.core.spreadsheets.safe_text import csv_row, csv_text_read
from certis.core.text import search_key

# Where a job ends.
FINISHED = {ImportJob.Status.APPLIED, ImportJob.Status.REJECTED, ImportJob.Status.FAILED}

logger = logging.getLogger(__name__)

Status = ImportJob.Status
BATCH = 5_000  # good rows staged at a time; the progress moves with each batch
FIRST_ERRORS = 200  # problems kept on the job for its page and the API; the report has them all
REPORT_HEADER = ("row", "field", "heading", "code", "message")
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_INLINE_BYTES = 1_048_576  # a larger file goes to the worker, whatever its rows
DEFAULT_STALE_SECONDS = 300  # well above the longest apply measured (71 s for a million rows)
HEARTBEAT_SECONDS = 1.0
_KEY_CACHE_LIMIT = 200_000


def max_rows() -> int:
    """The most rows a file may have (``CERTIFICATES_IMPORT_MAX_ROWS``)."""
    return int(getattr(settings, "CERTIFICATES_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def too_many_rows(limit: int) -> str:
    return ngettext(
        "The file has more than %(limit)d row of certificates; split it into smaller files.",
        "The file has more than %(limit)d rows of certificates; split it into smaller files.",
        limit,
    ) % {"limit": limit}


# Creating a job


def create_job(
    *, acting_user: Actor, body: Body, upload: Any, scheme: str = "", file_format: str = ""
) -> ImportJob:
    """A queued job for the uploaded file, after the checks that need only the file itself: its size, its
    format, its columns and its length. Raise ValidationError (on ``file``) with the reason if those fail."""
    if scheme and scheme not in Scheme.values:
        raise ValidationError({"scheme": _("%(value)s is not a certification scheme.") % {"value": scheme}})
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if not size:
        raise ValidationError({"file": _("The file %(name)s is empty.") % {"name": name}})
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
                % {
                    "size": round(size / 1_048_576, 1),
                    "limit": round(settings.MAX_UPLOAD_BYTES / 1_048_576, 1),
                }
            }
        )
    upload.seek(0)
    try:
        fmt = file_format or detect_format(name, upload.read(8))
        source = open_source(upload, fmt)
        try:
            check_columns(source, scheme)
        finally:
            source.close()
    except FileProblem as problem:
        raise ValidationError({"file": problem.message}) from None
    if source.estimate > max_rows():
        raise ValidationError({"file": too_many_rows(max_rows())})
    digest = sha256_of(upload)
    job = ImportJob(
        body=body,
        uploaded_by=acting_user,
        format=fmt,
        scheme=scheme,
        original_name=name[:255],
        sha256=digest,
        total_rows=source.estimate,
    )
    upload.seek(0)
    job.file.save(f"{uuid.uuid4().hex}.{fmt}", File(upload), save=False)
    job.save()
    return job


def create_json_job(
    *, acting_user: Actor, body: Body, certificates: list[Any], scheme: str = ""
) -> ImportJob:
    """A job for reports sent as JSON (the API): the list is kept as the job's file."""
    data = json.dumps({"certificates": certificates}, ensure_ascii=False, default=str).encode()
    upload = ContentFile(data, name="certificates.json")
    return create_job(
        acting_user=acting_user, body=body, upload=upload, scheme=scheme, file_format=ImportJob.Format.JSON
    )


def runs_inline(job: ImportJob) -> bool:
    """Small jobs, by rows and by bytes, run in the request; the rest go to the worker."""
    if job.total_rows > settings.CERTIFICATES_IMPORT_INLINE_ROWS:
        return False
    inline_bytes = int(getattr(settings, "CERTIFICATES_IMPORT_INLINE_BYTES", DEFAULT_INLINE_BYTES))
    try:
        size = job.file.size if job.file else 0
    except OSError:
        return False
    return size <= inline_bytes


# Lost jobs


def stale_seconds() -> int:
    """How long a running job may go without a heartbeat before it counts as lost."""
    return int(getattr(settings, "CERTIFICATES_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def lost_job_message() -> str:
    return _(
        "The import stopped: the process checking the file ended before it finished. Nothing was applied; "
        "send the file again."
    )


def reclaim_lost_jobs(*, now: dt.datetime | None = None) -> int:
    """Fail every running job whose heartbeat (or start, if it never beat) is older than the stale limit;
    how many. The conditional update lets it run anywhere, any number of times at once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=stale_seconds())
    lost = ImportJob.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    # Nobody is waiting on the request that started the job: its message is in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        message = lost_job_message()
    count = lost.update(status=Status.FAILED, finished_at=now, message=message)
    if count:
        logger.warning("%d certificate import job(s) lost with their process were marked failed", count)
    return count


class _Heartbeat:
    """Moves the job's ``heartbeat_at`` (and progress) at most once every HEARTBEAT_SECONDS; cheap per row."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = time.monotonic()

    def beat(self, **values: Any) -> None:
        ImportJob.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now(), **values)
        self.last = time.monotonic()

    def maybe(self, **values: Any) -> None:
        if time.monotonic() - self.last >= HEARTBEAT_SECONDS:
            self.beat(**values)


# Running a job


def run_job(job_id: int, *, language: str = "") -> ImportJob | None:
    """Claim the queued job and run it; None if another worker has it, or had it. Jobs lost with an earlier
    process are reclaimed first."""
    reclaim_lost_jobs()
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, rows_done=0
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("body", "body__organisation", "uploaded_by").get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as stream:
                execute(job, stream)
        except Exception:
            logger.exception("Certificate import job %s failed", job.pk)
            _finish(
                job,
                Status.FAILED,
                message=_(
                    "The import stopped on an unexpected error; nothing was applied. The error was logged "
                    "under job %(job)s: try again later, or tell the help desk."
                )
                % {"job": job.pk},
            )
    return job


_last_timing: dict[str, float] = {}


def last_timing() -> dict[str, float]:
    """Seconds spent checking and applying by the last job this process ran (for benchmarks and logs)."""
    return dict(_last_timing)


def execute(job: ImportJob, stream: IO[bytes]) -> ImportJob:
    """Check the file and, if every row is good, apply it; the job ends applied, rejected or failed."""
    _last_timing.clear()
    started = time.perf_counter()
    try:
        source = open_source(stream, job.format)
    except FileProblem as problem:
        return _finish(job, Status.REJECTED, message=problem.message)
    staging = import_apply.staging_for(job)
    try:
        try:
            check_columns(source, job.scheme)
            checked = check_rows(job, source, staging)
        except FileProblem as problem:
            return _finish(job, Status.REJECTED, message=problem.message)
        finally:
            source.close()
        _last_timing["check"] = time.perf_counter() - started
        if checked.bad_rows:
            return _reject(job, checked)
        started = time.perf_counter()
        try:
            return _apply(job, checked, staging)
        except ApplyConflict as conflict:
            return _finish(job, Status.FAILED, message=str(conflict), total_rows=checked.rows)
        finally:
            _last_timing["apply"] = time.perf_counter() - started
            logger.info("Certificate import job %s: %s", job.pk, _last_timing)
    finally:
        _close(staging)


def _close(staging: TempTable | Spool) -> None:
    try:
        staging.close()
    except DatabaseError:  # the connection is broken: the temporary table goes with the session
        logger.warning("Could not drop the staging of a certificate import", exc_info=True)


@dataclass
class Checked:
    """The outcome of checking a file: counts, the first problems and the report of every bad row."""

    rows: int = 0
    bad_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    report: Any = None


# Keys as the models compute them, with a short way for plain ASCII text (most numbers and models), where
# width folding and the script conversion change nothing. tests/test_import_apply.py checks both ways agree.
_WHITESPACE = re.compile(r"\s+")
_ASCII_PUNCTUATION = str.maketrans("", "", string.punctuation)


def fast_number_key(text: str) -> str:
    """``models.number_key``."""
    if text.isascii():
        return _WHITESPACE.sub("", text).upper()
    return number_key(text)


def fast_search_key(text: str) -> str:
    """``core.text.search_key``."""
    if text.isascii():
        return _WHITESPACE.sub("", text).lower().translate(_ASCII_PUNCTUATION)
    return search_key(text)


class _Keys:
    """Search keys of repeated values (holder names, products), computed once each."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        key = self.cache.get(text)
        if key is None:
            if len(self.cache) > _KEY_CACHE_LIMIT:
                self.cache.clear()
            key = self.cache[text] = fast_search_key(text)
        return key


def check_rows(
    job: ImportJob, source: Source, staging: TempTable | Spool, *, context: ReportContext | None = None
) -> Checked:
    """Check every row; stage the good ones while none is bad, and report every problem."""
    ctx = context or ReportContext.load(job.body)
    checked = Checked()
    seen: dict[str, int] = {}
    keys = _Keys()
    json_lists = _JsonLists()
    batch: list[tuple[Any, ...]] = []
    scheme, limit, total = job.scheme, max_rows(), job.total_rows
    report = _Report(checked)
    heartbeat = _Heartbeat(job.pk)
    for number, raw, problems in source.rows:
        checked.rows += 1
        if checked.rows > limit:
            raise FileProblem(too_many_rows(limit))
        if scheme and not raw.get("scheme"):
            raw["scheme"] = scheme
        # An item that is not an object has nothing to check: its problem says so.
        clean, errors = check_row(raw, ctx, number) if raw or not problems else (None, [])
        key = fast_number_key(clean["number"]) if clean is not None else _number_key(raw.get("number"))
        if problems:
            errors = problems + errors
        if key:
            first = seen.setdefault(key, number)
            if first != number:
                errors.append(_duplicate(number, raw, first))
        if scheme and (clean is None or clean["scheme"] != scheme):
            errors.extend(_other_scheme(number, raw, clean, errors, scheme))
        if errors:
            checked.bad_rows += 1
            report.add(errors)
        elif not checked.bad_rows and clean is not None:
            batch.append(staged_row(number, clean, key, keys, json_lists))
            if len(batch) >= BATCH:
                staging.add(batch)
                batch = []
        if checked.rows % BATCH == 0:
            total = max(total, checked.rows)
            heartbeat.beat(rows_done=checked.rows, total_rows=total)
        elif checked.rows % 256 == 0:
            heartbeat.maybe(rows_done=checked.rows)
    if batch and not checked.bad_rows:
        staging.add(batch)
    report.close()
    heartbeat.beat(rows_done=checked.rows, total_rows=checked.rows)
    return checked


def _number_key(value: Any) -> str:
    """The number's comparison key, read the way ``rules`` reads the number (a whole Excel number as such)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number_key(str(value))


def _duplicate(number: int, raw: dict[str, Any], first: int) -> RowError:
    return RowError(
        number,
        "number",
        "duplicate_in_file",
        _("Certificate number %(number)s is also in row %(row)d of this file; a number may be reported once.")
        % {"number": raw.get("number"), "row": first},
    )


def _other_scheme(
    number: int, raw: dict[str, Any], clean: dict[str, Any] | None, errors: list[RowError], scheme: str
) -> list[RowError]:
    """A row of another scheme in a file uploaded for one scheme."""
    if any(error.field == "scheme" for error in errors):
        return []
    found = clean["scheme"] if clean is not None else scheme_of(raw.get("scheme"))
    if found is None or found == scheme:
        return []
    return [
        RowError(
            number,
            "scheme",
            "other_scheme",
            _("This row is a %(found)s certificate, but the file was uploaded for %(scheme)s.")
            % {"found": Scheme(found).label, "scheme": Scheme(scheme).label},
        )
    ]


class _JsonLists:
    """Standards and sites as JSON text; the same few lists of standards recur on most rows."""

    def __init__(self) -> None:
        self.standards: dict[tuple[str, ...], str] = {}

    def of_standards(self, codes: list[str]) -> str:
        key = tuple(codes)
        text = self.standards.get(key)
        if text is None:
            text = self.standards[key] = json.dumps(codes, ensure_ascii=False)
        return text

    @staticmethod
    def of_sites(sites: list[dict[str, str]]) -> str:
        return json.dumps(sites, ensure_ascii=False) if sites else "[]"


def staged_row(
    number: int, clean: dict[str, Any], key: str, keys: _Keys, json_lists: _JsonLists
) -> tuple[Any, ...]:
    """A good row as the database stores it (``import_apply.STAGED``): the keys as ``Certificate.fill_keys``
    and ``Holder.save`` make them, the lists as JSON text."""
    models = clean["product_models"]
    return (
        number,
        clean["number"],
        key,
        clean["scheme"],
        clean["holder_uscc"],
        clean["holder_name"],
        keys(clean["holder_name"]),
        clean["holder_address"],
        clean["product"],
        keys(clean["product"]),
        clean["product_code"],
        models,
        fast_search_key(models) if models else "",
        clean["trademark"],
        clean["manufacturer"],
        clean["factory"],
        clean["scope"],
        json_lists.of_standards(clean["standards"]),
        clean["mode"],
        json_lists.of_sites(clean["sites"]),
        clean["first_issued_on"],
        clean["issued_on"],
        clean["expires_on"],
        clean["signatory_id"],
    )


class _Report:
    """Every problem, as CSV (UTF-8 with a BOM, so that Excel reads the Chinese), and the first few as dicts."""

    def __init__(self, checked: Checked) -> None:
        self.checked = checked
        self.binary: Any = None
        self.text: Any = None
        self.writer: Any = None

    def add(self, errors: list[RowError]) -> None:
        if self.writer is None:
            self.binary = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the job, closed there)
            self.text = io.TextIOWrapper(self.binary, encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.text)
            self.writer.writerow(REPORT_HEADER)
        for error in errors:
            heading = heading_of(error.field) if error.field else ""
            self.writer.writerow(csv_row((error.row, error.field, heading, error.code, error.message)))
            if len(self.checked.errors) < FIRST_ERRORS:
                self.checked.errors.append(error.as_dict())

    def close(self) -> None:
        if self.text is not None:
            self.text.flush()
            self.text.detach()
            self.binary.seek(0)
            self.checked.report = self.binary


# Finishing a job


def _finish(job: ImportJob, status: str, **values: Any) -> ImportJob:
    """End the job, unless it has ended already (reclaimed as lost while this process was slow)."""
    values |= {"status": status, "finished_at": timezone.now()}
    ImportJob.objects.filter(pk=job.pk).exclude(status__in=FINISHED).update(**values)
    job.refresh_from_db()
    return job


def _reject(job: ImportJob, checked: Checked) -> ImportJob:
    message = ngettext(
        "%(bad)d of %(rows)d rows has problems; nothing was applied. Correct it and upload the file again.",
        "%(bad)d of %(rows)d rows have problems; nothing was applied. Correct them and upload the file again.",
        checked.bad_rows,
    ) % {"bad": checked.bad_rows, "rows": checked.rows}
    with checked.report:
        job.report.save(f"{uuid.uuid4().hex}.csv", File(checked.report), save=False)
    return _finish(
        job,
        Status.REJECTED,
        report=job.report.name,
        errors=checked.errors,
        error_count=checked.bad_rows,
        total_rows=checked.rows,
        message=message,
    )


def _apply(job: ImportJob, checked: Checked, staging: TempTable | Spool) -> ImportJob:
    from certis.audit.models import EventType
    from certis.audit.services import record

    today = timezone.localdate()
    with transaction.atomic():
        counts = import_apply.apply(job, staging, rows=checked.rows, today=today)
        message = _("%(created)d certificates added and %(updated)d updated.") % {
            "created": counts.created,
            "updated": counts.updated,
        }
        if counts.unchanged:
            message += " " + _("%(unchanged)d of them were reported exactly as before.") % {
                "unchanged": counts.unchanged
            }
        ended = ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
            status=Status.APPLIED,
            finished_at=timezone.now(),
            rows_done=checked.rows,
            created_count=counts.created,
            updated_count=counts.updated,
            error_count=0,
            errors=[],
            total_rows=checked.rows,
            message=message,
        )
        if not ended:  # reclaimed as lost meanwhile, and told "nothing was applied": keep that true
            raise ApplyConflict(lost_job_message())
        job.refresh_from_db()
        record(
            EventType.CERTIFICATES_IMPORTED,
            actor=job.uploaded_by,
            target=job,
            organisation=job.body.organisation,
            data={
                "file": job.original_name,
                "format": job.format,
                "sha256": job.sha256,
                "rows": checked.rows,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "renewed": counts.renewed,
            },
        )
    return job


def report_rows(job: ImportJob) -> Iterator[dict[str, Any]]:
    """Every problem of a rejected job, from its report file."""
    if not job.report:
        yield from job.errors
        return
    with job.report.open("rb") as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            reader = csv.reader(text)
            next(reader, None)
            for row, name, _heading, code, message in reader:
                yield {
                    "row": int(row),
                    "field": csv_text_read(name),
                    "code": code,
                    "message": csv_text_read(message),
                }
        finally:
            text.detach()
