"""Who gets what on every page and endpoint of the applications: one table, one row per endpoint, one column
per person, each asked on the same data (whatever one person's request changes is rolled back).

The application is in technical review, with ``reviewer`` assigned and ``other_reviewer`` not; ``applicant``
is a manager of the applying body, ``outsider`` a manager of another certification body. Expected answers: a
status code, or ``LOGIN`` for a redirect to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from ninja.testing import TestClient

from certis.accounts.models import Organisation, User
from certis.accounts.services import issue_api_token
from certis.bodies.applications import services
from certis.bodies.applications.api import router
from certis.bodies.models import Application
from certis.core.testing import LOGIN, client_for
from certis.core.testing.permissions import Row, answers, assert_answers

from .fixtures import (
    Cast,
    accredit,
    at,
    pdf,
    submit_new_body,
)

PEOPLE = ["staff", "official", "reviewer", "other_reviewer", "applicant", "outsider", "anonymous"]
FIXTURES = {
    "staff": "app_staff",
    "official": "app_official",
    "reviewer": "app_reviewer",
    "other_reviewer": "app_other_reviewer",
    "applicant": "app_applicant",
    "outsider": "app_outsider",
}


@dataclass
class World:
    application: Application
    version_id: int
    cast: Cast


@pytest.fixture
def world(app_cast: Cast, app_applicant: User, app_new_body: Organisation, app_other_reviewer: User) -> World:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    application = services.accept_application(
        acting_user=app_cast.staff, application=application, now=at("2026-03-03")
    )
    services.assign_reviewer(acting_user=app_cast.staff, application=application, reviewer=app_cast.reviewer)
    version = application.documents.get(title="章程").versions.get()
    return World(application=application, version_id=version.pk, cast=app_cast)


def who(
    staff: Any,
    official: Any,
    reviewer: Any,
    other_reviewer: Any,
    applicant: Any,
    outsider: Any,
    anonymous: Any,
) -> dict[str, Any]:
    return dict(
        zip(PEOPLE, (staff, official, reviewer, other_reviewer, applicant, outsider, anonymous), strict=True)
    )


def app_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"applications:{name}", args=[w.application.pk])


SEES = who(200, 200, 200, 404, 200, 404, LOGIN)
STAFF_ACTS = who(302, 403, 403, 404, 403, 404, LOGIN)
WRONG_STAGE_FOR_STAFF = who(400, 403, 403, 404, 403, 404, LOGIN)

ROWS: list[Row[World]] = [
    Row("list", "get", lambda w: reverse("applications:application_list"), who(*[200] * 6, LOGIN)),
    Row(
        "new application page",
        "get",
        lambda w: reverse("applications:new_application"),
        who(403, 403, 403, 403, 200, 200, LOGIN),  # the outsider applies for their own body
    ),
    Row("detail", "get", app_url("application_detail"), SEES),
    Row(
        "document download",
        "get",
        lambda w: reverse("applications:document_version", args=[w.version_id]),
        SEES,
    ),
    Row(
        "approval document before issue",
        "get",
        app_url("approval_document"),
        who(404, 404, 404, 404, 404, 404, LOGIN),
    ),
    Row(
        "figures",
        "get",
        lambda w: reverse("applications:figures"),
        who(200, 200, 403, 403, 403, 403, LOGIN),
    ),
    Row("accept POST", "post", app_url("accept"), WRONG_STAGE_FOR_STAFF),
    Row("return POST", "post", app_url("return"), STAFF_ACTS, data=lambda w: {"missing": "现场评审补充材料"}),
    Row(
        "upload POST",
        "post",
        app_url("upload"),
        who(
            302, 403, 403, 404, 400, 404, LOGIN
        ),  # the applicant uploads only before acceptance or when asked
        data=lambda w: {"title": "补充材料", "file": pdf()},
    ),
    Row(
        "assign reviewer POST",
        "post",
        app_url("assign_reviewer"),
        STAFF_ACTS,
        data=lambda w: {"reviewer": User.objects.get(username="app_pingshen2").pk},
    ),
    Row(
        "findings POST",
        "post",
        app_url("record_findings"),
        who(403, 403, 302, 404, 403, 404, LOGIN),
        data=lambda w: {"conclusion": "conforms", "findings": "符合"},
    ),
    Row("complete review POST", "post", app_url("complete_review"), WRONG_STAGE_FOR_STAFF),
    Row(
        "decide POST",
        "post",
        app_url("decide"),
        who(403, 400, 403, 404, 403, 404, LOGIN),
        data=lambda w: {"outcome": "approve", "reasons": "符合"},
    ),
    Row("issue POST", "post", app_url("issue"), WRONG_STAGE_FOR_STAFF),
    Row("publish POST", "post", app_url("publish"), WRONG_STAGE_FOR_STAFF),
    Row("supplement POST", "post", app_url("supplement"), who(403, 403, 403, 404, 400, 404, LOGIN)),
    Row(
        "withdraw POST",
        "post",
        app_url("withdraw"),
        who(403, 403, 403, 404, 302, 404, LOGIN),
        data=lambda w: {"reason": "暂缓"},
    ),
    Row(
        "accreditation POST",
        "post",
        app_url("record_accreditation"),
        STAFF_ACTS,
        data=lambda w: {
            "accreditation_body": "CNAS",
            "number": "CNAS C999-M",
            "scope": "",
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
        },
    ),
]


@pytest.fixture
def clients(request: pytest.FixtureRequest, world: World) -> dict[str, Client]:
    """Everyone logged in before the table is asked, whose savepoints would otherwise undo them."""
    users = {name: client_for(request.getfixturevalue(fixture)) for name, fixture in FIXTURES.items()}
    return users | {"anonymous": Client()}


@pytest.mark.django_db
def test_each_person_gets_the_answer_the_rules_give(clients: dict[str, Client], world: World) -> None:
    assert_answers(ROWS, clients, world)


@pytest.mark.django_db
def test_the_approval_document_once_issued_is_for_those_who_see_the_application(
    clients: dict[str, Client], world: World
) -> None:
    cast, application = world.cast, world.application
    accredit(cast.staff, application.body)
    services.record_findings(
        acting_user=cast.reviewer, application=application, findings="符合", conclusion="conforms"
    )
    services.complete_review(acting_user=cast.staff, application=application)
    services.decide(acting_user=cast.official, application=application, outcome="approve", reasons="符合")
    services.issue_approval(acting_user=cast.staff, application=application)
    assert_answers([Row("approval document", "get", app_url("approval_document"), SEES)], clients, world)


@pytest.mark.django_db
def test_reviewers_list_only_the_applications_assigned_to_them(
    world: World, app_other_reviewer: User, app_outsider: User
) -> None:
    url = reverse("applications:application_list")
    listed = lambda user: [a.reference for a, _clock in client_for(user).get(url).context["rows"]]  # noqa: E731
    assert listed(world.cast.reviewer) == [world.application.reference]
    assert listed(app_other_reviewer) == []
    assert listed(app_outsider) == []
    assert listed(world.cast.staff) == listed(world.cast.official) == [world.application.reference]


@pytest.mark.django_db
def test_asking_everyone_leaves_the_application_as_it_was(clients: dict[str, Client], world: World) -> None:
    withdraw = next(row for row in ROWS if row.name == "withdraw POST")
    assert answers(withdraw, clients, world)["applicant"] == 302
    world.application.refresh_from_db()
    assert world.application.stage == Application.Stage.REVIEW


# --- API -----------------------------------------------------------------------------------------------------


def bearer(user: User) -> dict[str, str]:
    _token, secret = issue_api_token(acting_user=user, organisation=user.organisations.get(), name="系统")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
def test_the_api_answers_the_tokens_organisation_only(
    world: World, app_applicant: User, app_outsider: User
) -> None:
    client, reference = TestClient(router), world.application.reference
    own, other = bearer(app_applicant), bearer(app_outsider)
    got = {
        "list": (
            [item["reference"] for item in client.get("", headers=own).json()["items"]],
            [item["reference"] for item in client.get("", headers=other).json()["items"]],
            client.get("").status_code,
        ),
        "get": (
            client.get(f"/{reference}", headers=own).status_code,
            client.get(f"/{reference}", headers=other).status_code,
            client.get(f"/{reference}").status_code,
        ),
        "upload": (
            client.post(
                f"/{reference}/documents", data={"title": "x"}, FILES={"file": pdf()}, headers=own
            ).status_code,
            client.post(
                f"/{reference}/documents", data={"title": "x"}, FILES={"file": pdf()}, headers=other
            ).status_code,
            client.post(f"/{reference}/documents", data={"title": "x"}, FILES={"file": pdf()}).status_code,
        ),
        "submit": (client.post("", json={"kind": "renewal"}).status_code,),
    }
    assert got == {
        "list": ([reference], [], 401),
        "get": (200, 404, 401),
        "upload": (400, 404, 401),  # the applicant's own, but in review: not the stage for uploads
        "submit": (401,),
    }
