"""Customs declarations as files: the Excel template officers fill in, and reading an uploaded declaration
(.xlsx, or .csv in UTF-8 or GB 18030 as Chinese Excel saves it) or lines pasted into the page into the rows
the check takes.

Columns are found by their headings, in the first ten rows: the template's own (in either language), the
field keys, or the names customs declarations use (商品编号, 规格型号, 收货人统一社会信用代码…), in either script.
Rows whose cells are all empty are skipped. What is wrong with the file as a whole (not a workbook, no HS code
column, too many lines) raises :class:`DeclarationFileProblem`; what is wrong with a line becomes that line's
verdict.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from certis.core.spreadsheets import encodings
from certis.core.spreadsheets import xlsx_limits as xlsx
from certis.core.spreadsheets.safe_text import text_sheet
from certis.core.text import search_key

from .lines import FIELDS, LABELS

MAX_BYTES = 5 * 1024 * 1024
# A declaration has at most a few thousand lines: far lower bounds than a registry's file of reports.
XLSX_LIMITS = xlsx.Limits(
    unpacked_bytes=64 * 1024 * 1024,
    shared_strings_bytes=16 * 1024 * 1024,
    shared_strings=200_000,
    rows=100_000,
    cells=2_000_000,
)
CSV_FIELD_LIMIT = 131_072  # Python's csv default (csv.field_size_limit), said to the officer instead of a 500
HEADER_SEARCH_ROWS = 10
TEXT_COLUMNS = ("hs_code", "number", "importer_uscc", "model")
# Headings customs declarations and firms' own sheets use, beside the template's.
ALIASES = {
    "hs_code": ["HS编码", "HS编号", "HS code", "商品编号", "商品编码", "税则号列", "海关编码"],
    "product_name": ["商品名称", "品名", "货物名称", "product"],
    "model": ["规格型号", "型号", "model"],
    "quantity": ["数量", "申报数量", "qty"],
    "number": [
        "证书编号",
        "CCC证书编号",
        "证书或自我声明编号",
        "自我声明编号",
        "认证证书编号",
        "certificate",
    ],
    "importer_uscc": [
        "收货人统一社会信用代码",
        "进口商统一社会信用代码",
        "统一社会信用代码",
        "USCC",
        "importer",
    ],
    "exemption": ["免办", "免于办理", "免办证明", "免于强制性产品认证"],
}


class DeclarationFileProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=1)
def _headings() -> dict[str, str]:
    keys: dict[str, str] = {}
    for name in FIELDS:
        keys[search_key(name)] = name
        for alias in ALIASES[name]:
            keys[search_key(alias)] = name
        for language in ("en", "zh-hans"):
            with translation.override(language):
                keys[search_key(str(LABELS[name]))] = name
    return keys


def header_of(text: Any) -> str | None:
    """The field a column heading names, or None."""
    if text is None:
        return None
    key = search_key(str(text).replace("*", ""))
    return _headings().get(key) if key else None


def split_pasted(text: str) -> list[dict[str, str]]:
    """Lines pasted from a spreadsheet (tab-separated) or typed with commas, in the template's column order;
    blank lines are skipped, and a first line of headings is recognised and dropped."""
    rows: list[dict[str, str]] = []
    for text_line in text.splitlines():
        if not text_line.strip():
            continue
        separator = (
            "\t" if "\t" in text_line else ("，" if "，" in text_line and "," not in text_line else ",")
        )
        cells = [cell.strip() for cell in text_line.split(separator)]
        if not rows and header_of(cells[0]) == "hs_code":
            continue
        rows.append(dict(zip(FIELDS, cells, strict=False)))
    return rows


def _columns(cells: list[Any]) -> dict[int, str] | None:
    """Column index → field, if these cells are a row of headings with an HS code column."""
    columns = {index: name for index, cell in enumerate(cells) if (name := header_of(cell))}
    return columns if "hs_code" in columns.values() else None


def rows_from_table(table: Iterator[list[Any]]) -> list[dict[str, Any]]:
    """The declaration's rows from a table of cells: find the headings, then read until the end."""
    columns: dict[int, str] | None = None
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(table, start=1):
        cells = list(cells)
        if columns is None:
            columns = _columns(cells)
            if columns is None and number >= HEADER_SEARCH_ROWS:
                break
            continue
        if _columns(cells) == columns:  # the template's hidden row of field keys
            continue
        row = {name: cells[index] for index, name in columns.items() if index < len(cells)}
        if all(value is None or str(value).strip() == "" for value in row.values()):
            continue
        rows.append(row)
        if len(rows) > 100_000:
            break
    if columns is None:
        raise DeclarationFileProblem(
            _(
                "No column headed “HS code” in the first %(rows)d rows. Use the template, or head the columns as "
                "it does."
            )
            % {"rows": HEADER_SEARCH_ROWS}
        )
    if not rows:
        raise DeclarationFileProblem(_("The file has headings but no lines."))
    return rows


