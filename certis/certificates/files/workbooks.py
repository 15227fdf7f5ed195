"""Excel workbooks of certificate reporting: the template of each scheme, and a report of bad rows.

The template's first row heads the columns in the language the page is read in (an asterisk marks the ones
the scheme requires); the second row, hidden, holds each column's field key, so that a file filled in one
language is read back whatever the headings say. Text columns are formatted as text, so that Excel keeps
the leading zeros of a certificate number and does not turn a USCC into a number; date columns as dates.
Text is written through ``core.spreadsheets.safe_text``, so that none of it (a number or message quoting what a body
typed) opens as a formula.
A second sheet explains each column.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from certis.bodies.models import Scheme
from certis.certificates.rules import DATE_FIELDS, MAX_LENGTHS
from certis.certificates.schemes import FIELDS, required_fields, template_fields
from certis.core.spreadsheets.safe_text import text_cell, text_sheet, write_only_row

FIRST_DATA_ROW = 3
TEMPLATE_ROWS = 500  # rows formatted in advance; the columns' own format covers the rows below
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
WIDE = {"holder_name", "holder_address", "product_models", "scope", "standards", "sites", "factory"}
EXCEL_MAX_ROWS = 1_048_576


def _notes() -> dict[str, str]:
    """How to fill each column, in the active language."""
    return {
        "number": _(
            "As printed on the certificate; unique within your body. Reporting a number again updates it."
        ),
        "scheme": _("The scheme's name or code (%(codes)s).") % {"codes": ", ".join(Scheme.values)},
        "holder_name": _("The holder's name as printed on the certificate."),
        "holder_uscc": _("18 characters, with the check character (GB 32100-2015)."),
        "holder_address": _("The holder's address as printed on the certificate."),
        "product": _("The product's name."),
        "product_code": _("The product's code in the CCC catalogue (for example 0705)."),
        "product_models": _("Separate several models with semicolons."),
        "trademark": _("The trademark, if any."),
        "manufacturer": _("Who makes the product."),
        "factory": _("Where it is made (name and address of the factory)."),
        "scope": _("The scope as printed on the certificate."),
        "standards": _("Codes with editions, separated by semicolons (GB/T 19001-2016; ISO 9001:2015)."),
        "mode": _(
            "The certification mode (for example type test + initial factory inspection + surveillance)."
        ),
        "sites": _("One site per line or separated by semicolons, each as: address: scope."),
        "first_issued_on": _(
            "A date, 2026-03-01; empty if the certificate was first issued on its issue date."
        ),
        "issued_on": _("A date, 2026-03-01."),
        "expires_on": _("A date, 2026-03-01; after the issue date."),
        "signatory": _("The registration number of the person who signed, registered with your body."),
    }


def template_workbook(scheme: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    names = template_fields(scheme)
    required = set(required_fields(scheme))
    notes = _notes()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Certificates")[:31]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    for column, name in enumerate(names, start=1):
        letter = get_column_letter(column)
        heading = text_cell(
            sheet.cell(row=1, column=column), str(FIELDS[name]) + (" *" if name in required else "")
        )
        heading.font, heading.fill = bold, fill
        heading.alignment = Alignment(wrap_text=True, vertical="top")
        heading.comment = Comment(f"{name}\n{notes[name]}", "Certis")
        text_cell(sheet.cell(row=2, column=column), name)
        number_format = DATE_FORMAT if name in DATE_FIELDS else TEXT_FORMAT
        sheet.column_dimensions[letter].width = 36 if name in WIDE else 20
        sheet.column_dimensions[letter].number_format = number_format
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + TEMPLATE_ROWS):
            sheet.cell(row=row, column=column).number_format = number_format
    sheet.row_dimensions[2].hidden = True
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    if "scheme" in names:
        column = get_column_letter(names.index("scheme") + 1)
        label = str(Scheme(scheme).label).replace(",", " ").replace('"', "")
        choices = DataValidation(
            type="list", formula1=f'"{scheme},{label}"', allow_blank=True, showErrorMessage=False
        )
        choices.add(f"{column}{FIRST_DATA_ROW}:{column}{FIRST_DATA_ROW + TEMPLATE_ROWS - 1}")
        sheet.add_data_validation(choices)
    _instructions(workbook.create_sheet(_("Instructions")[:31]), scheme, names, required, notes)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _instructions(
    sheet: Any, scheme: str, names: list[str], required: set[str], notes: dict[str, str]
) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([_("Certificates of %(scheme)s") % {"scheme": Scheme(scheme).label}])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        _(
            "Fill one certificate per row on the first sheet, from row 3; leave the headings and the hidden row 2 as they are."
        ),
        _("Fill the scheme column with %(code)s.") % {"code": scheme},
        _(
            "A file is applied whole or not at all: if any row has a problem, nothing is applied and you get a report of every bad row."
        ),
        _(
            "Reporting a certificate number again updates that certificate; withdrawn or cancelled certificates cannot be reported again."
        ),
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append([_("Column"), _("Field key"), _("Required"), _("Maximum length"), _("How to fill it")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name in names:
        limit = MAX_LENGTHS.get(name)
        sheet.append(
            [str(FIELDS[name]), name, _("yes") if name in required else _("no"), limit or "", notes[name]]
        )
    for letter, width in zip("ABCDE", (30, 18, 10, 14, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    text_sheet(sheet)


def errors_workbook(rows: Iterable[dict[str, Any]]) -> bytes:
    """The report of bad rows as a workbook (Excel's limit on rows cuts a very long report short)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Bad rows")[:31])
    bold = Font(bold=True)
    headings = [_("Row"), _("Field"), _("Column"), _("Reason code"), _("Message")]
    header = write_only_row(sheet, headings)
    for cell in header:
        cell.font = bold
    sheet.append(header)
    for count, row in enumerate(rows, start=2):
        if count > EXCEL_MAX_ROWS:
            break
        name = row["field"]
        sheet.append(
            write_only_row(
                sheet,
                [row["row"], name, str(FIELDS[name]) if name in FIELDS else "", row["code"], row["message"]],
            )
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
