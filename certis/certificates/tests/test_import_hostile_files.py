"""Files built to hurt are refused quickly and in little memory, with a message naming the limit: zip bombs,
a million rows, deep JSON, control characters, foreign encodings. What Certis writes back (the report of bad
rows, the templates) opens as text, never as a formula."""

from __future__ import annotations

import codecs
import io
import json
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certis.certificates.files.reports import FileProblem, open_source
from certis.certificates.files.workbooks import errors_workbook, template_workbook
from certis.certificates.models import Certificate, ImportJob
from certis.certificates.services.imports import create_job, report_rows
from certis.certificates.tests.conftest import CertWorld, cert_row
from certis.certificates.tests.report_fixtures import (
    cert_rows,
    csv_bytes,
    import_file,
    json_bytes,
    upload,
    xlsx_bytes,
)
from certis.core.text import to_traditional

Status = ImportJob.Status
TAIWAN = "臺灣電器股份有限公司"

# Workbooks written by hand, part by part, so that they can be as hostile as wanted

_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>',
}
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADINGS = ("number", "scheme", "holder_name")


def _heading_row() -> str:
    cells = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABC", HEADINGS, strict=True)
    )
    return f'<row r="1">{cells}</row>'


def hostile_workbook(path: Path, *, shared: bytes | None = None, rows: int = 0, dimension: str = "") -> Path:
    """A workbook whose sheet has the heading row then ``rows`` one-cell rows; ``shared`` as many bytes of one
    shared string (written streaming, so the test itself stays small)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0"?><sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
            )
            chunk = b"A" * (1 << 20)
            for _ in range((shared or 1) // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            ref = f'<dimension ref="{dimension}"/>' if dimension else ""
            part.write(f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}">{ref}<sheetData>'.encode())
            part.write(_heading_row().encode())
            for start in range(2, rows + 2, 10_000):
                part.write(
                    "".join(
                        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
                        for r in range(start, min(start + 10_000, rows + 2))
                    ).encode()
                )
            part.write(b"</sheetData></worksheet>")
    return path


_MEASURE = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.utils import translation
    from certis.certificates.files.reports import FileProblem, open_source
    started = time.perf_counter()
    translation.activate("en")
    try:
        with open(sys.argv[1], "rb") as stream:
            source = open_source(stream, "xlsx")
            for _row in source.rows:
                pass
        outcome = "read"
    except FileProblem as problem:
        outcome = "refused: " + problem.message
    seconds = time.perf_counter() - started
    # VmHWM: this program's own peak. ru_maxrss would also count the parent's size at fork (Linux keeps it
    # across exec), so a large test worker would look like a large reader.
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    print(f"{seconds:.2f}\\t{peak:.0f}\\t{outcome}")
    """
)


