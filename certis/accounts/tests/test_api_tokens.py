"""API tokens: a manager issues one for the organisation's systems; only its hash is kept."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from certis.accounts.models import ApiToken, Membership, Organisation, User
from certis.audit.models import AuditEvent, EventType
from certis.core.testing import client_for, person

WHOAMI = "/api/v1/whoami"


@pytest.fixture
def body(db: object) -> Organisation:
    return Organisation.objects.create(name="中国质量认证中心", kind=Organisation.Kind.CERTIFICATION_BODY)


@pytest.fixture
def manager(body: Organisation) -> User:
    return person("manager", body, Membership.Role.MANAGER)


def tokens_url(organisation: Organisation) -> str:
    return reverse("accounts:api_tokens", args=[organisation.pk])


def issue(manager: User, organisation: Organisation, name: str = "检测系统") -> str:
    response = client_for(manager).post(tokens_url(organisation), {"name": name})
    assert response.status_code == 200
    return response.context["secret"]


def whoami(secret: str) -> object:
    return Client().get(WHOAMI, headers={"authorization": f"Bearer {secret}"})


@pytest.mark.django_db
def test_a_manager_issues_a_token_shown_once_and_stored_as_its_hash(
    manager: User, body: Organisation
) -> None:
    client = client_for(manager)
    response = client.post(tokens_url(body), {"name": "检测系统"})
    secret = response.context["secret"]
    assert secret.startswith("ct_")
    assert secret in response.content.decode()

    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.organisation, token.created_by, token.name) == (body, manager, "检测系统")
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(secret in value for value in stored)

    later = client.get(tokens_url(body))
    assert secret not in later.content.decode()
    assert token.prefix in later.content.decode()


@pytest.mark.django_db
def test_the_token_identifies_its_organisation_to_the_api(manager: User, body: Organisation) -> None:
    response = whoami(issue(manager, body))
    assert response.status_code == 200
    assert response.json() == {
        "organisation": "中国质量认证中心",
        "organisation_kind": "certification_body",
        "token_name": "检测系统",
    }
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer ct_not-a-real-token", "Basic dXNlcjpwYXNz"])
def test_the_api_refuses_a_missing_or_wrong_token(
    manager: User, body: Organisation, header: str | None
) -> None:
    issue(manager, body)
    headers = {"authorization": header} if header else {}
    assert Client().get(WHOAMI, headers=headers).status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_is_refused(manager: User, body: Organisation) -> None:
    secret = issue(manager, body)
    token = ApiToken.objects.get()
    response = client_for(manager).post(reverse("accounts:revoke_api_token", args=[body.pk, token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert whoami(secret).status_code == 401


@pytest.mark.django_db
def test_a_token_of_a_deactivated_organisation_is_refused(manager: User, body: Organisation) -> None:
    secret = issue(manager, body)
    Organisation.objects.filter(pk=body.pk).update(is_active=False)
    assert whoami(secret).status_code == 401


@pytest.mark.django_db
def test_issuing_and_revoking_are_audited_without_the_secret(manager: User, body: Organisation) -> None:
    secret = issue(manager, body)
    token = ApiToken.objects.get()
    client_for(manager).post(reverse("accounts:revoke_api_token", args=[body.pk, token.pk]))
    client_for(manager).post(reverse("accounts:revoke_api_token", args=[body.pk, token.pk]))
    issued = AuditEvent.objects.get(event_type=EventType.API_TOKEN_ISSUED)
    revoked = AuditEvent.objects.get(event_type=EventType.API_TOKEN_REVOKED)
    for event in (issued, revoked):
        assert (event.actor, event.actor_organisation, event.target_id) == (manager, body, str(token.pk))
        assert secret not in str(event.data)
    assert issued.data["prefix"] == token.prefix


@pytest.mark.django_db
def test_staff_who_are_not_managers_may_not_open_the_token_page(body: Organisation, manager: User) -> None:
    staff = person("staff", body)
    client = client_for(staff)
    assert client.get(tokens_url(body)).status_code == 403
    assert client.post(tokens_url(body), {"name": "偷偷"}).status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_manager_of_another_organisation_may_not_issue_or_revoke(manager: User, body: Organisation) -> None:
    issue(manager, body)
    token = ApiToken.objects.get()
    other = Organisation.objects.create(name="某检测公司", kind=Organisation.Kind.LAB)
    stranger = client_for(person("stranger", other, Membership.Role.MANAGER))
    assert stranger.get(tokens_url(body)).status_code == 403
    assert stranger.post(reverse("accounts:revoke_api_token", args=[body.pk, token.pk])).status_code == 403
    assert stranger.post(reverse("accounts:revoke_api_token", args=[other.pk, token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(body: Organisation) -> None:
    response = Client().get(tokens_url(body))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
