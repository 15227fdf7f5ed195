"""Who gets what on every register page and endpoint: one row per page, one column per person.

- ``staff``: the regulator's approval staff, who keep the registers;
- ``official``: an approving official of the regulator: reads the masked identity numbers, keeps nothing;
- ``outsider``: a certification body's manager, of another organisation;
- ``cb_staff``: someone of a certification body who holds the approval-staff role there: the role counts
  only in the regulator's own organisations;
- ``admin``: a superuser; ``anonymous``: a visitor who has not logged in.

Expected answers: a status code, or ``LOGIN`` for a redirect to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import Membership, User
from certis.bodies.models import Body, Person
from certis.core.testing import LOGIN, client_for, person
from certis.core.testing.permissions import Row, answers, assert_answers, send_as_the_refused

from .api_urls import PREFIX
from .conftest import RegWorld, reg_identity_number

pytestmark = [pytest.mark.django_db, pytest.mark.urls("certis.bodies.tests.api_urls")]

PEOPLE = ["staff", "official", "outsider", "cb_staff", "admin", "anonymous"]


def who(
    staff: Any, official: Any, outsider: Any, cb_staff: Any, admin: Any, anonymous: Any
) -> dict[str, Any]:
    return dict(zip(PEOPLE, (staff, official, outsider, cb_staff, admin, anonymous), strict=True))


PUBLIC = who(200, 200, 200, 200, 200, 200)
KEEPERS_SEE = who(200, 403, 403, 403, 200, LOGIN)
KEEPERS_ACT = who(302, 403, 403, 403, 302, LOGIN)


@pytest.fixture
def cast(reg_world: RegWorld, reg_staff: User, reg_official: User, reg_outsider: User) -> dict[str, Client]:
    cb_staff = person("reg_cb_staff", reg_world.cqc.organisation, Membership.Role.APPROVAL_STAFF)
    admin = User.objects.create_superuser("reg_admin", password="pw-reg_admin")
    users = {"staff": reg_staff, "official": reg_official, "outsider": reg_outsider, "cb_staff": cb_staff}
    return {name: client_for(user) for name, user in users.items()} | {
        "admin": client_for(admin),
        "anonymous": Client(),
    }


def page(name: str, *args: str) -> Callable[[RegWorld], str]:
    return lambda w: reverse(f"register:{name}", args=args)


def of_person(name: str) -> Callable[[RegWorld], str]:
    return lambda w: reverse(f"register:{name}", args=[w.auditor.registration_number])


def today() -> str:
    return timezone.localdate().isoformat()


def body_status(w: RegWorld) -> str:
    return Body.objects.get(number="CNCA-R-2002-001").status


def new_person_exists(w: RegWorld) -> bool:
    return Person.objects.filter(registration_number="2019-N1EMS-2234567").exists()


ROWS: list[Row[RegWorld]] = [
    Row("register index", "get", page("index"), who(*[302] * 6)),
    Row("bodies", "get", page("body_list"), PUBLIC),
    Row("labs", "get", page("lab_list"), PUBLIC),
    Row("body page", "get", page("body_detail", "CNCA-R-2002-001"), PUBLIC),
    Row("lab page", "get", page("lab_detail", "160012050101"), PUBLIC),
    Row("withdrawn body page", "get", page("body_detail", "CNCA-R-2016-021"), PUBLIC),
    Row("personnel", "get", page("person_list"), PUBLIC),
    Row("person page", "get", of_person("person_detail"), PUBLIC),
    Row("API bodies", "get", lambda w: f"{PREFIX}/v1/register/bodies?q=认证", PUBLIC),
    Row("API body", "get", lambda w: f"{PREFIX}/v1/register/bodies/CNCA-R-2002-001", PUBLIC),
    Row("API personnel", "get", lambda w: f"{PREFIX}/v1/register/personnel", PUBLIC),
    Row(
        "API person",
        "get",
        lambda w: f"{PREFIX}/v1/register/personnel/{w.auditor.registration_number}",
        PUBLIC,
    ),
    Row("body status form", "get", page("change_body_status", "CNCA-R-2002-001"), KEEPERS_SEE),
    Row(
        "body status POST",
        "post",
        page("change_body_status", "CNCA-R-2002-001"),
        KEEPERS_ACT,
        data=lambda w: {"status": "suspended", "effective_on": today(), "reason": "暂停"},
        changes=body_status,
    ),
    Row("accreditation form", "get", page("record_accreditation", "CNCA-R-2002-001"), KEEPERS_SEE),
    Row(
        "accreditation POST",
        "post",
        page("record_accreditation", "CNCA-R-2002-001"),
        KEEPERS_ACT,
        data=lambda w: {
            "accreditation_body": "CNAS",
            "number": "CNAS C999-M",
            "valid_from": "2024-01-01",
            "valid_until": "2029-12-31",
        },
    ),
    Row("person form", "get", page("register_person"), KEEPERS_SEE),
    Row(
        "person POST",
        "post",
        page("register_person"),
        KEEPERS_ACT,
        data=lambda w: {
            "name": "李秀英",
            "identity_number": reg_identity_number("31010419820517002"),
            "registration_number": "2019-N1EMS-2234567",
        },
        changes=new_person_exists,
    ),
    Row("qualification form", "get", of_person("record_qualification"), KEEPERS_SEE),
    Row(
        "qualification POST",
        "post",
        of_person("record_qualification"),
        KEEPERS_ACT,
        data=lambda w: {
            "role": "auditor",
            "grade": "qualified",
            "schemes": ["service"],
            "valid_from": "2025-01-01",
            "valid_until": "2028-01-01",
        },
    ),
    Row("employment form", "get", of_person("record_employment"), KEEPERS_SEE),
    Row(
        "employment POST",
        "post",
        of_person("record_employment"),
        KEEPERS_ACT,
        data=lambda w: {"body": "CNCA-R-2002-002", "started_on": "2026-01-05"},
    ),
    Row("person status form", "get", of_person("change_person_status"), KEEPERS_SEE),
    Row(
        "person status POST",
        "post",
        of_person("change_person_status"),
        KEEPERS_ACT,
        data=lambda w: {"status": "suspended", "reason": "暂停注册"},
    ),
]


def test_each_person_gets_the_answer_the_rules_give(cast: dict[str, Client], reg_world: RegWorld) -> None:
    assert_answers(ROWS, cast, reg_world)


def row(name: str) -> Row[RegWorld]:
    return next(row for row in ROWS if row.name == name)


def test_a_refused_change_saves_nothing(cast: dict[str, Client], reg_world: RegWorld) -> None:
    send_as_the_refused([row("body status POST"), row("person POST")], cast, reg_world)
    assert body_status(reg_world) == "approved"
    assert not new_person_exists(reg_world)


def test_asking_everyone_leaves_the_data_as_it_was(cast: dict[str, Client], reg_world: RegWorld) -> None:
    assert answers(row("body status POST"), cast, reg_world)["staff"] == 302
    assert body_status(reg_world) == "approved"


SEES_MASKED = who(True, True, False, False, True, False)


def test_only_the_regulator_sees_the_masked_identity_number(
    cast: dict[str, Client], reg_world: RegWorld
) -> None:
    masked = Person.objects.get(pk=reg_world.auditor.pk).id_number_masked
    url = reverse("register:person_detail", args=[reg_world.auditor.registration_number])
    seen = {name: masked in cast[name].get(url).content.decode() for name in PEOPLE}
    assert seen == SEES_MASKED


def test_only_keepers_are_offered_the_keeping_links(cast: dict[str, Client], reg_world: RegWorld) -> None:
    link = reverse("register:change_body_status", args=["CNCA-R-2002-001"])
    url = reverse("register:body_detail", args=["CNCA-R-2002-001"])
    offered = {name: link in cast[name].get(url).content.decode() for name in PEOPLE}
    assert offered == who(True, False, False, False, True, False)
