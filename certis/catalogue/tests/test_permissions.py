"""Who may use which page and endpoint: the anonymous visitor, a maker and a maker of another firm, a customs
officer and an officer of another office, and the regulator's supervision staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from certis.accounts.models import Membership
from certis.accounts.services import issue_api_token
from certis.catalogue import services
from certis.catalogue.models import ImportCheck
from certis.core.testing import LOGIN, answer, client_for, person

from .conftest import DAY, MAKER_USCC, CatWorld

pytestmark = pytest.mark.django_db
CAST = ("anonymous", "maker", "other_maker", "officer", "other_officer", "supervisor")


def who(world: CatWorld, name: str) -> Any:
    return None if name == "anonymous" else getattr(world, name)


def answers(world: CatWorld, method: str, url: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    found = {}
    for name in CAST:
        client = client_for(who(world, name))
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        found[name] = answer(response)
    return found


def everyone(status: int) -> dict[str, Any]:
    return dict.fromkeys(CAST, status)


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalogue:index"),
        reverse("catalogue:index") + "?on=2015-01-01&q=電飯鍋",
        reverse("catalogue:changes") + "?start=2017-01-01&end=2021-01-01",
        reverse("catalogue:product", args=["0302"]),
        reverse("catalogue:hs_search") + "?q=8516",
        reverse("catalogue:declaration_lookup"),
        reverse("catalogue:import_template"),
    ],
)
def test_the_catalogue_and_the_hs_table_are_public(cat_world: CatWorld, url: str) -> None:
    assert answers(cat_world, "get", url) == everyone(200)


def test_a_public_declaration_is_for_everyone_a_hidden_one_for_maker_customs_and_regulator(
    cat_world: CatWorld,
) -> None:
    public = reverse("catalogue:declaration", args=[cat_world.declarations["valid"].number])
    hidden = reverse("catalogue:declaration", args=[cat_world.declarations["hidden"].number])
    assert answers(cat_world, "get", public) == everyone(200)
    assert answers(cat_world, "get", hidden) == {
        "anonymous": 404,
        "maker": 200,
        "other_maker": 404,
        "officer": 200,
        "other_officer": 200,
        "supervisor": 200,
    }


def test_only_the_regulator_adjusts_the_catalogue(cat_world: CatWorld) -> None:
    expected = dict.fromkeys(CAST, 403) | {"anonymous": LOGIN, "supervisor": 200}
    assert answers(cat_world, "get", reverse("catalogue:adjust")) == expected
    post = {"valid_from": "2026-01-01", "code": "8516.7990.00"}
    expected_post = expected | {"supervisor": 302}
    assert answers(cat_world, "post", reverse("catalogue:add_hs_code", args=["0717"]), post) == expected_post


def test_only_makers_of_a_holder_declare(cat_world: CatWorld) -> None:
    expected = {
        "anonymous": LOGIN,
        "maker": 200,
        "other_maker": 200,
        "officer": 403,
        "other_officer": 403,
        "supervisor": 403,
    }
    assert answers(cat_world, "get", reverse("catalogue:my_declarations")) == expected
    assert answers(cat_world, "get", reverse("catalogue:new_declaration")) == expected


def test_a_firm_that_is_no_holder_may_not_declare(cat_world: CatWorld) -> None:
    from certis.accounts.models import Organisation

    firm = Organisation.objects.create(name="未登记企业", kind="certified_firm")
    stranger = person("stranger", firm)
    assert answer(client_for(stranger).get(reverse("catalogue:new_declaration"))) == 403


def test_only_the_maker_cancels_and_only_the_regulator_invalidates(cat_world: CatWorld) -> None:
    number = cat_world.declarations["valid"].number
    denied = {"anonymous": LOGIN, "maker": 403, "other_maker": 403, "officer": 403, "other_officer": 403}
    cancel = reverse("catalogue:cancel_declaration", args=[number])
    invalidate = reverse("catalogue:invalidate_declaration", args=[number])
    visibility = reverse("catalogue:declaration_visibility", args=[number])
    for name, expected in (denied | {"maker": 302, "supervisor": 403}).items():
        if name != "maker":
            assert answer(client_for(who(cat_world, name)).post(cancel, {"reason": "停产"})) == expected, name
            assert (
                answer(client_for(who(cat_world, name)).post(visibility, {"is_public": "0"})) == expected
            ), name
    for name, expected in (denied | {"supervisor": 302}).items():
        if name != "supervisor":
            assert (
                answer(client_for(who(cat_world, name)).post(invalidate, {"reason": "不实"})) == expected
            ), name
    assert answer(client_for(cat_world.supervisor).post(invalidate, {"reason": "检验报告不实"})) == 302
    cat_world.declarations["valid"].refresh_from_db()
    assert cat_world.declarations["valid"].status == "invalidated"


def test_only_customs_officers_check_declarations_and_see_their_office_checks(cat_world: CatWorld) -> None:
    check, _result = services.check_import(
        acting_user=cat_world.officer,
        organisation=cat_world.customs,
        source=ImportCheck.Source.FORM,
        rows=[{"hs_code": "8516601000", "importer_uscc": MAKER_USCC}],
        declared_on=DAY,
    )
    expected = dict.fromkeys(CAST, 403) | {"anonymous": LOGIN, "officer": 200, "other_officer": 200}
    assert answers(cat_world, "get", reverse("catalogue:import_checks")) == expected | {"supervisor": 200}
    lines = {"lines": f"8516601000\t\t\t1\t\t{MAKER_USCC}"}
    posted = expected | {"officer": 302, "other_officer": 302}
    assert answers(cat_world, "post", reverse("catalogue:import_checks"), lines) == posted
    detail = {
        "anonymous": LOGIN,
        "maker": 404,
        "other_maker": 404,
        "officer": 200,
        "other_officer": 404,
        "supervisor": 200,
    }
    assert answers(cat_world, "get", reverse("catalogue:import_check", args=[check.pk])) == detail


def test_only_the_regulator_sets_the_trusted_class(cat_world: CatWorld) -> None:
    expected = dict.fromkeys(CAST, 403) | {"anonymous": LOGIN, "supervisor": 200}
    assert answers(cat_world, "get", reverse("catalogue:trust")) == expected


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


def test_only_the_regulator_posts_adjustments_trust_classes_and_ends_of_hs_lines(cat_world: CatWorld) -> None:
    """The posts themselves, not only the pages: the others are refused before the form is read (an empty
    post shows the regulator the form's errors with 400, or goes back to the product with a message)."""
    from certis.catalogue.models import HsMapping

    refused = dict.fromkeys(CAST, 403) | {"anonymous": LOGIN}
    mapping = HsMapping.objects.filter(product__code="0717").first()
    assert mapping is not None
    assert answers(cat_world, "post", reverse("catalogue:adjust")) == refused | {"supervisor": 400}
    assert answers(cat_world, "post", reverse("catalogue:trust")) == refused | {"supervisor": 200}
    end = reverse("catalogue:end_hs_code", args=[mapping.pk])
    assert answers(cat_world, "post", end) == refused | {"supervisor": 302}
    assert HsMapping.objects.get(pk=mapping.pk).valid_until == mapping.valid_until


def test_only_makers_of_a_holder_post_a_declaration(cat_world: CatWorld) -> None:
    expected = {
        "anonymous": LOGIN,
        "maker": 400,  # an empty declaration: the form's errors
        "other_maker": 400,
        "officer": 403,
        "other_officer": 403,
        "supervisor": 403,
    }
    assert answers(cat_world, "post", reverse("catalogue:new_declaration")) == expected
