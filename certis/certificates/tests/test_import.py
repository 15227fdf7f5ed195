"""Bulk reporting of certificates: files read in every format, checked whole, applied whole or not at all,
with a report of every bad row; the same file twice changes nothing; bad files are refused with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certis.audit.models import AuditEvent, EventType
from certis.bodies.models import Scheme
from certis.certificates.models import Certificate, Holder, ImportJob
from certis.certificates.schemes import FIELDS
from certis.certificates.services import imports as importer
from certis.certificates.services.imports import create_job, report_rows, run_job
from certis.certificates.tests.conftest import CertWorld, cert_row
from certis.certificates.tests.report_fixtures import (
    cert_rows,
    csv_bytes,
    import_file,
    json_bytes,
    upload,
    xlsx_bytes,
)
from certis.core.identifiers import make_uscc

Status = ImportJob.Status


def applied(job: ImportJob, created: int, updated: int = 0) -> None:
    assert job.status == Status.APPLIED, (job.message, job.errors)
    assert (job.created_count, job.updated_count, job.error_count) == (created, updated, 0)


def problems(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(error["row"], error["field"], error["code"]) for error in report_rows(job)]


# Every format


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", ","), ("gbk", ","), ("gb18030", "\t"), ("utf-8", ";")],
)
def test_a_csv_file_is_read_in_each_encoding_and_delimiter(
    cert_world: CertWorld, encoding: str, delimiter: str
) -> None:
    rows = cert_rows(3, holder_name="美的集團（顺德）股份有限公司")
    job = import_file(
        cert_world.staff, cert_world.body, csv_bytes(rows, encoding=encoding, delimiter=delimiter)
    )
    applied(job, 3)
    assert job.format == ImportJob.Format.CSV
    certificate = Certificate.objects.get(number="CCC00000002")
    assert certificate.holder_name == "美的集團（顺德）股份有限公司"
    assert certificate.product_models == "MB-FB40; MB-FB50"
    assert certificate.standards == ["GB 4706.1-2005"]
    assert certificate.signatory == cert_world.signatory


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_columns_may_be_headed_by_the_templates_headings_in_either_language(
    cert_world: CertWorld, language: str
) -> None:
    rows = cert_rows(2)
    names = [name for name in FIELDS if name in rows[0]]
    with translation.override(language):
        headings = [str(FIELDS[name]) + " *" for name in names]
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows, columns=names, headings=headings))
    applied(job, 2)


def test_an_excel_file_is_read_with_its_dates_and_numbers_as_cells(cert_world: CertWorld) -> None:
    rows = cert_rows(2, issued_on=dt.datetime(2025, 6, 1), expires_on=dt.date(2030, 5, 31))
    rows.append(cert_row(number=2025010101000009, first_issued_on="2022年6月1日"))  # typed as a number
    data = xlsx_bytes(rows, title_rows=[["中国质量认证中心 2025年6月上报"], []])
    job = import_file(cert_world.staff, cert_world.body, data, name="上报.xlsx")
    applied(job, 3)
    assert job.format == ImportJob.Format.XLSX
    assert Certificate.objects.get(number="CCC00000001").issued_on == dt.date(2025, 6, 1)
    assert Certificate.objects.get(number="2025010101000009").first_issued_on == dt.date(2022, 6, 1)


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_json_file_is_read_as_a_list_or_under_certificates(cert_world: CertWorld, wrapped: bool) -> None:
    rows = cert_rows(2)
    rows[1]["standards"] = ["GB 4706.1-2005", "GB 4943.1-2022"]
    job = import_file(cert_world.staff, cert_world.body, json_bytes(rows, wrapped=wrapped), "c.json")
    applied(job, 2)
    assert job.format == ImportJob.Format.JSON
    assert Certificate.objects.get(number="CCC00000002").standards == ["GB 4706.1-2005", "GB 4943.1-2022"]


def test_every_scheme_is_reported_in_one_file_with_its_own_fields(cert_world: CertWorld) -> None:
    rows = [cert_row(scheme, number=f"N-{scheme}") for scheme in Scheme.values]
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    applied(job, len(Scheme.values))
    system = Certificate.objects.get(number="N-management_system")
    assert system.sites == [
        {"address": "广东省佛山市顺德区北滘镇美的大道6号", "scope": "设计和销售"},
        {"address": "广东省佛山市顺德区容桂街道", "scope": "生产"},
    ]
    assert Certificate.objects.get(number="N-ccc").product_code == "0705"


def test_a_file_for_one_scheme_may_leave_the_scheme_out_but_not_mix_in_another(cert_world: CertWorld) -> None:
    rows = [{k: v for k, v in row.items() if k != "scheme"} for row in cert_rows(2)]
    applied(import_file(cert_world.staff, cert_world.body, csv_bytes(rows), scheme=Scheme.CCC), 2)
    mixed = [*cert_rows(1, start=10), cert_row(Scheme.SERVICE, number="S-1")]
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(mixed), scheme=Scheme.CCC)
    assert job.status == Status.REJECTED
    assert problems(job) == [(3, "scheme", "other_scheme")]


# All or nothing, and the report of bad rows


def test_a_large_file_whose_only_bad_row_is_the_last_applies_nothing_and_names_that_row(
    cert_world: CertWorld, task_runs: list[int], settings: Any
) -> None:
    settings.CERTIFICATES_IMPORT_INLINE_ROWS = 2_000
    rows = cert_rows(3_000)
    rows[-1]["holder_uscc"] = "91440606722473701A"  # a wrong check character
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    assert task_runs == [job.pk]  # over the inline limit: it ran as a background task
    assert job.status == Status.REJECTED
    assert (job.total_rows, job.rows_done, job.error_count) == (3_000, 3_000, 1)
    assert problems(job) == [(3_001, "holder_uscc", "bad_uscc")]  # the heading is row 1
    assert "1 of 3000 rows has problems; nothing was applied" in job.message
    assert not Certificate.objects.exists()
    assert not Holder.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.CERTIFICATES_IMPORTED).exists()


def test_the_same_large_file_corrected_is_applied_by_the_task(
    cert_world: CertWorld, task_runs: list[int]
) -> None:
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(3_000)))
    assert task_runs == [job.pk]
    applied(job, 3_000)
    assert Certificate.objects.filter(body=cert_world.body, import_job=job).count() == 3_000
    assert Holder.objects.count() == 1
    assert job.rows_done == job.total_rows == 3_000


def test_the_progress_moves_while_the_rows_are_checked(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 4)
    seen: list[tuple[str, int, int]] = []
    add = importer.import_apply.staging_for

    def staging(job: ImportJob) -> Any:
        staged = add(job)
        original = staged.add

        def watched(rows: list[Any]) -> None:
            current = ImportJob.objects.get(pk=job.pk)
            seen.append((current.status, current.rows_done, current.total_rows))
            original(rows)

        staged.add = watched  # type: ignore[method-assign]
        return staged

    monkeypatch.setattr(importer.import_apply, "staging_for", staging)
    applied(import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(10))), 10)
    assert seen == [("running", 0, 10), ("running", 4, 10), ("running", 8, 10)]


def test_the_report_names_every_bad_row_with_its_field_and_reason(cert_world: CertWorld) -> None:
    rows = [
        cert_row(number="R2"),
        cert_row(number="R3", holder_name=""),
        cert_row(number="R4", holder_uscc="123"),
        cert_row(number="R5", first_issued_on="2025-07-01"),
        cert_row(number="R6", standards="GB 9999-2099"),
        cert_row(number="R7", signatory="2099-NQA-000000"),
        cert_row(number="R8", signatory="2020-NQA-100002", issued_on="2026-02-01"),
        cert_row(number="R2"),
        cert_row(number="R10", issued_on="2025-13-01"),
    ]
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    assert job.status == Status.REJECTED
    assert problems(job) == [
        (3, "holder_name", "missing"),
        (4, "holder_uscc", "bad_uscc"),
        (5, "first_issued_on", "dates_out_of_order"),
        (6, "standards", "unknown_standard"),
        (7, "signatory", "signatory_not_registered"),
        (8, "signatory", "signatory_not_in_good_standing"),
        (9, "number", "duplicate_in_file"),
        (10, "issued_on", "bad_date"),
    ]
    assert job.error_count == 8
    assert not Certificate.objects.exists()


def test_a_body_reports_only_within_its_approved_scope(cert_world: CertWorld) -> None:
    """方圆 is approved for management systems only."""
    rows = [
        cert_row(Scheme.MANAGEMENT_SYSTEM, number="FY-1", signatory="2020-NQA-100003"),
        cert_row(Scheme.CCC, number="FY-2", signatory="2020-NQA-100003"),
    ]
    job = import_file(cert_world.other_staff, cert_world.other_body, csv_bytes(rows))
    assert job.status == Status.REJECTED
    assert problems(job) == [(3, "scheme", "out_of_scope")]
    assert not Certificate.objects.exists()


def test_the_job_keeps_the_first_problems_and_the_report_has_them_all(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "FIRST_ERRORS", 3)
    rows = cert_rows(5, holder_uscc="bad")
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    assert [error["row"] for error in job.errors] == [2, 3, 4]
    assert [row for row, _field, _code in problems(job)] == [2, 3, 4, 5, 6]


def test_messages_are_in_the_language_of_the_person_who_uploaded(cert_world: CertWorld) -> None:
    job = create_job(
        acting_user=cert_world.staff,
        body=cert_world.body,
        upload=upload(csv_bytes(cert_rows(1, holder_name=""))),
    )
    run_job(job.pk, language="zh-hans")
    job.refresh_from_db()
    with translation.override("zh-hans"):
        expected = translation.gettext("%(field)s is missing.") % {"field": FIELDS["holder_name"]}
    assert job.errors[0]["message"] == expected


# Idempotent by (body, number)


def test_reporting_the_same_file_again_adds_nothing_and_changes_nothing(cert_world: CertWorld) -> None:
    data = csv_bytes(cert_rows(3))
    first = import_file(cert_world.staff, cert_world.body, data)
    applied(first, 3)
    before = list(Certificate.objects.order_by("pk").values())
    again = import_file(cert_world.staff, cert_world.body, data)
    applied(again, 0, 3)
    assert "3 of them were reported exactly as before" in again.message
    assert list(Certificate.objects.order_by("pk").values()) == before  # provenance too
    imported = AuditEvent.objects.filter(event_type=EventType.CERTIFICATES_IMPORTED)
    assert [event.data["unchanged"] for event in imported.order_by("pk")] == [0, 3]


def test_reporting_a_number_again_updates_that_certificate(cert_world: CertWorld) -> None:
    applied(import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(2))), 2)
    rows = cert_rows(3)
    rows[0]["number"] = " ccc０００００００１ "  # the same number, typed otherwise
    rows[0]["product_models"] = "MB-FB60"
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    applied(job, 1, 2)
    assert Certificate.objects.count() == 3
    updated = Certificate.objects.get(number_key="CCC00000001")
    assert (updated.number, updated.product_models, updated.import_job) == ("CCC00000001", "MB-FB60", job)


def test_the_same_number_at_another_body_is_another_certificate(cert_world: CertWorld) -> None:
    row = cert_row(Scheme.MANAGEMENT_SYSTEM, number="SHARED-1")
    applied(import_file(cert_world.staff, cert_world.body, csv_bytes([row])), 1)
    row["signatory"] = "2020-NQA-100003"
    applied(import_file(cert_world.other_staff, cert_world.other_body, csv_bytes([row])), 1)
    assert Certificate.objects.filter(number_key="SHARED-1").count() == 2


# Bad files: a clear reason, nothing kept


def bad_file(world: CertWorld, data: bytes, name: str = "certificates.csv") -> str:
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        create_job(acting_user=world.staff, body=world.body, upload=upload(data, name))
    assert not ImportJob.objects.exists()
    return " ".join(refused.value.message_dict["file"])


def test_an_empty_file_is_refused(cert_world: CertWorld) -> None:
    assert "is empty" in bad_file(cert_world, b"")


def test_a_file_with_headings_that_are_not_fields_is_refused(cert_world: CertWorld) -> None:
    data = csv_bytes(cert_rows(1), headings=[*list(cert_rows(1)[0])[:-1], "备注"])
    assert "备注" in bad_file(cert_world, data)


def test_a_file_without_a_heading_row_or_required_columns_is_refused(cert_world: CertWorld) -> None:
    assert "No heading row found" in bad_file(cert_world, b"a,b,c\n1,2,3\n")
    missing = bad_file(cert_world, csv_bytes(cert_rows(1), columns=["number", "scheme", "holder_name"]))
    assert "has no column for" in missing
    with translation.override("en"):
        assert str(FIELDS["holder_uscc"]) in missing


def test_a_file_that_is_not_excel_is_refused(cert_world: CertWorld) -> None:
    assert "not a readable Excel workbook" in bad_file(cert_world, b"PK\x03\x04 not a zip at all", "c.xlsx")
    assert "not a readable Excel workbook" in bad_file(cert_world, b"hello, world", "c.xlsx")
    assert "old Excel file (.xls)" in bad_file(cert_world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)


def test_bytes_that_are_not_text_are_refused(cert_world: CertWorld) -> None:
    assert "not text in UTF-8 or GB18030" in bad_file(
        cert_world, b"number,scheme\n\x81\x20\xff\xfe\x00\x81\n"
    )
    assert "not UTF-8" in bad_file(cert_world, b'[{"number": "\xff\xfe"}]', "c.json")
    assert "not valid JSON" in bad_file(cert_world, b'{"certificates": [', "c.json")


def test_a_file_with_too_many_rows_is_refused(cert_world: CertWorld, settings: Any) -> None:
    settings.CERTIFICATES_IMPORT_MAX_ROWS = 5
    assert "more than 5 rows" in bad_file(cert_world, csv_bytes(cert_rows(6)))
    assert "more than 5 rows" in bad_file(cert_world, xlsx_bytes(cert_rows(6)), "c.xlsx")
    assert "more than 5 rows" in bad_file(cert_world, json_bytes(cert_rows(6)), "c.json")
    applied(import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(5))), 5)


def without_dimension(data: bytes) -> bytes:
    """The workbook as some tools write it: the sheet does not state its size."""
    import io
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_that_does_not_state_its_size_is_counted(cert_world: CertWorld, settings: Any) -> None:
    settings.CERTIFICATES_IMPORT_MAX_ROWS = 5
    data = without_dimension(xlsx_bytes(cert_rows(6)))
    assert "more than 5 rows" in bad_file(cert_world, data, "c.xlsx")
    settings.CERTIFICATES_IMPORT_MAX_ROWS = 6
    job = create_job(acting_user=cert_world.staff, body=cert_world.body, upload=upload(data, "c.xlsx"))
    assert job.total_rows == 6


def test_rows_beyond_the_limit_found_while_reading_reject_the_file(
    cert_world: CertWorld, settings: Any
) -> None:
    job = create_job(
        acting_user=cert_world.staff, body=cert_world.body, upload=upload(csv_bytes(cert_rows(6)))
    )
    settings.CERTIFICATES_IMPORT_MAX_ROWS = 5
    run_job(job.pk, language="en")
    job.refresh_from_db()
    assert job.status == Status.REJECTED
    assert "more than 5 rows" in job.message
    assert not Certificate.objects.exists()


def test_a_file_unreadable_part_way_is_rejected_with_the_row(cert_world: CertWorld) -> None:
    good = csv_bytes(cert_rows(600), encoding="utf-8")  # more than the bytes sniffed for the encoding
    job = import_file(cert_world.staff, cert_world.body, good + b"CCC\xff\xfe,ccc\n")
    assert job.status == Status.REJECTED
    assert "Line 602 of the file is not readable as UTF-8 text" in job.message
    assert not Certificate.objects.exists()


def test_a_json_item_that_is_not_an_object_or_has_unknown_fields_is_a_bad_row(cert_world: CertWorld) -> None:
    rows: list[Any] = [cert_row(number="J1"), "J2", cert_row(number="J3", colour="red")]
    job = import_file(cert_world.staff, cert_world.body, json_bytes(rows), "c.json")
    assert problems(job) == [(2, "", "not_an_object"), (3, "colour", "unknown_field")]


def test_a_holder_known_by_its_uscc_takes_the_name_last_reported_in_the_file(cert_world: CertWorld) -> None:
    uscc = make_uscc("91440606722473702")
    rows = [
        cert_row(number="H1", holder_uscc=uscc, holder_name="佛山市美盈电器有限公司"),
        cert_row(number="H2", holder_uscc=uscc, holder_name="佛山市美盈电器股份有限公司"),
    ]
    applied(import_file(cert_world.staff, cert_world.body, csv_bytes(rows)), 2)
    assert Holder.objects.get(uscc=uscc).name == "佛山市美盈电器股份有限公司"
