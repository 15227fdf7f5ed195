"""In Chromium: a new certification body applies online, an official approves it, and the public finds it in
the register. The stages between (acceptance, review, issue) go through the services, as staff would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from certis.accounts.models import User
from certis.bodies.applications import services
from certis.bodies.models import Application, Body
from certis.bodies.register import services as register
from certis.core.testing import log_in

from .fixtures import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_body_applies_an_official_approves_and_the_public_finds_it(
    live_server: Any,
    app_applicant: User,
    app_staff: User,
    app_official: User,
    app_reviewer: User,
    browser: Any,
) -> None:
    page = log_in(browser, live_server.url, app_applicant)
    page.goto(f"{live_server.url}/applications/new/")
    form = page.locator("#new-application")
    form.locator("select[name=kind]").select_option("approval")
    form.locator("input[name=name]").fill("新锐认证有限公司")
    form.locator("input[name=uscc]").fill(make_uscc("91110000MA01ABCD1"))
    form.locator("input[name=address]").fill("北京市海淀区中关村大街1号")
    form.locator("input[name=region]").fill("北京")
    form.locator("textarea[name=scope]").fill("management_system | 质量管理体系 | GB/T 19001-2016")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#stage").count() == 1, page.content()

    application = Application.objects.get()
    body = application.body
    assert body.status == Body.Status.APPLYING
    services.accept_application(acting_user=app_staff, application=application)
    services.assign_reviewer(acting_user=app_staff, application=application, reviewer=app_reviewer)
    services.record_findings(
        acting_user=app_reviewer,
        application=application,
        findings="文件齐全，人员满足要求。",
        conclusion="conforms",
    )
    services.complete_review(acting_user=app_staff, application=application)
    today = dt.date.today()
    register.record_accreditation(
        acting_user=app_staff,
        body=body,
        accreditation_body="中国合格评定国家认可委员会",
        number="CNAS C999-M",
        scope="质量管理体系",
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=3 * 365),
    )

    official = log_in(browser, live_server.url, app_official)
    official.goto(f"{live_server.url}/applications/{application.pk}/")
    decide = official.locator("#act-decide")
    decide.locator("input[name=outcome][value=approve]").check()
    decide.locator("textarea[name=reasons]").fill("技术评审符合要求，准予批准。")
    decide.locator("button[type=submit]").click()
    official.wait_for_load_state()
    assert official.locator("#decision").count() == 1

    application.refresh_from_db()
    assert application.stage == Application.Stage.ISSUING
    services.issue_approval(acting_user=app_staff, application=application)
    services.publish_approval(acting_user=app_staff, application=application)
    number = Body.objects.get(pk=body.pk).number
    assert number and number.startswith("CNCA-R-")

    public = browser.new_page()
    public.goto(
        f"{live_server.url}/register/bodies/?q=新銳認證"
    )  # traditional script finds the simplified name
    row = public.locator("tbody tr", has_text="新锐认证有限公司")
    assert row.count() == 1
    assert number in row.inner_text()
