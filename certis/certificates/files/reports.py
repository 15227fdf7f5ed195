"""Reading a file of certificate reports: Excel (.xlsx), CSV or JSON, into raw rows keyed as the report format.

Every reader gives the same thing: the rows as dicts keyed by :data:`~certis.certificates.schemes.FIELDS`
keys, each with its number as the person who made the file sees it (the spreadsheet's row number, the
heading being row 1; for JSON, the item's position in the list, from 1). Cells that are empty are left out,
so that a missing column, an empty cell and a JSON ``null`` all read the same. Values are passed on as they
arrive (text, numbers, dates from Excel cells, lists from JSON): :func:`certis.certificates.rules.check_row`
decides what they mean.

Columns may be headed by the field keys (``holder_uscc``) or by the headings in Chinese (either script) or
English, with or without the asterisk that marks a required column. A file whose problems are with the file
itself (not readable, wrong encoding, a column nobody knows, required columns missing) raises
:class:`FileProblem` with a message in the active language.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from certis.certificates.models import ImportJob, number_key
from certis.certificates.rules import RowError
from certis.certificates.schemes import COMMON_REQUIRED, FIELDS, REQUIRED
from certis.core.spreadsheets import encodings
from certis.core.spreadsheets import xlsx_limits as xlsx

Format = ImportJob.Format
RawRow = dict[str, Any]
# What a reader yields per row: its number, the raw values, and problems the reader itself found.
Row = tuple[int, RawRow, list[RowError]]

HEADER_SEARCH_ROWS = 10  # a title or a note may stand above the headings
SNIFF_BYTES = 64 * 1024  # what the encoding is told from
CSV_DELIMITERS = (",", "\t", ";")
JSON_MAX_DEPTH = 8  # a report nests three levels deep: {"certificates": [{"sites": [{...}]}]}
XLSX_LIMITS = xlsx.Limits()
# Characters no field of a certificate may hold (tab and line breaks may): C0 and C1 controls, DEL, lone
# surrogates (a JSON "\ud800"), and the two non-characters. PostgreSQL refuses NUL outright.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class FileProblem(Exception):
    """The file as a whole cannot be read as a report; the message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Source:
    """An open file of reports: its columns (field keys), an estimate of its rows, and the rows."""

    format: str
    columns: list[str]
    estimate: int
    rows: Iterator[Row]
    closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for closer in self.closers:
            closer()


def heading_key(text: Any) -> str:
    """What a heading is matched on: the comparison key of the text, without the marks of a required column."""
    return number_key(str(text)).strip("*※").replace("(必填)", "").replace("(REQUIRED)", "")


@lru_cache(maxsize=1)
def _headings() -> dict[str, str]:
    """Heading key → field key, for the keys and the headings in every language of the site."""
    keys: dict[str, str] = {}
    for name, label in FIELDS.items():
        keys[heading_key(name)] = name
        for language in ("en", "zh-hans"):
            with translation.override(language):
                keys[heading_key(str(label))] = name
    return keys


def field_of(heading: Any) -> str | None:
    if heading is None or str(heading).strip() == "":
        return None
    return _headings().get(heading_key(heading))


def heading_of(name: str) -> str:
    return str(FIELDS.get(name, name))


def detect_format(name: str, head: bytes) -> str:
    """The format from the file's first bytes (and its name only where the bytes cannot tell)."""
    if head.startswith(b"PK\x03\x04"):
        return Format.XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            _("This is an old Excel file (.xls), which cannot be read. Save it as .xlsx and upload it again.")
        )
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text[:1] in (b"[", b"{"):
        return Format.JSON
    if name.lower().endswith(".json"):
        return Format.JSON
    if name.lower().endswith((".xlsx", ".xlsm")):
        return Format.XLSX
    return Format.CSV


def open_source(stream: IO[bytes], fmt: str) -> Source:
    """Open the file as ``fmt``; raise FileProblem if it is not readable as that."""
    stream.seek(0)
    if fmt == Format.XLSX:
        return _xlsx_source(stream)
    if fmt == Format.JSON:
        return _json_source(stream)
    return _csv_source(stream)


def required_columns(scheme: str) -> tuple[str, ...]:
    """The columns every file must have; with a scheme chosen for the file, also that scheme's, and the
    scheme column may be left out."""
    wanted = COMMON_REQUIRED + REQUIRED.get(scheme, ())
    return tuple(name for name in wanted if not (scheme and name == "scheme"))


def check_columns(source: Source, scheme: str) -> None:
    if source.format == Format.JSON:
        return  # each object names its own fields; a missing one is that row's problem
    missing = [name for name in required_columns(scheme) if name not in source.columns]
    if missing:
        raise FileProblem(
            _("The file has no column for: %(fields)s. Use the template, or head the columns as it does.")
            % {"fields": "; ".join(heading_of(name) for name in missing)}
        )


# Spreadsheets (CSV and Excel): a heading row, perhaps a row of field keys under it, then the rows.


