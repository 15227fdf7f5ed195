"""The search of public verification: by number, by any part of the holder's name in either script (width,
spaces and brackets ignored), by USCC, by product or model; filters; caps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certis.bodies.models import Scheme
from certis.certificates.models import Certificate
from certis.certificates.selectors import search
from certis.certificates.selectors.search import Search, effective_status, find, guess_kind
from certis.certificates.tests.public_fixtures import OTHER_USCC, TRADITIONAL_USCC, PubWorld

pytestmark = pytest.mark.django_db


def found(text: str, **options: Any) -> list[str]:
    """The numbers the search finds, in order, with their bodies' numbers when two bodies share one."""
    return [row["number"] for row in find(Search(text=text, **options))]


def kind_of(text: str, **options: Any) -> str:
    asked = Search(text=text, **options)
    list(find(asked))
    return asked.kind


# By the holder's name


def test_a_holder_stored_in_simplified_is_found_by_a_traditional_fragment(pub_world: PubWorld) -> None:
    assert found("美的集團股份") == ["2025010101000001"]


def test_a_holder_stored_in_traditional_is_found_by_a_simplified_fragment(pub_world: PubWorld) -> None:
    assert found("华美电器") == ["2025MS0001"]
    assert found("華美電器") == ["2025MS0001"]


@pytest.mark.parametrize(
    "query",
    [
        "华美电器（集团）",  # full-width brackets, as printed
        "华美电器(集团)",  # half-width ones, as typed
        "华美电器集团",  # none
        "华美 电器　集团",  # spaces, an ideographic one too
        "深圳市華美電器【集團】有限公司",  # other brackets, the whole name
    ],
)
def test_spaces_brackets_and_width_do_not_matter_in_names(pub_world: PubWorld, query: str) -> None:
    assert found(query) == ["2025MS0001"]


def test_a_name_search_says_so(pub_world: PubWorld) -> None:
    assert kind_of("美的集团") == "holder"


def test_one_or_two_characters_match_the_beginning_of_names_only(pub_world: PubWorld) -> None:
    asked = Search(text="美的")
    assert [row["number"] for row in find(asked)] == ["2025010101000001"]
    assert asked.starts_with
    assert found("集团", requested="holder") == []  # inside the name, not at its start


def test_the_holders_certificates_come_with_every_status(pub_world: PubWorld) -> None:
    numbers = found("正泰电器")
    assert numbers == [
        "2020SV0005",
        "2020SV0006",
        "2025010101000002",
        "2025010101000003",
        "2025SHARED001",
        "2025shared001",
        "2025SV0004",
    ]


def test_past_the_holder_cap_the_search_says_so(pub_world: PubWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "HOLDER_CAP", 1)
    asked = Search(text="有限公司", requested="holder")
    rows = list(find(asked))
    assert asked.holders_capped
    assert len({row["holder_name"] for row in rows}) == 1


# By USCC


@pytest.mark.parametrize("typed", [TRADITIONAL_USCC, TRADITIONAL_USCC.lower(), " ".join(TRADITIONAL_USCC)])
def test_a_uscc_finds_its_holders_certificates(pub_world: PubWorld, typed: str) -> None:
    assert kind_of(typed) == "uscc"
    assert found(typed) == ["2025MS0001"]


def test_a_uscc_with_a_wrong_check_character_is_not_taken_for_one(pub_world: PubWorld) -> None:
    wrong = OTHER_USCC[:-1] + ("0" if OTHER_USCC[-1] != "0" else "1")
    assert guess_kind(wrong) == "number"
    assert found(wrong, requested="uscc") == []


# By product or model


def test_a_product_is_found_when_no_holder_has_the_name(pub_world: PubWorld) -> None:
    asked = Search(text="电饭锅")
    assert [row["number"] for row in find(asked)] == ["2025010101000001"]
    assert asked.kind == "product"


@pytest.mark.parametrize("query", ["MB-FB40", "mb fb 40", "ＭＢ－ＦＢ４０", "MBFB50"])
def test_a_model_is_found_in_any_width_case_or_spacing(pub_world: PubWorld, query: str) -> None:
    asked = Search(text=query)
    assert [row["number"] for row in find(asked)] == ["2025010101000001"]
    assert asked.kind == "product"


