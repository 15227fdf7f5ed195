"""Customs declaration files built to hurt, or in a foreign encoding, get a clear answer on the import-check
page: never a 500, never text read in the wrong encoding."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certis.catalogue.files.declarations import (
    DeclarationFileProblem,
    read_declaration_file,
    template_workbook,
)
from certis.catalogue.models import ImportCheck
from certis.core.testing import client_for

from .conftest import MAKER_USCC, CatWorld


def check(user: Any, content: bytes, name: str) -> Any:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("catalogue:import_checks"), {"file": upload, "declared_on": "2026-03-02"})


def test_a_csv_field_longer_than_the_csv_limit_is_a_clear_error_not_a_500(cat_world: CatWorld) -> None:
    content = ("HS编码,商品名称\n8516601000," + "电" * 140_000 + "\n").encode()
    response = check(cat_world.officer, content, "long.csv")
    assert response.status_code == 400
    assert b"longer than 131,072 characters" in response.content
    assert ImportCheck.objects.count() == 0


def test_a_csv_field_just_under_the_limit_is_read() -> None:
    rows = read_declaration_file(
        io.BytesIO(("HS编码,商品名称\n8516601000," + "a" * 100_000 + "\n").encode()), "a.csv"
    )
    assert len(rows[0]["product_name"]) == 100_000


def test_a_big5_declaration_is_read_as_big5() -> None:
    text = f"HS編碼,商品名稱,收貨人統一社會信用代碼\n8516601000,電飯鍋,{MAKER_USCC}\n"
    rows = read_declaration_file(io.BytesIO(text.encode("big5")), "tw.csv")
    assert rows[0]["product_name"] == "電飯鍋"


@pytest.mark.parametrize("encoding", ["shift_jis", "utf-7"])
def test_a_shift_jis_or_utf7_declaration_is_refused(encoding: str) -> None:
    text = "HS,商品名\n8516601000,炊飯器ジャー\n"
    with pytest.raises(DeclarationFileProblem, match="cannot be told with confidence"):
        read_declaration_file(io.BytesIO(text.encode(encoding)), "jp.csv")


def test_a_workbook_that_unpacks_to_too_much_is_refused(cat_world: CatWorld) -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(80):
            part.write(b"A" * (1 << 20))
    response = check(cat_world.officer, out.getvalue(), "bomb.xlsx")
    assert response.status_code == 400 and b"unpacks to more than 64 MB" in response.content


def test_no_cell_of_the_template_is_a_formula() -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    assert not [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