def _map_headings(cells: tuple[Any, ...]) -> tuple[list[str | None], list[str]]:
    """The field of each column (None for an empty heading) and the headings that name no field."""
    columns: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        name = field_of(cell)
        if name is None and cell is not None and str(cell).strip():
            unknown.append(str(cell).strip())
        columns.append(name)
    return columns, unknown


def _find_heading_row(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> tuple[int, list[str | None]] | None:
    """The first row, among the first few, that heads at least three columns including the number."""
    for number, cells in rows:
        columns, unknown = _map_headings(cells)
        if "number" in columns and sum(1 for c in columns if c) >= 3:
            if unknown:
                raise FileProblem(
                    _(
                        "Row %(row)d has headings that are not fields of a certificate report: %(headings)s. "
                        "Remove those columns or head them as the template does."
                    )
                    % {"row": number, "headings": "; ".join(unknown)}
                )
            repeated = sorted({heading_of(c) for c in columns if c and columns.count(c) > 1})
            if repeated:
                raise FileProblem(
                    _("These fields have more than one column: %(fields)s.") % {"fields": "; ".join(repeated)}
                )
            return number, columns
        if number >= HEADER_SEARCH_ROWS:
            break
    return None


def _is_key_row(cells: tuple[Any, ...], columns: list[str | None]) -> bool:
    """The template's second row: each heading's field key, exactly."""
    return any(columns) and all(
        (column is None and (cell is None or cell == "")) or cell == column
        for cell, column in zip(cells, columns, strict=False)
    )


def _spreadsheet_rows(
    numbered: Iterator[tuple[int, tuple[Any, ...]]], *, no_heading: str
) -> tuple[list[str], Iterator[Row]]:
    found = _find_heading_row(numbered)
    if found is None:
        raise FileProblem(no_heading)
    _header_row, columns = found
    pairs = [(index, name) for index, name in enumerate(columns) if name]

    def rows() -> Iterator[Row]:
        first = True
        for number, cells in numbered:
            if first:
                first = False
                if _is_key_row(cells, columns):
                    continue
            width = len(cells)
            raw = {
                name: value
                for index, name in pairs
                if index < width and (value := cells[index]) is not None and value != ""
            }
            if raw:
                yield number, raw, control_characters(number, raw)

    return [name for _index, name in pairs], rows()


def control_characters(number: int, raw: RawRow) -> list[RowError]:
    """A problem for each field holding a control character; the characters are taken out of ``raw`` so that
    the row's other checks see the rest of the text."""
    problems: list[RowError] = []
    for name, value in raw.items():
        if _has_control(value):
            raw[name] = _without_control(value)
            problems.append(
                RowError(
                    number,
                    name,
                    "control_character",
                    _(
                        "%(field)s holds a control character (such as NUL) that no certificate has; remove "
                        "it and upload the file again."
                    )
                    % {"field": heading_of(name)},
                )
            )
    return problems


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_has_control(item) for item in value)
    if isinstance(value, dict):
        return any(_has_control(key) or _has_control(item) for key, item in value.items())
    return False


def _without_control(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list | tuple):
        return [_without_control(item) for item in value]
    if isinstance(value, dict):
        return {_without_control(key): _without_control(item) for key, item in value.items()}
    return value


def _numbered(rows: Any, start: int = 1) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, cells in enumerate(rows, start=start):
        yield number, tuple(cells)


# CSV


def _encoding_of(head: bytes, *, complete: bool) -> str:
    """What the file really is (``core.spreadsheets.encodings``), or a FileProblem naming the encodings accepted."""
    try:
        return encodings.detect(head, complete=complete).encoding
    except encodings.UnknownEncoding as unknown:
        accepted = ", ".join(encodings.ACCEPTED)
        if unknown.reason == "utf7":
            raise FileProblem(
                _(
                    "The file is in UTF-7, which is not accepted (accepted: %(accepted)s). Save it as "
                    "CSV UTF-8, or as Excel (.xlsx)."
                )
                % {"accepted": accepted}
            ) from None
        raise FileProblem(
            _(
                "The file is not text in UTF-8 or GB18030, nor in another encoding accepted (%(accepted)s), "
                "or its encoding cannot be told with confidence. Save it as CSV UTF-8, or as Excel (.xlsx)."
            )
            % {"accepted": accepted}
        ) from None


def _count_lines(stream: IO[bytes]) -> int:
    lines, last = 0, b""
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk
    stream.seek(0)
    return lines + (1 if last and not last.endswith(b"\n") else 0)


def _csv_source(stream: IO[bytes]) -> Source:
    estimate = max(0, _count_lines(stream) - 1)
    head = stream.read(SNIFF_BYTES + 1)
    stream.seek(0)
    encoding = _encoding_of(head[:SNIFF_BYTES], complete=len(head) <= SNIFF_BYTES)
    closers: list[Any] = []
    if encoding in ("utf-16", "utf-32"):  # lines cannot be cut at b"\n": decode the stream as a whole
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        closers.append(text.detach)
        lines: Iterator[str] = _guarded_text(text, encoding)
    else:
        lines = _decoded_lines(stream, encoding)
    first_line = next(lines, "")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(itertools.chain([first_line], lines), delimiter=delimiter)
    numbered = _guarded(_numbered(reader))
    columns, rows = _spreadsheet_rows(
        numbered,
        no_heading=_("No heading row found: the first row must head the columns, as in the template."),
    )
    return Source(Format.CSV, columns, estimate, rows, closers=closers)


