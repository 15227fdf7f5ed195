"""The plan's tables write what people typed as text: no cell opens as a formula, whatever it starts with."""

from __future__ import annotations

import io

import openpyxl

from certis.governance.files.excel import _write_cell

RISKY = ["=已完成40%", "+1", "-2+3", "@SUM(A1)", "\t=1"]


def test_text_starting_like_a_formula_is_written_as_text() -> None:
    book = openpyxl.Workbook()
    for row, value in enumerate(RISKY, start=1):
        _write_cell(book.active, row, 1, value)
    out = io.BytesIO()
    book.save(out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    cells = [sheet.cell(row=row, column=1) for row in range(1, len(RISKY) + 1)]
    assert [cell.data_type for cell in cells] == ["s"] * len(RISKY)
    assert [cell.value for cell in cells] == RISKY
    assert all(cell.quotePrefix for cell in cells)  # Excel keeps it text when the cell is edited