def _xlsx_table(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        xlsx.check_workbook(io.BytesIO(data), XLSX_LIMITS)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except xlsx.WorkbookTooLarge as too_large:
        raise DeclarationFileProblem(too_large.message) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DeclarationFileProblem(_("The file cannot be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield list(cells)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """The file's text in the encoding it is really in (``core.spreadsheets.encodings``); never a guess."""
    try:
        encoding = encodings.detect(data, complete=True).encoding
        return data.decode(encoding)
    except (encodings.UnknownEncoding, UnicodeDecodeError):
        raise DeclarationFileProblem(
            _(
                "The file's encoding cannot be told with confidence; save it as CSV in one of: %(accepted)s "
                "(CSV UTF-8 is best), or as Excel (.xlsx)."
            )
            % {"accepted": ", ".join(encodings.ACCEPTED)}
        ) from None


def _csv_table(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    if "\x00" in text:
        raise DeclarationFileProblem(_("The file is not a text (CSV) file."))
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for cells in reader:
            for cell in cells:
                if len(cell) >= CSV_FIELD_LIMIT:
                    raise _field_too_long(reader.line_num)
            yield cells
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise _field_too_long(reader.line_num + 1) from None
        raise DeclarationFileProblem(
            _("Line %(line)d is not readable as CSV: %(error)s.") % {"line": reader.line_num, "error": error}
        ) from None


def _field_too_long(line: int) -> DeclarationFileProblem:
    return DeclarationFileProblem(
        _("A field near line %(line)d is longer than %(limit)s characters; no line of a declaration is.")
        % {"line": line, "limit": f"{CSV_FIELD_LIMIT:,}"}
    )


def read_declaration_file(upload: IO[bytes], name: str = "") -> list[dict[str, Any]]:
    """The rows of an uploaded declaration; raises DeclarationFileProblem with a message for the officer."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DeclarationFileProblem(
            _("The file is larger than %(size)d MB. Split the declaration.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise DeclarationFileProblem(_("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DeclarationFileProblem(
            _("This is an old Excel file (.xls). Save it as .xlsx and upload it again.")
        )
    if data.startswith(b"PK\x03\x04"):
        return rows_from_table(_xlsx_table(data))
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise DeclarationFileProblem(_("The file cannot be read as an Excel workbook (.xlsx)."))
    return rows_from_table(_csv_table(data))


def _notes() -> dict[str, str]:
    return {
        "hs_code": _("10 digits, as on the customs declaration (8516.6010.00 or 8516601000)."),
        "product_name": _("As declared; for the officer's reading, not used to decide."),
        "model": _("One model per line. It must be among the models the certificate or declaration lists."),
        "quantity": _("A positive number."),
        "number": _("The CCC certificate number or the self-declaration number (SD…)."),
        "importer_uscc": _("18 characters, with the check character."),
        "exemption": _(
            "Only when the goods are exempt from CCC: the exemption certificate's number or ground."
        ),
    }


def template_workbook() -> bytes:
    """The template: headings in the page's language, a hidden row of field keys, text-formatted codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Declaration")[:31]
    notes = _notes()
    for column, name in enumerate(FIELDS, start=1):
        letter = get_column_letter(column)
        heading = sheet.cell(row=1, column=column, value=str(LABELS[name]))
        heading.font, heading.fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
        sheet.cell(row=2, column=column, value=name)
        sheet.column_dimensions[letter].width = 34 if name in ("product_name", "exemption", "number") else 22
        if name in TEXT_COLUMNS:
            for row in range(3, 1003):
                sheet.cell(row=row, column=column).number_format = "@"
    sheet.row_dimensions[2].hidden = True
    sheet.freeze_panes = "A3"
    help_sheet = workbook.create_sheet(_("How to fill in")[:31])
    for row, name in enumerate(FIELDS, start=1):
        help_sheet.cell(row=row, column=1, value=str(LABELS[name])).font = Font(bold=True)
        help_sheet.cell(row=row, column=2, value=notes[name])
    text_sheet(sheet)
    text_sheet(help_sheet)
    help_sheet.column_dimensions["A"].width = 40
    help_sheet.column_dimensions["B"].width = 90
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
