"""Spreadsheets handled safely: encodings told, never guessed; user text written as text, never a formula."""

from __future__ import annotations

import codecs
import csv
import io

import openpyxl
import pytest

from certis.core.spreadsheets import encodings
from certis.core.spreadsheets.safe_text import csv_row, csv_text_read, text_cell, write_only_row

TAIWAN = "臺灣電器股份有限公司,臺北市中山區\n"
MAINLAND = "中国质量认证中心有限公司,北京市朝阳区\n"
RISKY = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TAIWAN.encode("big5"), "big5"),
        (MAINLAND.encode("gb18030"), "gb18030"),
        (TAIWAN.encode("gb18030"), "gb18030"),  # traditional names in GBK stay GB
        (MAINLAND.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + MAINLAND.encode(), "utf-8-sig"),
        (TAIWAN.encode("utf-16"), "utf-16"),
        (TAIWAN.encode("utf-32"), "utf-32"),
        (b"number,phone\nCCC1,+86-10-1234\n", "utf-8"),
    ],
)
def test_the_encoding_is_told_from_the_bytes(data: bytes, expected: str) -> None:
    found = encodings.detect(data, complete=True)
    assert found.encoding == expected
    assert data.decode(found.encoding).replace("\ufeff", "") in (
        TAIWAN,
        MAINLAND,
        "number,phone\nCCC1,+86-10-1234\n",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("東芝ライテック株式会社,東京都港区\n".encode("shift_jis"), "ambiguous"),
        ("炊飯器ジャー,神奈川県\n".encode("shift_jis"), "ambiguous"),
        (TAIWAN.encode("utf-7"), "utf7"),
        (b"+/v8-" + TAIWAN.encode("utf-7"), "utf7"),
        (b"\x81\x20\xff\xfe\x00\x81\n", "undecodable"),
    ],
)
def test_what_cannot_be_told_with_confidence_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(encodings.UnknownEncoding) as refused:
        encodings.detect(data, complete=True)
    assert refused.value.reason in (reason, "ambiguous", "undecodable")


def test_risky_text_is_kept_as_text_in_a_workbook() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row, value in enumerate(RISKY, start=1):
        text_cell(sheet.cell(row=row, column=1), value)
    text_cell(sheet.cell(row=1, column=2), "plain")
    text_cell(sheet.cell(row=2, column=2), 42)
    write_only = openpyxl.Workbook(write_only=True)
    other = write_only.create_sheet()
    other.append(write_only_row(other, RISKY))
    for data in (_saved(book), _saved(write_only)):
        cells = [
            cell
            for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
        assert not [cell for cell in cells if cell.data_type == "f"]
        assert {cell.value for cell in cells} >= set(RISKY)
        assert all(cell.quotePrefix for cell in cells if cell.value in RISKY)


def test_risky_text_is_quoted_in_csv_and_read_back_as_it_was() -> None:
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([*RISKY, "plain", "'quoted", 7]))
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert all(cell.startswith("'") for cell in cells[: len(RISKY)])
    assert [csv_text_read(cell) for cell in cells] == [*RISKY, "plain", "'quoted", "7"]


def _saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
