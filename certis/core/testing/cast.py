"""The cast every page and endpoint is tested with, built once per test from the seed notice.

- ``office``: leading-group office staff; ``leader``: a leading-group member; ``auditor``;
- ``lead_staff``: staff of 认可部, lead unit of tasks 1–5; ``support_staff``: staff of 法律部, which supports
  task 1; ``outsider``: staff of 财务部, which has no part in task 1; the anonymous visitor is ``client``;
- ``browser``: headless Chromium (Debian's), closed before the live server stops.

Registered by the root ``conftest.py`` through ``pytest_plugins``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from certis.accounts.models import Membership, Organisation, User

from . import CHROMIUM, SEED_NAME, person, unit

SEED = Path(__file__).resolve().parents[2] / "governance" / "seed" / SEED_NAME

# Playwright's sync API runs its own event loop in this thread; the test's ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def regulator(db: Any) -> Organisation:
    return Organisation.objects.create(name="国家认证认可监督管理委员会", kind=Organisation.Kind.REGULATOR)


@pytest.fixture
def plan(db: Any, seed_text: str, regulator: Organisation) -> Any:
    from certis.governance.files.notice import read_notice
    from certis.governance.services.plan_import import import_plan

    return import_plan(
        acting_user=None, notice=read_notice(seed_text), source_text=seed_text, issuer=regulator
    )


@pytest.fixture
def office(plan: Any, regulator: Organisation) -> User:
    return person("office", regulator, Membership.Role.PLAN_OFFICE)


@pytest.fixture
def leader(plan: Any, regulator: Organisation) -> User:
    return person("leader", regulator, Membership.Role.LEADING_GROUP)


@pytest.fixture
def auditor(regulator: Organisation) -> User:
    return person("auditor", regulator, Membership.Role.AUDITOR)


@pytest.fixture
def lead_staff(plan: Any) -> User:
    return person("renke", unit("认可部"))


@pytest.fixture
def support_staff(plan: Any) -> User:
    return person("falv", unit("法律部"))


@pytest.fixture
def outsider(plan: Any) -> User:
    return person("caiwu", unit("财务部"))


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """Headless Chromium, closed before the live server stops.

    List it after the fixtures that make the test's data, so that they use the test's own connection.
    """
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: run bin/setup --dev (it installs Debian's chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()
        # What the test did through the ORM after Playwright started ran on a connection of its own (Playwright
        # switches greenlets, and Django keeps connections per context): close it, or PostgreSQL cannot drop
        # the test database.
        connections.close_all()
