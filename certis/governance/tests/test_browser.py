"""In Chromium: a department reports progress on its task, and the office sees it on the dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from certis.accounts.models import User
from certis.core.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_department_reports_progress_and_office_sees_it_on_the_dashboard(
    live_server: Any, plan: Any, lead_staff: User, office: User, browser: Any
) -> None:
    page = log_in(browser, live_server.url, lead_staff)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(f"{live_server.url}/plans/{plan.pk}/tasks/1/")
    form = page.locator("#report-form")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("input[name=percent_complete]").fill("45")
    form.locator("textarea[name=text]").fill("已完成质量管理工具箱框架设计。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已完成质量管理工具箱框架设计。" in page.content()

    office_page = log_in(browser, live_server.url, office)
    office_page.goto(f"{live_server.url}/plans/{plan.pk}/dashboard/")
    unit_row = office_page.locator("table.chart-table tr", has_text="認可部")
    assert unit_row.count() == 1
    assert "in_progress" in unit_row.locator("svg.bar rect.seg-in_progress").first.get_attribute("class")
    office_page.goto(f"{live_server.url}/plans/{plan.pk}/")
    task_row = office_page.locator("tbody tr", has=office_page.locator("td.num", has_text="1")).first
    assert task_row.locator(".progress span").get_attribute("style") == "width: 45%"
