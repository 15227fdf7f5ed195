"""Text written into spreadsheets (XLSX and CSV) so that it opens as text, never as a formula.

What people typed (a certificate number, a company name, a message quoting them) may start with ``=``, ``+``,
``-`` or ``@`` — or a tab or carriage return before one — which Excel and its kin take for a formula when the
file is opened ("CSV injection", OWASP). Every writer of a spreadsheet in Certis passes user text through here:

- XLSX: :func:`text_cell` stores such text as a string (``data_type`` "s", not "f") with the
  ``quotePrefix`` style, so that Excel shows it as text and keeps it text when the cell is edited;
- CSV: :func:`csv_text` prefixes it with a single quote, as OWASP advises, and :func:`csv_text_read` takes
  the quote off when Certis reads its own file back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    """Whether a spreadsheet could take this value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(cell: Any, value: Any = None) -> Any:
    """Put ``value`` in an openpyxl cell (a worksheet's or a ``WriteOnlyCell``); risky text stays text."""
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_sheet(sheet: Any) -> None:
    """Keep as text every risky value already in a (not write-only) worksheet."""
    for row in sheet.iter_rows():
        for cell in row:
            if is_risky(cell.value):
                text_cell(cell, cell.value)


def write_only_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row of ``WriteOnlyCell`` for ``sheet.append`` in a write-only workbook, risky text kept as text."""
    from openpyxl.cell import WriteOnlyCell

    return [text_cell(WriteOnlyCell(sheet), value) for value in values]


def csv_text(value: Any) -> Any:
    """A CSV cell's value: risky text behind a single quote; other values as they are."""
    return "'" + value if is_risky(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_text(value) for value in values]


def csv_text_read(value: str) -> str:
    """The text :func:`csv_text` wrote, without the quote it added."""
    return value[1:] if value.startswith("'") and is_risky(value[1:]) else value
