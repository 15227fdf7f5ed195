"""The catalogue in time: adjustments as dated versions, the catalogue on a day, the differences between two
days, and the refusals that keep history whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from certis.audit.models import AuditEvent, EventType
from certis.catalogue import services
from certis.catalogue.models import Adjustment, Product, ProductVersion, Route
from certis.catalogue.selectors import catalogue_on, differences, versions_on

pytestmark = pytest.mark.django_db
NOTICE = "市场监管总局公告2020年第18号"


def codes_on(day: dt.date) -> list[str]:
    return [version.product.code for version in versions_on(day)]


def route_on(code: str, day: dt.date) -> str:
    return versions_on(day).get(product__code=code).route


def test_the_catalogue_on_a_day_holds_the_versions_in_force_that_day(
    cat_catalogue: dict[str, Product],
) -> None:
    assert codes_on(dt.date(2003, 4, 30)) == []
    assert "0507" in codes_on(dt.date(2018, 6, 10))
    assert "0507" not in codes_on(dt.date(2018, 6, 11))
    assert route_on("0302", dt.date(2018, 9, 30)) == Route.THIRD_PARTY
    assert route_on("0302", dt.date(2018, 10, 1)) == Route.EITHER
    assert route_on("0302", dt.date(2020, 1, 1)) == Route.SELF_DECLARATION


def test_categories_show_only_with_a_product_in_force(cat_catalogue: dict[str, Product]) -> None:
    assert [group.category.code for group in catalogue_on(dt.date(2019, 1, 1))] == ["03", "07", "08"]
    assert [group.category.code for group in catalogue_on(dt.date(2018, 1, 1))] == ["03", "05", "07", "08"]


def test_the_catalogue_is_searched_by_code_and_by_name_in_either_script(
    cat_catalogue: dict[str, Product],
) -> None:
    day = dt.date(2026, 1, 1)
    found = [v.product.code for group in catalogue_on(day, text="電飯鍋") for v in group.versions]
    assert found == ["0718"]
    assert [v.product.code for g in catalogue_on(day, text="07") for v in g.versions] == [
        "0704",
        "0717",
        "0718",
    ]
    assert [v.product.code for g in catalogue_on(day, route=Route.EITHER) for v in g.versions] == ["0704"]


def test_a_change_closes_one_version_and_opens_the_next_with_the_adjustment(
    cat_catalogue: dict[str, Product],
) -> None:
    product = cat_catalogue["0718"]
    adjustment = services.change_scope(
        acting_user=None,
        product=product,
        scope="含电压力锅。",
        name="电饭锅（含电压力锅）",
        effective_on=dt.date(2026, 7, 1),
        reason="扩大范围",
        notice=NOTICE,
    )
    old, new = ProductVersion.objects.filter(product=product).order_by("valid_from")
    assert (old.valid_until, old.closed_by) == (dt.date(2026, 7, 1), adjustment)
    assert (new.valid_from, new.valid_until, new.opened_by) == (dt.date(2026, 7, 1), None, adjustment)
    assert (new.name, new.scope, new.route) == ("电饭锅（含电压力锅）", "含电压力锅。", old.route)
    assert (
        adjustment.changes["before"]["scope"] == old.scope
        and adjustment.changes["after"]["scope"] == "含电压力锅。"
    )
    event = AuditEvent.objects.get(event_type=EventType.CATALOGUE_ADJUSTED, target_id=str(adjustment.pk))
    assert event.data["kind"] == "change_scope" and event.data["notice"] == NOTICE


def test_an_adjustment_may_be_announced_before_it_takes_effect(cat_catalogue: dict[str, Product]) -> None:
    services.remove_product(
        acting_user=None,
        product=cat_catalogue["0717"],
        effective_on=dt.date(2030, 1, 1),
        reason="风险降低",
        notice=NOTICE,
    )
    assert "0717" in codes_on(dt.date(2029, 12, 31))
    assert "0717" not in codes_on(dt.date(2030, 1, 1))
    # A change before the removal keeps the removal.
    services.change_route(
        acting_user=None,
        product=cat_catalogue["0717"],
        route=Route.EITHER,
        effective_on=dt.date(2028, 1, 1),
        reason="允许自我声明",
        notice=NOTICE,
    )
    assert route_on("0717", dt.date(2028, 1, 1)) == Route.EITHER
    assert "0717" not in codes_on(dt.date(2030, 1, 1))


def test_a_removed_product_may_come_back_under_its_code(cat_catalogue: dict[str, Product]) -> None:
    services.add_product(
        acting_user=None,
        code="0507",
        category=cat_catalogue["0507"].category,
        name="不易燃液体电喷枪",
        scope="手持式。",
        risk_level="high",
        route=Route.THIRD_PARTY,
        effective_on=dt.date(2027, 1, 1),
        reason="事故频发",
        notice=NOTICE,
    )
    assert "0507" not in codes_on(dt.date(2026, 12, 31)) and "0507" in codes_on(dt.date(2027, 1, 1))
    assert Adjustment.objects.filter(product__code="0507").count() == 3


def test_the_differences_between_two_days_name_what_changed_and_why(
    cat_catalogue: dict[str, Product],
) -> None:
    found = {d.code: d for d in differences(dt.date(2018, 1, 1), dt.date(2020, 6, 1))}
    assert set(found) == {"0507", "0302", "0704"}
    assert found["0507"].change == "removed" and found["0507"].adjustments[0].kind == "remove"
    assert found["0302"].change == "changed" and found["0302"].fields == ["route"]
    assert (
        found["0302"].before.route == Route.THIRD_PARTY
        and found["0302"].after.route == Route.SELF_DECLARATION
    )
    assert [a.effective_on for a in found["0302"].adjustments] == [dt.date(2018, 10, 1), dt.date(2020, 1, 1)]
    assert {d.code for d in differences(dt.date(2020, 6, 1), dt.date(2018, 1, 1))} == set(found)
    assert [d.change for d in differences(dt.date(2003, 4, 30), dt.date(2003, 5, 1))] == ["added"] * 6
    assert differences(dt.date(2021, 1, 1), dt.date(2021, 6, 1)) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"effective_on": dt.date(2019, 1, 1)}, "effective_on"),  # before the last change (2020-01-01)
        ({"effective_on": dt.date(2020, 1, 1)}, "effective_on"),  # on the last change's day
        ({"reason": " "}, "reason"),
        ({"notice": ""}, "notice"),
        ({"route": Route.SELF_DECLARATION}, "route"),  # changes nothing
        ({"route": "sometimes"}, "route"),
    ],
)
def test_a_route_change_that_breaks_a_rule_is_refused(
    cat_catalogue: dict[str, Product], kwargs: dict[str, object], field: str
) -> None:
    values = {
        "effective_on": dt.date(2026, 1, 1),
        "reason": "理由",
        "notice": NOTICE,
        "route": Route.EITHER,
    } | kwargs
    with pytest.raises(ValidationError) as error:
        services.change_route(acting_user=None, product=cat_catalogue["0302"], **values)
    assert field in error.value.message_dict
    assert ProductVersion.objects.filter(product=cat_catalogue["0302"]).count() == 3


def test_a_product_not_in_force_cannot_change_and_one_in_force_cannot_be_added(
    cat_catalogue: dict[str, Product],
) -> None:
    with pytest.raises(ValidationError, match="not in the catalogue"):
        services.change_route(
            acting_user=None,
            product=cat_catalogue["0507"],
            route=Route.EITHER,
            effective_on=dt.date(2020, 1, 1),
            reason="理由",
            notice=NOTICE,
        )
    with pytest.raises(ValidationError, match="in the catalogue on 2020-01-01 already"):
        services.add_product(
            acting_user=None,
            code="0718",
            category=cat_catalogue["0718"].category,
            name="电饭锅",
            scope="x",
            risk_level="low",
            route=Route.EITHER,
            effective_on=dt.date(2020, 1, 1),
            reason="理由",
            notice=NOTICE,
        )


def test_a_kind_changes_only_its_own_particulars(cat_catalogue: dict[str, Product]) -> None:
    with pytest.raises(ValidationError, match="cannot change name"):
        services.change_route(
            acting_user=None,
            product=cat_catalogue["0718"],
            route=Route.EITHER,
            name="新名",
            effective_on=dt.date(2026, 1, 1),
            reason="理由",
            notice=NOTICE,
        )


def test_unknown_standards_and_malformed_codes_are_refused(cat_catalogue: dict[str, Product]) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_product(
            acting_user=None,
            product=cat_catalogue["0718"],
            kind="change",
            standards=["GB 9999-2099"],
            effective_on=dt.date(2026, 1, 1),
            reason="理由",
            notice=NOTICE,
        )
    assert "GB 9999-2099" in error.value.message_dict["standards"][0]
    with pytest.raises(ValidationError) as error:
        services.add_product(
            acting_user=None,
            code="71A",
            category=cat_catalogue["0718"].category,
            name="x",
            scope="x",
            risk_level="low",
            route=Route.EITHER,
            effective_on=dt.date(2026, 1, 1),
            reason="理由",
            notice=NOTICE,
        )
    assert "code" in error.value.message_dict


def test_standards_are_stored_as_the_table_spells_them(cat_catalogue: dict[str, Product]) -> None:
    services.change_product(
        acting_user=None,
        product=cat_catalogue["0718"],
        kind="change",
        standards=["gb 4706.1-2005", "ＧＢ 4343.1-2018"],
        effective_on=dt.date(2026, 1, 1),
        reason="标准更新",
        notice=NOTICE,
    )
    assert versions_on(dt.date(2026, 1, 1)).get(product__code="0718").standards == [
        "GB 4706.1-2005",
        "GB 4343.1-2018",
    ]
