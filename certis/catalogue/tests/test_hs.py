"""HS codes: the format, the table's periods and conditions, and the search by code prefix or product name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from certis.audit.models import AuditEvent, EventType
from certis.catalogue import services
from certis.catalogue.hs import HsCodeError, format_hs_code, hs_prefix, parse_hs_code
from certis.catalogue.models import HsMapping, Product
from certis.catalogue.selectors import search_hs

DAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "8516601000",
        "8516.6010.00",
        "8516 60 10 00",
        "8516-6010-00",
        "８５１６．６０１０．００",
        " 8516601000\n",
        8516601000,
        8516601000.0,
        Decimal("8516601000"),
    ],
)
def test_an_hs_code_is_read_however_it_is_written(value: object) -> None:
    assert parse_hs_code(value) == "8516601000"


def test_excel_numbers_get_back_their_leading_zero() -> None:
    assert parse_hs_code(301100000) == "0301100000"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "missing_hs_code"),
        ("", "missing_hs_code"),
        ("851660", "bad_hs_code"),
        ("85166010001", "bad_hs_code"),
        ("8516/6010/00", "bad_hs_code"),
        ("HS8516601000", "bad_hs_code"),
        ("八五一六六〇一〇〇〇", "bad_hs_code"),
        (True, "bad_hs_code"),
        (8516601000.5, "bad_hs_code"),
        (-8516601000, "bad_hs_code"),
        (float("nan"), "bad_hs_code"),
    ],
)
def test_what_is_not_an_hs_code_is_refused_with_a_reason(value: object, code: str) -> None:
    with pytest.raises(HsCodeError) as error:
        parse_hs_code(value)
    assert error.value.code == code and error.value.message


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.sampled_from(["", ".", " ", "-"]))
@settings(deadline=None)
def test_formatting_and_reading_back_is_the_identity(digits: str, separator: str) -> None:
    printed = format_hs_code(digits)
    assert parse_hs_code(printed) == digits
    assert parse_hs_code(separator.join([digits[:4], digits[4:8], digits[8:]])) == digits


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
@settings(deadline=None)
def test_reading_any_value_answers_digits_or_a_reason(value: object) -> None:
    try:
        digits = parse_hs_code(value)
    except HsCodeError as error:
        assert error.code in ("missing_hs_code", "bad_hs_code") and error.message
    else:
        assert len(digits) == 10 and digits.isdigit()


def test_a_prefix_keeps_only_digits() -> None:
    assert hs_prefix("8516.6") == "85166"
    assert hs_prefix("电饭锅") == ""


pytestmark = pytest.mark.django_db


def test_an_hs_line_is_added_with_its_period_condition_and_audit_event(
    cat_catalogue: dict[str, Product],
) -> None:
    mapping = services.add_hs_code(
        acting_user=None,
        product=cat_catalogue["0717"],
        code="8516.7990.00",
        valid_from=DAY,
        condition="仅限于电水壶",
        limit_quantity="rated_power",
        limit_max=Decimal(3000),
        notice="参考表",
    )
    assert (mapping.code, mapping.limit_max) == ("8516799000", Decimal(3000))
    event = AuditEvent.objects.get(event_type=EventType.HS_CODE_CHANGED, target_id=str(mapping.pk))
    assert event.data["action"] == "added" and event.data["code"] == "8516799000"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "8516.60"}, "code"),
        ({"valid_from": dt.date(2020, 1, 1)}, "valid_from"),  # overlaps the line in force since 2003
        (
            {"valid_until": dt.date(2026, 3, 1), "valid_from": dt.date(2026, 3, 1), "code": "8516790000"},
            "valid_until",
        ),
        ({"code": "8516790000", "limit_quantity": "rated_power"}, "limit_max"),
        (
            {
                "code": "8516790000",
                "limit_min": Decimal(10),
                "limit_max": Decimal(5),
                "limit_quantity": "capacity",
            },
            "limit_max",
        ),
        ({"code": "8516790000", "limit_max": Decimal(5)}, "limit_quantity"),
    ],
)
def test_a_bad_hs_line_is_refused(
    cat_catalogue: dict[str, Product], kwargs: dict[str, object], field: str
) -> None:
    values = {"code": "8516601000", "valid_from": DAY} | kwargs
    with pytest.raises(ValidationError) as error:
        services.add_hs_code(acting_user=None, product=cat_catalogue["0718"], **values)
    assert field in error.value.message_dict


def test_a_line_is_ended_and_a_new_one_may_follow(cat_catalogue: dict[str, Product]) -> None:
    line = HsMapping.objects.get(code="8516601000")
    services.end_hs_code(acting_user=None, mapping=line, valid_until=DAY, notice="2026年税则")
    services.add_hs_code(acting_user=None, product=cat_catalogue["0718"], code="8516601000", valid_from=DAY)
    assert HsMapping.objects.filter(code="8516601000").count() == 2
    with pytest.raises(ValidationError):
        services.end_hs_code(acting_user=None, mapping=line, valid_until=DAY, notice="again")


def test_the_table_is_searched_by_prefix_and_by_name_in_either_script(
    cat_catalogue: dict[str, Product],
) -> None:
    by_prefix, _more = search_hs("8516.6", DAY)
    assert [row.mapping.code for row in by_prefix] == ["8516601000"]
    by_name, _more = search_hs("電飯鍋", DAY)
    assert [(row.mapping.code, row.version.name) for row in by_name] == [("8516601000", "电饭锅")]
    assert [row.mapping.code for row in search_hs("8517", DAY)[0]] == ["8517130000"]
    assert [row.mapping.code for row in search_hs("8517", DAY, include_past=True)[0]] == [
        "8517121000",
        "8517130000",
    ]
    assert search_hs("8424", DAY)[0] == []
    assert search_hs("!!", DAY) == ([], False)