def test_past_the_match_cap_the_product_search_says_so(
    pub_world: PubWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MATCH_CAP", 1)
    asked = Search(text="电", requested="product")
    assert len(list(find(asked))) == 1
    assert asked.matches_capped and asked.starts_with


# By number


@pytest.mark.parametrize(
    "typed", ["2025010101000001", " 2025 0101 0100 0001 ", "２０２５０１０１０１０００００１"]
)
def test_a_number_is_found_whatever_its_width_or_spacing(pub_world: PubWorld, typed: str) -> None:
    assert kind_of(typed) == "number"
    assert found(typed) == ["2025010101000001"]


def test_the_same_number_at_two_bodies_gives_both(pub_world: PubWorld) -> None:
    rows = list(find(Search(text="2025shared001")))
    assert [(row["number"], row["body__number"]) for row in rows] == [
        ("2025SHARED001", "CNCA-R-2002-001"),
        ("2025shared001", "CNCA-R-2002-002"),
    ]


def test_an_unknown_number_finds_nothing(pub_world: PubWorld) -> None:
    assert found("2099999999") == []
    assert found("X" * 65, requested="number") == []


# Filters and statuses


def test_filters_by_scheme_and_status(pub_world: PubWorld) -> None:
    assert found("正泰电器", scheme=Scheme.SERVICE) == ["2020SV0005", "2020SV0006", "2025SV0004"]
    assert found("正泰电器", status="suspended") == ["2025010101000002"]
    assert found("正泰电器", status="valid") == ["2025SHARED001", "2025shared001"]


def test_a_certificate_past_its_expiry_date_is_expired_before_the_task_records_it(
    pub_world: PubWorld,
) -> None:
    assert pub_world.lapsed.status == Certificate.Status.VALID
    assert found("正泰电器", status="expired") == ["2020SV0005", "2020SV0006"]
    (row,) = [search.public_row(r, pub_world.today) for r in find(Search(text="2020SV0006"))]
    assert row["status"] == "expired"
    assert row["status_since"] == pub_world.lapsed.expires_on + dt.timedelta(days=1)


def test_effective_status_keeps_final_statuses() -> None:
    day = dt.date(2026, 1, 2)
    past = dt.date(2026, 1, 1)
    assert effective_status("valid", day, day) == "valid"  # valid through its expiry date
    assert effective_status("valid", past, day) == "expired"
    assert effective_status("suspended", past, day) == "expired"
    assert effective_status("withdrawn", past, day) == "withdrawn"


def test_results_hold_public_fields_only(pub_world: PubWorld) -> None:
    (row,) = find(Search(text="2025010101000001"))
    assert set(row) == set(search.PUBLIC_ROW)


def test_records_by_number_with_a_body_and_unreadable_input(pub_world: PubWorld) -> None:
    assert [r["body"]["number"] for r in search.records_by_number("2025SHARED001")] == [
        "CNCA-R-2002-001",
        "CNCA-R-2002-002",
    ]
    (one,) = search.records_by_number("2025SHARED001", body="cnca-r-2002-002")
    assert one["number"] == "2025shared001"
    assert search.records_by_number("2025SHARED001", body="CNCA-R-1999-999") == []
    assert search.records_by_number("2025SHARED001", body="a\x00b") == []
    assert search.records_by_number("a\x00b") == []
    assert search.records_by_number("") == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=120), requested=st.sampled_from(search.KINDS))
def test_any_text_searches_without_error(pub_world: PubWorld, text: str, requested: str) -> None:
    rows = list(find(Search(text=text, requested=requested)))
    assert all(set(row) == set(search.PUBLIC_ROW) for row in rows)


# The lookup by number: one statement, prepared on PostgreSQL


def test_the_lookup_by_number_is_one_statement_prepared_on_postgresql(
    pub_world: PubWorld, settings: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # prepared on the first call, reused on the next ones
        with CaptureQueriesContext(connection) as captured:
            (record,) = search.records_by_number("2025010101000002")
        assert len(captured) == 1
        assert record["status"] == "suspended" and record["signatory"]["name"] == "王建华"
        assert ("-- prepared" in captured[0]["sql"]) == (connection.vendor == "postgresql")
    settings.CERTIFICATES_PREPARED_LOOKUP = False
    with CaptureQueriesContext(connection) as captured:
        assert [r["body"]["number"] for r in search.records_by_number("2025SHARED001")] == [
            "CNCA-R-2002-001",
            "CNCA-R-2002-002",
        ]
    assert len(captured) == 1 and "-- prepared" not in captured[0]["sql"]


@pytest.mark.parametrize("number", ["2025010101000001", "00124Q31234R1M/3200", "ABC 12#?%&", "认证-1"])
def test_detail_url_gives_the_address_reverse_gives(number: str) -> None:
    from django.urls import reverse

    expected = reverse("certificates:detail", args=["CNCA-R-2002-001", number])
    assert search.detail_url("CNCA-R-2002-001", number) == expected
