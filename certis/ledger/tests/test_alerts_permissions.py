"""The alerts page: the regulator's supervisors and auditors may; a body's staff and visitors may not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from certis.accounts.models import Membership, Organisation
from certis.core.testing import LOGIN, client_for, person
from certis.core.testing.permissions import Row, assert_answers
from certis.ledger.models import LogAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_organisation() -> Organisation:
    return Organisation.objects.create(name="中国质量认证中心", kind=Organisation.Kind.CERTIFICATION_BODY)


def test_a_supervisor_sees_the_alerts(regulator: Organisation) -> None:
    LogAlert.objects.create(kind=LogAlert.Kind.ENTRY, position="entry 42", message="Entry 42 changed.")
    response = client_for(person("supervisor", regulator, Membership.Role.SUPERVISOR)).get(
        reverse("ledger:alert_list")
    )
    assert response.status_code == 200
    assert "entry 42" in response.content.decode()


@pytest.fixture
def cast(regulator: Organisation, body_organisation: Organisation) -> dict[str, Client]:
    return {
        "supervisor": client_for(person("supervisor", regulator, Membership.Role.SUPERVISOR)),
        "auditor": client_for(person("auditor", regulator, Membership.Role.AUDITOR)),
        "body_supervisor": client_for(
            person("body-supervisor", body_organisation, Membership.Role.SUPERVISOR)
        ),
        "anonymous": client_for(None),
    }


ROWS: list[Row[None]] = [
    Row(
        "alerts",
        "get",
        lambda w: reverse("ledger:alert_list"),
        {"supervisor": 200, "auditor": 200, "body_supervisor": 403, "anonymous": LOGIN},
    ),
]


def test_the_regulator_s_supervisors_and_auditors_may_a_body_s_supervisor_may_not(
    cast: dict[str, Client],
) -> None:
    assert_answers(ROWS, cast, None)


def test_the_page_speaks_chinese_first(regulator: Organisation) -> None:
    LogAlert.objects.create(kind=LogAlert.Kind.ENTRY, position="entry 1", message="…")
    html = client_for(person("supervisor", regulator, Membership.Role.SUPERVISOR)).get(
        reverse("ledger:alert_list")
    )
    assert "公开账本告警" in html.content.decode() and "条目与已签名的哈希不符" in html.content.decode()
