"""In Chromium: a customs officer downloads the template, fills it in, uploads the declaration and reads the
verdict of each line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from openpyxl import load_workbook

from certis.core.testing import log_in

from .conftest import MAKER_USCC, CatWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_uploads_an_excel_declaration_and_sees_the_verdicts(
    live_server: Any, cat_world: CatWorld, browser: Any, tmp_path: Path
) -> None:
    page = log_in(browser, live_server.url, cat_world.officer)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/catalogue/import-checks/")
    with page.expect_download() as download_info:
        page.click("#template-link")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    book = load_workbook(template)
    sheet = book.worksheets[0]
    sheet.append(["8516.6010.00", "电饭锅", "MY-FB40A", 200, "2025010718000001", MAKER_USCC])
    sheet.append(["8516601000", "電飯鍋", "MY-FB30A", 10, "2025010718000002", MAKER_USCC])
    sheet.append(["8516601000", "电饭锅", "MY-FB30A", 10, "", MAKER_USCC])
    sheet.append(["8471.3000.00", "笔记本电脑", "T14", 5, "", MAKER_USCC])
    sheet.append(["8516.60", "电饭锅", "MY-FB30A", 10, "2025010718000001", MAKER_USCC])
    declaration = tmp_path / "申报单.xlsx"
    book.save(declaration)

    form = page.locator("#check-form")
    form.locator("input[name=reference]").fill("530120260000009999")
    form.locator("input[name=declared_on]").fill("2026-03-02")
    form.locator("input[name=file]").set_input_files(str(declaration))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#verdicts")

    rows = page.locator("#verdicts tbody tr")
    assert rows.count() == 5
    verdicts = [
        (rows.nth(i).get_attribute("data-verdict"), rows.nth(i).get_attribute("data-reason"))
        for i in range(5)
    ]
    assert verdicts == [
        ("covered", "certificate_valid"),
        ("invalid", "suspended"),
        ("missing", "no_document"),
        ("not_in_catalogue", "hs_not_in_catalogue"),
        ("invalid", "bad_hs_code"),
    ]
    assert "suspended since 2026-01-15" in rows.nth(1).inner_text()
    assert page.locator("#summary").get_attribute("data-lane") == "before_release"
    assert page.locator("[data-count=invalid]").inner_text() == "2"

    page.click("a[href='?verdict=invalid']")
    page.wait_for_load_state()
    assert page.locator("#verdicts tbody tr").count() == 2
