"""Who may use which page and endpoint: the anonymous visitor, a maker and a maker of another firm, a customs
officer and an officer of another office, and the regulator's supervision staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from certis.accounts.models import Membership
from certis.accounts.services import issue_api_token
from certis.catalogue import services
from certis.catalogue.models import HsMapping, ImportCheck, SelfDeclaration
from certis.core.testing import LOGIN, answer, client_for, person
from certis.core.testing.permissions import Row, answers, ask, assert_answers

from .conftest import DAY, MAKER_USCC, CatWorld

pytestmark = pytest.mark.django_db
CAST = ("anonymous", "maker", "other_maker", "officer", "other_officer", "supervisor")


@dataclass
class World:
    cat: CatWorld
    check: ImportCheck  # made by ``officer`` for 广州海关
    mapping: HsMapping  # an HS line of 0717 液体加热器


@pytest.fixture
def world(cat_world: CatWorld) -> World:
    check, _result = services.check_import(
        acting_user=cat_world.officer,
        organisation=cat_world.customs,
        source=ImportCheck.Source.FORM,
        rows=[{"hs_code": "8516601000", "importer_uscc": MAKER_USCC}],
        declared_on=DAY,
    )
    mapping = HsMapping.objects.filter(product__code="0717").first()
    assert mapping is not None
    return World(cat=cat_world, check=check, mapping=mapping)


def who(world: CatWorld, name: str) -> Any:
    return None if name == "anonymous" else getattr(world, name)


@pytest.fixture
def cast(cat_world: CatWorld) -> dict[str, Client]:
    return {name: client_for(who(cat_world, name)) for name in CAST}


def everyone(status: int) -> dict[str, Any]:
    return dict.fromkeys(CAST, status)


def to(name: str, *args: Any, query: str = "") -> Callable[[World], str]:
    return lambda w: reverse(f"catalogue:{name}", args=args) + query


def of_declaration(name: str, which: str = "valid") -> Callable[[World], str]:
    return lambda w: reverse(f"catalogue:{name}", args=[w.cat.declarations[which].number])


def status_of_valid(w: World) -> str:
    return SelfDeclaration.objects.get(pk=w.cat.declarations["valid"].pk).status


REFUSED = dict.fromkeys(CAST, 403) | {"anonymous": LOGIN}
REGULATOR = REFUSED | {"supervisor": 200}
MAKERS = REFUSED | {"maker": 200, "other_maker": 200}
CUSTOMS = REFUSED | {"officer": 200, "other_officer": 200}

ROWS: list[Row[World]] = [
    # The catalogue and the HS table are public.
    Row("catalogue", "get", to("index"), everyone(200)),
    Row("catalogue on a day", "get", to("index", query="?on=2015-01-01&q=電飯鍋"), everyone(200)),
    Row("changes", "get", to("changes", query="?start=2017-01-01&end=2021-01-01"), everyone(200)),
    Row("product", "get", to("product", "0302"), everyone(200)),
    Row("HS search", "get", to("hs_search", query="?q=8516"), everyone(200)),
    Row("declaration lookup", "get", to("declaration_lookup"), everyone(200)),
    Row("import template", "get", to("import_template"), everyone(200)),
    # A public declaration is for everyone, a hidden one for its maker, customs and the regulator.
    Row("public declaration", "get", of_declaration("declaration"), everyone(200)),
    Row(
        "hidden declaration",
        "get",
        of_declaration("declaration", "hidden"),
        everyone(200) | {"anonymous": 404, "other_maker": 404},
    ),
    # Only the regulator adjusts the catalogue and sets the trusted class; the others are refused before the
    # form is read (an empty post shows the regulator the form's errors with 400, or goes back to the
    # product with a message).
    Row("adjust", "get", to("adjust"), REGULATOR),
    Row("adjust empty POST", "post", to("adjust"), REFUSED | {"supervisor": 400}),
    Row(
        "add HS code POST",
        "post",
        to("add_hs_code", "0717"),
        REFUSED | {"supervisor": 302},
        data=lambda w: {"valid_from": "2026-01-01", "code": "8516.7990.00"},
    ),
    Row(
        "end HS code empty POST",
        "post",
        lambda w: reverse("catalogue:end_hs_code", args=[w.mapping.pk]),
        REFUSED | {"supervisor": 302},
    ),
    Row("trust", "get", to("trust"), REGULATOR),
    Row("trust empty POST", "post", to("trust"), REGULATOR),
    # Only makers of a holder declare.
    Row("my declarations", "get", to("my_declarations"), MAKERS),
    Row("new declaration", "get", to("new_declaration"), MAKERS),
    Row(
        "new declaration empty POST",
        "post",
        to("new_declaration"),
        REFUSED | {"maker": 400, "other_maker": 400},
    ),
    # Only the maker cancels and hides, only the regulator invalidates.
    Row(
        "cancel POST",
        "post",
        of_declaration("cancel_declaration"),
        REFUSED | {"maker": 302},
        data=lambda w: {"reason": "停产"},
        changes=status_of_valid,
    ),
    Row(
        "visibility POST",
        "post",
        of_declaration("declaration_visibility"),
        REFUSED | {"maker": 302},
        data=lambda w: {"is_public": "0"},
    ),
    Row(
        "invalidate POST",
        "post",
        of_declaration("invalidate_declaration"),
        REFUSED | {"supervisor": 302},
        data=lambda w: {"reason": "不实"},
        changes=status_of_valid,
    ),
    # Only customs officers check declarations, and see their own office's checks.
    Row("import checks", "get", to("import_checks"), CUSTOMS | {"supervisor": 200}),
    Row(
        "import check POST",
        "post",
        to("import_checks"),
        REFUSED | {"officer": 302, "other_officer": 302},
        data=lambda w: {"lines": f"8516601000\t\t\t1\t\t{MAKER_USCC}"},
    ),
    Row(
        "import check",
        "get",
        lambda w: reverse("catalogue:import_check", args=[w.check.pk]),
        REFUSED | {"maker": 404, "other_maker": 404, "officer": 200, "other_officer": 404, "supervisor": 200},
    ),
]


def row(name: str) -> Row[World]:
    return next(row for row in ROWS if row.name == name)


def test_each_person_gets_the_answer_the_rules_give(cast: dict[str, Client], world: World) -> None:
    assert_answers(ROWS, cast, world)


def test_a_firm_that_is_no_holder_may_not_declare(cat_world: CatWorld) -> None:
    from certis.accounts.models import Organisation

    firm = Organisation.objects.create(name="未登记企业", kind="certified_firm")
    stranger = person("stranger", firm)
    assert answer(client_for(stranger).get(reverse("catalogue:new_declaration"))) == 403


def test_the_supervisor_invalidates_a_declaration(cast: dict[str, Client], world: World) -> None:
    invalidate = reverse("catalogue:invalidate_declaration", args=[world.cat.declarations["valid"].number])
    assert answer(cast["supervisor"].post(invalidate, {"reason": "检验报告不实"})) == 302
    assert status_of_valid(world) == "invalidated"


def test_no_post_ends_an_hs_line_without_its_date(cast: dict[str, Client], world: World) -> None:
    """Every person's empty post to end an HS line sent for real, one after the other: none ends it."""
    end = row("end HS code empty POST")
    assert {name: ask(end, client, world) for name, client in cast.items()} == end.expected
    assert HsMapping.objects.get(pk=world.mapping.pk).valid_until == world.mapping.valid_until


def test_asking_everyone_leaves_the_data_as_it_was(cast: dict[str, Client], world: World) -> None:
    assert answers(row("invalidate POST"), cast, world)["supervisor"] == 302
    assert status_of_valid(world) == "valid"


def test_the_api_checks_declarations_for_customs_tokens_only(cat_world: CatWorld) -> None:
    url = reverse("api:import_checks")
    payload = {"lines": [{"hs_code": "8516601000", "importer_uscc": MAKER_USCC}], "declared_on": "2026-03-02"}
    _token, officer_secret = issue_api_token(
        acting_user=cat_world.officer, organisation=cat_world.customs, name="H2018"
    )
    _token, maker_secret = issue_api_token(
        acting_user=cat_world.maker, organisation=cat_world.maker_org, name="ERP"
    )
    former = person("former", cat_world.customs, Membership.Role.STAFF)
    _token, former_secret = issue_api_token(acting_user=former, organisation=cat_world.customs, name="old")
    client = client_for(None)

    def post(secret: str | None) -> int:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        return client.post(url, payload, content_type="application/json", **headers).status_code

    assert post(None) == 401
    assert post("ct_not-a-token") == 401
    assert post(maker_secret) == 403
    assert post(former_secret) == 403
    assert post(officer_secret) == 201
