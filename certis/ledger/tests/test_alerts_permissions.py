"""The alerts page: the regulator's supervisors and auditors may; a body's staff and visitors may not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certis.accounts.models import Membership, Organisation
from certis.core.testing import LOGIN, answer, client_for, person
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


def test_an_auditor_sees_the_alerts(regulator: Organisation) -> None:
    assert (
        answer(
            client_for(person("auditor", regulator, Membership.Role.AUDITOR)).get(
                reverse("ledger:alert_list")
            )
        )
        == 200
    )


def test_a_body_s_supervisor_may_not(body_organisation: Organisation) -> None:
    user = person("body-supervisor", body_organisation, Membership.Role.SUPERVISOR)
    assert answer(client_for(user).get(reverse("ledger:alert_list"))) == 403


def test_a_visitor_is_asked_to_log_in() -> None:
    assert answer(client_for(None).get(reverse("ledger:alert_list"))) == LOGIN


def test_the_page_speaks_chinese_first(regulator: Organisation) -> None:
    LogAlert.objects.create(kind=LogAlert.Kind.ENTRY, position="entry 1", message="…")
    html = client_for(person("supervisor", regulator, Membership.Role.SUPERVISOR)).get(
        reverse("ledger:alert_list")
    )
    assert "公开账本告警" in html.content.decode() and "条目与已签名的哈希不符" in html.content.decode()