def measured(path: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS in MB and the outcome of reading the workbook in a fresh process."""
    env = {"DJANGO_SETTINGS_MODULE": "certis.settings.test", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    seconds, peak, outcome = done.stdout.strip().splitlines()[-1].split("\t", 2)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, {seconds} s, peak RSS {peak} MB, {outcome}")
    return float(seconds), float(peak), outcome


def test_a_workbook_with_one_shared_string_of_a_gigabyte_is_refused_quickly_in_little_memory(
    tmp_path: Path,
) -> None:
    path = hostile_workbook(tmp_path / "bomb.xlsx", shared=1 << 30)
    assert path.stat().st_size < 8_000_000
    _seconds, peak, outcome = measured(path)
    assert outcome.startswith("refused: ") and "MB" in outcome
    assert peak < 300


@pytest.mark.parametrize(
    ("size", "said"), [(100 << 20, "shared text passes the limit"), (1 << 20, "longer than 32,767")]
)
def test_a_workbook_whose_shared_strings_pass_their_limits_is_refused(
    tmp_path: Path, size: int, said: str
) -> None:
    path = hostile_workbook(tmp_path / f"strings-{size}.xlsx", shared=size)
    _seconds, peak, outcome = measured(path)
    assert said in outcome
    assert peak < 300


def test_a_workbook_of_more_rows_than_excel_holds_is_refused_quickly_in_little_memory(tmp_path: Path) -> None:
    path = hostile_workbook(tmp_path / "rows.xlsx", rows=1_100_000)
    _seconds, peak, outcome = measured(path)
    assert "more than 1,048,576 rows" in outcome
    assert peak < 300


def test_a_zip_whose_headers_lie_about_its_size_is_refused(tmp_path: Path) -> None:
    path = hostile_workbook(tmp_path / "liar.xlsx", shared=200 << 20)
    data = bytearray(path.read_bytes())
    # Say the shared strings unpack to 1 KB, in the local header and the central directory alike.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
    for offset in _central_entries(data):
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length] == b"xl/sharedStrings.xml":
            _lie(data, offset + 24, offset + 46 + name_length, struct.unpack_from("<H", data, offset + 30)[0])
    _lie(
        data,
        info.header_offset + 22,
        info.header_offset + 30 + len(info.filename),
        struct.unpack_from("<H", data, info.header_offset + 28)[0],
    )
    path.write_bytes(bytes(data))
    _seconds, peak, outcome = measured(path)
    assert outcome.startswith("refused: ")
    assert peak < 300


def _central_entries(data: bytearray) -> list[int]:
    offsets, at = [], data.find(b"PK\x01\x02")
    while at != -1:
        offsets.append(at)
        at = data.find(b"PK\x01\x02", at + 4)
    return offsets


def _lie(data: bytearray, size_at: int, extra_at: int, extra_length: int) -> None:
    """Write 1,024 as the uncompressed size (and in a zip64 extra field, if there is one)."""
    struct.pack_into("<I", data, size_at, 1024)
    end = extra_at + extra_length
    while extra_at + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, extra_at)
        if kind == 0x0001 and length >= 8:
            struct.pack_into("<Q", data, extra_at + 4, 1024)
        extra_at += 4 + length


def test_a_workbook_whose_dimension_hides_its_rows_is_counted(tmp_path: Path) -> None:
    """Its estimate, which decides whether it runs in the request, is the rows it has, not what it says."""
    path = hostile_workbook(tmp_path / "small-looking.xlsx", rows=5_000, dimension="A1:C2")
    with path.open("rb") as stream:
        source = open_source(stream, "xlsx")
        source.close()
    assert source.estimate == 5_000


def test_a_file_large_in_bytes_goes_to_the_worker_whatever_its_rows(
    cert_world: CertWorld, settings: Any, task_runs: list[int]
) -> None:
    settings.CERTIFICATES_IMPORT_INLINE_BYTES = 1_000
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(20)))
    assert task_runs == [job.pk] and job.status == Status.APPLIED


# JSON nested deep


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_json_is_refused_with_a_reason(cert_world: CertWorld, depth: int) -> None:
    data = b'{"certificates": [' + b"[" * depth + b"]" * depth + b"]}"
    with translation.override("en"), pytest.raises(FileProblem, match="levels deep"):
        open_source(io.BytesIO(data), "json")


# Control characters


@pytest.mark.parametrize(
    ("fmt", "char"),
    [
        *[(fmt, char) for fmt in ("csv", "json") for char in ("\x00", "\x1b", "\x7f", "\x85")],
        # XML cannot hold NUL or ESC; openpyxl reads DEL and the C1 controls
        ("xlsx", "\x7f"),
        ("xlsx", "\x85"),
    ],
)
def test_a_control_character_in_a_field_rejects_the_file_naming_the_row_and_field(
    cert_world: CertWorld, fmt: str, char: str
) -> None:
    rows = cert_rows(3)
    rows[1]["holder_address"] = f"北京市{char}海淀区"
    build = {"csv": csv_bytes, "xlsx": xlsx_bytes, "json": json_bytes}[fmt]
    with translation.override("en"):
        job = import_file(cert_world.staff, cert_world.body, build(rows), f"c.{fmt}")
    assert job.status == Status.REJECTED, job.message
    row = 2 if fmt == "json" else 3
    assert [(e["row"], e["field"], e["code"]) for e in report_rows(job)] == [
        (row, "holder_address", "control_character")
    ]
    assert not Certificate.objects.exists()


def test_a_control_character_in_a_json_list_is_found_too(cert_world: CertWorld) -> None:
    row = cert_row(number="J1")
    row["standards"] = ["GB 4706.1-2005\x00"]
    job = import_file(cert_world.staff, cert_world.body, json_bytes([row]), "c.json")
    assert job.status == Status.REJECTED
    assert [(e["field"], e["code"]) for e in report_rows(job)] == [("standards", "control_character")]


# Encodings


def test_a_big5_file_is_read_as_big5(cert_world: CertWorld) -> None:
    rows = [
        {key: to_traditional(value) if isinstance(value, str) else value for key, value in row.items()}
        for row in cert_rows(3, holder_name=TAIWAN, holder_address="臺北市中山區")
    ]
    data = csv_bytes(rows, encoding="big5")
    job = import_file(cert_world.staff, cert_world.body, data)
    assert job.status == Status.APPLIED, job.message
    assert set(Certificate.objects.values_list("holder_name", flat=True)) == {TAIWAN}


@pytest.mark.parametrize("encoding", ["utf-32", "utf-16", "utf-8-sig", "gb18030"])
def test_files_with_a_bom_or_in_gb18030_are_read(cert_world: CertWorld, encoding: str) -> None:
    job = import_file(
        cert_world.staff, cert_world.body, csv_bytes(cert_rows(2, holder_name=TAIWAN), encoding=encoding)
    )
    assert job.status == Status.APPLIED, job.message
    assert set(Certificate.objects.values_list("holder_name", flat=True)) == {TAIWAN}


@pytest.mark.parametrize(
    ("encoding", "said"), [("shift_jis", "cannot be told with confidence"), ("utf-7", "UTF-7")]
)
def test_a_shift_jis_or_utf7_file_is_refused_naming_the_encodings_accepted(
    cert_world: CertWorld, encoding: str, said: str
) -> None:
    text = "number,scheme,holder_name,holder_address\nCCC1,ccc,東芝ライテック株式会社,神奈川県横須賀市\n"
    data = text.encode(encoding)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        create_job(acting_user=cert_world.staff, body=cert_world.body, upload=upload(data))
    message = " ".join(refused.value.message_dict["file"])
    assert said in message and "Big5" in message and "GB 18030" in message
    assert not ImportJob.objects.exists()


# What Certis writes opens as text

RISKY = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_the_report_of_bad_rows_keeps_risky_text_as_text_in_csv_and_excel(cert_world: CertWorld) -> None:
    items: list[Any] = [{**cert_row(number=f"R{index}"), key: "x"} for index, key in enumerate(RISKY)]
    job = import_file(
        cert_world.staff, cert_world.body, json.dumps(items, ensure_ascii=False).encode(), "c.json"
    )
    assert job.status == Status.REJECTED
    with job.report.open("rb") as stream:
        text = codecs.decode(stream.read(), "utf-8-sig")
    for key in RISKY:
        assert "\n" + key not in text and "," + key not in text
    assert [row["field"] for row in report_rows(job)] == [key[:64] for key in RISKY]
    book = _open(errors_workbook(report_rows(job)))
    values = [cell for row in book.active.iter_rows() for cell in row]
    assert not [cell for cell in values if cell.data_type == "f"]
    assert {cell.value for cell in values} >= set(RISKY) - {"\r=1"}  # XML reads a lone CR as LF


def test_no_cell_of_a_template_is_a_formula() -> None:
    for scheme in ("ccc", "management_system"):
        book = _open(template_workbook(scheme))
        assert not [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]


def _open(data: bytes) -> Any:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data))
