"""The pages: the catalogue on a day, its changes, a product, the HS search, self-declarations, and the
customs officer's check of an uploaded declaration (Excel from the template, CSV in GB 18030), with every bad
input answered on the page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from certis.catalogue.models import ImportCheck, Product, SelfDeclaration
from certis.core.testing import client_for

from .conftest import MAKER_USCC, CatWorld

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def english(user: Any = None) -> Any:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_catalogue_page_shows_the_catalogue_of_the_day_asked(cat_catalogue: dict[str, Product]) -> None:
    page = english().get(reverse("catalogue:index"), {"on": "2018-06-10"}).content.decode()
    assert 'data-code="0507"' in page and "The CCC catalogue on 2018-06-10" in page
    assert (
        'data-code="0507"'
        not in english().get(reverse("catalogue:index"), {"on": "2018-06-11"}).content.decode()
    )
    bad = english().get(reverse("catalogue:index"), {"on": "2018-13-40"})
    assert bad.status_code == 400 and b"Enter a valid date" in bad.content


def test_the_changes_page_lists_what_changed(cat_catalogue: dict[str, Product]) -> None:
    page = (
        english()
        .get(reverse("catalogue:changes"), {"start": "2018-01-01", "end": "2020-06-01"})
        .content.decode()
    )
    assert (
        'data-code="0302" data-change="changed"' in page and 'data-code="0507" data-change="removed"' in page
    )
    assert english().get(reverse("catalogue:changes"), {"start": "x"}).status_code == 400


def test_a_products_page_shows_its_history_and_hs_codes(cat_catalogue: dict[str, Product]) -> None:
    page = english().get(reverse("catalogue:product", args=["1606"])).content.decode()
    assert "8517.1210.00" in page and "8517.1300.00" in page
    assert english().get(reverse("catalogue:product", args=["9999"])).status_code == 404


def test_the_hs_search_answers_codes_names_and_nonsense(cat_catalogue: dict[str, Product]) -> None:
    page = english().get(reverse("catalogue:hs_search"), {"q": "電飯鍋"}).content.decode()
    assert 'data-hs="8516601000"' in page
    nothing = english().get(reverse("catalogue:hs_search"), {"q": "9999"}).content.decode()
    assert "need no CCC" in nothing
    assert english().get(reverse("catalogue:hs_search"), {"q": "a\x00b"}).status_code == 400


def test_the_regulator_records_an_adjustment_on_the_page(cat_world: CatWorld) -> None:
    client = english(cat_world.supervisor)
    form = {
        "kind": "change_route",
        "code": "0718",
        "effective_on": "2027-01-01",
        "route": "either",
        "reason": "风险降低",
        "notice": "市场监管总局公告2026年第1号",
    }
    assert client.post(reverse("catalogue:adjust"), form).status_code == 302
    again = client.post(reverse("catalogue:adjust"), form)
    assert again.status_code == 400 and b"last changed on 2027-01-01" in again.content
    missing = client.post(reverse("catalogue:adjust"), form | {"code": "9999"})
    assert missing.status_code == 400 and b"No product of the catalogue has the code 9999" in missing.content
    added = client.post(reverse("catalogue:adjust"), form | {"kind": "add", "code": "0720", "category": ""})
    assert added.status_code == 400 and b"Choose the category" in added.content


def test_a_maker_declares_cancels_and_hides_on_the_pages(cat_world: CatWorld) -> None:
    client = english(cat_world.maker)
    form = {
        "product": "0302",
        "models": "MY-X1; MY-X2",
        "standards": "GB/T 14048.2-2020",
        "test_report_number": "WT2026-0100",
        "lab": cat_world.lab.pk,
        "declarant_name": "李明",
        "is_public": "on",
    }
    response = client.post(reverse("catalogue:new_declaration"), form)
    assert response.status_code == 302
    made = SelfDeclaration.objects.latest("id")
    assert response["Location"] == reverse("catalogue:declaration", args=[made.number])
    refused = client.post(reverse("catalogue:new_declaration"), form | {"product": "0718"})
    assert refused.status_code == 400 and b"Select a valid choice" in refused.content
    unknown = client.post(reverse("catalogue:new_declaration"), form | {"standards": "GB 1-1"})
    assert unknown.status_code == 400 and b"Unknown standard: GB 1-1" in unknown.content
    client.post(reverse("catalogue:declaration_visibility", args=[made.number]), {"is_public": "0"})
    client.post(reverse("catalogue:cancel_declaration", args=[made.number]), {"reason": "型号停产"})
    made.refresh_from_db()
    assert (made.is_public, made.status) == (False, "cancelled")
    again = client.post(
        reverse("catalogue:cancel_declaration", args=[made.number]), {"reason": "再次"}, follow=True
    )
    assert b"that is final" in again.content


def test_the_lookup_finds_public_declarations_only(cat_world: CatWorld) -> None:
    valid = cat_world.declarations["valid"].number
    assert (
        english().get(reverse("catalogue:declaration_lookup"), {"number": valid.lower()}).status_code == 302
    )
    hidden = english().get(
        reverse("catalogue:declaration_lookup"), {"number": cat_world.declarations["hidden"].number}
    )
    assert hidden.status_code == 404 and b"No public self-declaration" in hidden.content


def workbook(rows: list[list[Any]], headings: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["进口申报单 2026-03"])  # a title above the headings
    sheet.append(
        headings or ["商品编号", "商品名称", "规格型号", "数量", "证书编号", "收货人统一社会信用代码"]
    )
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def check(client: Any, content: bytes, name: str, **data: Any) -> Any:
    upload = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(
        reverse("catalogue:import_checks"), {"file": upload, "declared_on": "2026-03-02", **data}
    )


def test_an_officer_checks_an_uploaded_excel_declaration(cat_world: CatWorld) -> None:
    client = english(cat_world.officer)
    content = workbook(
        [
            [8516601000, "电饭锅", "MY-FB40A", 200, "2025010718000001", MAKER_USCC],
            ["8516.6010.00", "電飯鍋", "MY-FB30A", 10, "2025010718000002", MAKER_USCC],
            ["8471300000", "笔记本电脑", "X1", 5, None, MAKER_USCC],
            [None, None, None, None, None, None],
            ["8536200000", "断路器", "MY-B32", 100, cat_world.declarations["valid"].number, MAKER_USCC],
        ]
    )
    response = check(client, content, "申报单.xlsx", reference="530120260000000001")
    assert response.status_code == 302
    stored = ImportCheck.objects.get()
    assert (stored.source, stored.file_name, stored.line_count) == ("excel", "申报单.xlsx", 4)
    page = client.get(response["Location"]).content.decode()
    for line, verdict in ((1, "covered"), (2, "invalid"), (3, "not_in_catalogue"), (4, "covered")):
        assert f'data-line="{line}" data-verdict="{verdict}"' in page
    assert "suspended since 2026-01-15" in page


def test_the_template_comes_back_as_it_went(cat_world: CatWorld) -> None:
    response = english().get(reverse("catalogue:import_template"))
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.cell(row=1, column=1).value == "HS code" and sheet.row_dimensions[2].hidden
    sheet.append(["8516601000", "电饭锅", "MY-FB40A", 1, "2025010718000001", MAKER_USCC])
    output = io.BytesIO()
    book.save(output)
    response = check(english(cat_world.officer), output.getvalue(), "template.xlsx")
    assert response.status_code == 302
    assert ImportCheck.objects.get().lines.get().verdict == "covered"


def test_a_gb18030_csv_and_pasted_lines_are_checked_too(cat_world: CatWorld) -> None:
    client = english(cat_world.officer)
    text = f"商品编号,商品名称,证书编号,收货人统一社会信用代码\n8516601000,電飯鍋,2025010718000001,{MAKER_USCC}\n"
    upload = SimpleUploadedFile("申报.csv", text.encode("gb18030"), content_type="text/csv")
    assert (
        client.post(
            reverse("catalogue:import_checks"), {"file": upload, "declared_on": "2026-03-02"}
        ).status_code
        == 302
    )
    pasted = f"8516601000\t电饭锅\tMY-FB40A\t1\t2025010718000001\t{MAKER_USCC}"
    assert (
        client.post(
            reverse("catalogue:import_checks"), {"lines": pasted, "declared_on": "2026-03-02"}
        ).status_code
        == 302
    )
    assert list(ImportCheck.objects.order_by("id").values_list("source", flat=True)) == ["excel", "form"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.xlsx", b"file is empty."),
        (b"\xd0\xcf\x11\xe0rest", "old.xls", b"old Excel file (.xls)"),
        (b"PK\x03\x04broken", "broken.xlsx", b"cannot be read as an Excel workbook"),
        ("名称,数量\n电饭锅,1\n".encode(), "no-hs.csv", b"No column headed"),
        ("HS编码\n".encode(), "only-headings.csv", b"headings but no lines"),
    ],
)
def test_an_unreadable_file_is_answered_on_the_page(
    cat_world: CatWorld, content: bytes, name: str, message: bytes
) -> None:
    response = check(english(cat_world.officer), content, name)
    assert response.status_code == 400 and message in response.content
    assert ImportCheck.objects.count() == 0


def test_a_form_with_nothing_to_check_says_so(cat_world: CatWorld) -> None:
    response = english(cat_world.officer).post(reverse("catalogue:import_checks"), {"lines": "  "})
    assert response.status_code == 400 and b"Upload the declaration or paste its lines." in response.content


def test_too_many_lines_are_refused_whole(cat_world: CatWorld) -> None:
    content = workbook([["8516601000", "电饭锅", "A", 1, "", MAKER_USCC]] * 2001)
    response = check(english(cat_world.officer), content, "big.xlsx")
    assert response.status_code == 400 and b"at most 2000 are checked at once" in response.content


def test_the_regulator_moves_a_firm_into_the_trusted_class(cat_world: CatWorld) -> None:
    client = english(cat_world.supervisor)
    response = client.post(
        reverse("catalogue:trust"), {"uscc": MAKER_USCC.lower(), "trusted": "1", "reason": "A类企业"}
    )
    assert response.status_code == 302
    cat_world.maker_holder.refresh_from_db()
    assert cat_world.maker_holder.trusted
    again = client.post(reverse("catalogue:trust"), {"uscc": MAKER_USCC, "trusted": "1", "reason": "A类企业"})
    assert again.status_code == 400 and b"in the trusted class already" in again.content
    unknown = client.post(
        reverse("catalogue:trust"), {"uscc": "91110000MA01ABCD1X", "trusted": "1", "reason": "x"}
    )
    assert unknown.status_code == 400