def _decoded_lines(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """The file's lines as text, each decoded on its own so that a bad byte is reported with its line."""
    for number, line in enumerate(stream, start=1):
        try:
            yield line.decode(encoding)
        except UnicodeDecodeError:
            raise FileProblem(_unreadable(number, encoding)) from None


def _guarded_text(text: IO[str], encoding: str) -> Iterator[str]:
    number = 0
    try:
        for number, line in enumerate(text, start=1):  # noqa: B007 (read in the handler)
            yield line
    except UnicodeDecodeError:
        raise FileProblem(_unreadable(number + 1, encoding)) from None


def _unreadable(line: int, encoding: str) -> str:
    return _(
        "Line %(line)d of the file is not readable as %(encoding)s text; save the whole file as CSV UTF-8."
    ) % {"line": line, "encoding": encoding.removesuffix("-sig").upper()}


def _guarded(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows, turning a CSV error part-way through into a FileProblem naming the row."""
    number = 0
    try:
        for number, cells in rows:
            yield number, cells
    except csv.Error as error:
        raise FileProblem(
            _("Row %(row)d is not readable as CSV: %(error)s.") % {"row": number + 1, "error": error}
        ) from None


# Excel


def _xlsx_source(stream: IO[bytes]) -> Source:
    from openpyxl import load_workbook

    try:
        size = xlsx.check_workbook(stream, XLSX_LIMITS)
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except xlsx.WorkbookTooLarge as too_large:
        raise FileProblem(too_large.message) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise FileProblem(
            _("The file is not a readable Excel workbook (.xlsx): %(error)s") % {"error": error}
        ) from None
    except Exception as error:  # openpyxl raises several kinds for a damaged or foreign file
        raise FileProblem(
            _("The file is not a readable Excel workbook (.xlsx): %(error)s")
            % {"error": type(error).__name__}
        ) from None
    for sheet in workbook.worksheets:
        numbered = _numbered(sheet.iter_rows(values_only=True))
        try:
            columns, rows = _spreadsheet_rows(numbered, no_heading="")
        except FileProblem as problem:
            if problem.message:
                workbook.close()
                raise
            continue
        counted = size.rows.get(str(getattr(sheet, "_worksheet_path", "")).lstrip("/"), 0)
        estimate = max(0, max(_max_row(sheet), counted) - 1)
        return Source(Format.XLSX, columns, estimate, rows, closers=[workbook.close])
    workbook.close()
    raise FileProblem(
        _(
            "No sheet of the workbook has a heading row: the first row must head the columns, as in the template."
        )
    )


def _max_row(sheet: Any) -> int:
    """The sheet's last row as its dimension says; counted when a tool left the dimension out, so that a large
    file is not taken for a small one (and run in the request)."""
    if not isinstance(sheet.max_row, int):
        sheet.calculate_dimension(force=True)
    return sheet.max_row if isinstance(sheet.max_row, int) else 0


# JSON


def _json_source(stream: IO[bytes]) -> Source:
    data = stream.read()
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileProblem(_("The JSON file is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise FileProblem(
            _("The file is not valid JSON (line %(line)d, column %(column)d: %(error)s).")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from None
    except RecursionError:
        raise _too_deep() from None
    if _depth_over(document, JSON_MAX_DEPTH):
        raise _too_deep()
    items = json_items(document)
    return Source(Format.JSON, [], len(items), _json_rows(items))


def _too_deep() -> FileProblem:
    return FileProblem(
        _(
            "The JSON nests lists and objects more than %(limit)d levels deep; a report of certificates needs "
            "at most five."
        )
        % {"limit": JSON_MAX_DEPTH}
    )


def _depth_over(document: Any, limit: int) -> bool:
    """Whether the document nests deeper than ``limit``, walked without recursion."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value)
    return False


def json_items(document: Any) -> list[Any]:
    """The reports of a JSON document: a list of objects, or an object whose ``certificates`` is one."""
    if isinstance(document, dict) and isinstance(document.get("certificates"), list):
        items: list[Any] = document["certificates"]
        return items
    if isinstance(document, list):
        return document
    raise FileProblem(
        _('The JSON must be a list of certificates, or an object with the list under "certificates".')
    )


def _json_rows(items: list[Any]) -> Iterator[Row]:
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield (
                number,
                {},
                [RowError(number, "", "not_an_object", _("Each certificate must be a JSON object."))],
            )
            continue
        raw: RawRow = {}
        problems: list[RowError] = []
        for key, value in item.items():
            name = field_of(key)
            if name is None:
                problems.append(
                    RowError(
                        number,
                        str(key)[:64],
                        "unknown_field",
                        _("%(key)s is not a field of a certificate report.") % {"key": str(key)[:64]},
                    )
                )
            elif value is not None and value != "":
                raw[name] = value
        yield number, raw, problems + control_characters(number, raw)
