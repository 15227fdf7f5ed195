"""Import verification: every verdict and reason, the HS periods and removed products, unreadable lines,
duplicates, the lane, and the record each check leaves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from certis.audit.models import AuditEvent, EventType
from certis.catalogue import services
from certis.catalogue.checking import check_lines
from certis.catalogue.files.lines import read_lines
from certis.catalogue.models import ImportCheck, Lane, Verdict

from .conftest import DAY, MAKER_USCC, OTHER_USCC, CatWorld, cert_report

RICE_COOKER = "8516601000"
BREAKER = "8536200000"


def line(**values: Any) -> dict[str, Any]:
    return {"hs_code": RICE_COOKER, "importer_uscc": MAKER_USCC, "quantity": "100", **values}


def verdicts(rows: list[dict[str, Any]], day: dt.date = DAY) -> list[tuple[str, str]]:
    with translation.override("en"):
        result = check_lines(read_lines(rows), day)
    return [(v.verdict, v.reason_code) for v in result.verdicts]


def one(day: dt.date = DAY, **values: Any) -> Any:
    with translation.override("en"):
        return check_lines(read_lines([line(**values)]), day).verdicts[0]


pytestmark = pytest.mark.django_db


def test_an_hs_code_outside_the_catalogue_needs_nothing(cat_world: CatWorld) -> None:
    verdict = one(hs_code="8471.3000.00", number="")
    assert (verdict.verdict, verdict.reason_code) == (Verdict.NOT_IN_CATALOGUE, "hs_not_in_catalogue")
    assert "8471.3000.00" in verdict.reason


def test_a_valid_certificate_of_the_importer_for_the_product_and_model_covers_the_line(
    cat_world: CatWorld,
) -> None:
    verdict = one(number="2025010718000001", model="MY-FB40A")
    assert (verdict.verdict, verdict.reason_code) == (Verdict.COVERED, "certificate_valid")
    assert verdict.product_codes == ["0718"]
    assert verdict.document.number == "2025010718000001"


def test_a_line_without_a_number_misses_its_certificate(cat_world: CatWorld) -> None:
    verdict = one(number="")
    assert (verdict.verdict, verdict.reason_code) == (Verdict.MISSING, "no_document")
    assert "a CCC certificate is needed" in verdict.reason


def test_a_declared_exemption_is_exempt_and_asks_for_the_document(cat_world: CatWorld) -> None:
    verdict = one(number="", exemption="免办证明 (2026) 0001")
    assert (verdict.verdict, verdict.reason_code) == (Verdict.EXEMPT, "exemption_declared")
    assert "免办证明 (2026) 0001" in verdict.reason


@pytest.mark.parametrize(
    ("number", "model", "reason_code"),
    [
        ("2099010718999999", "", "unknown_number"),
        ("2025010718000002", "", "suspended"),
        ("2025010718000003", "", "withdrawn"),
        ("2025010718000004", "", "expired"),
        ("2025010717000005", "", "other_product"),
        ("CQC25001234", "", "not_ccc"),
        ("2025010718000006", "", "other_holder"),
        ("2025010718000001", "MY-XX99", "other_model"),
    ],
)
def test_a_certificate_that_does_not_cover_the_line_makes_it_invalid(
    cat_world: CatWorld, number: str, model: str, reason_code: str
) -> None:
    verdict = one(number=number, model=model)
    assert (verdict.verdict, verdict.reason_code) == (Verdict.INVALID, reason_code)
    assert verdict.reason


def test_reasons_say_what_is_wrong(cat_world: CatWorld) -> None:
    assert (
        "suspended since 2026-01-15 until 2026-06-30: 监督抽样不合格" in one(number="2025010718000002").reason
    )
    assert "expired on 2026-01-31" in one(number="2025010718000004").reason
    assert "covers catalogue product 0717" in one(number="2025010717000005").reason
    assert OTHER_USCC in one(number="2025010718000006").reason
    assert one(number="2099010718999999").product_codes == ["0718"]
    assert one(number="").product_codes == ["0718"]


def test_a_valid_self_declaration_covers_a_product_on_the_self_declaration_route(cat_world: CatWorld) -> None:
    number = cat_world.declarations["valid"].number
    verdict = one(hs_code=BREAKER, number=number, model="MY-B32")
    assert (verdict.verdict, verdict.reason_code) == (Verdict.COVERED, "declaration_valid")
    assert verdict.document.kind == "self_declaration"


def test_a_hidden_self_declaration_still_covers_the_line(cat_world: CatWorld) -> None:
    verdict = one(hs_code=BREAKER, number=cat_world.declarations["hidden"].number)
    assert verdict.verdict == Verdict.COVERED


def test_cancelled_and_invalidated_self_declarations_make_the_line_invalid(cat_world: CatWorld) -> None:
    cancelled = one(hs_code=BREAKER, number=cat_world.declarations["cancelled"].number)
    invalidated = one(hs_code=BREAKER, number=cat_world.declarations["invalidated"].number)
    assert (cancelled.verdict, cancelled.reason_code) == (Verdict.INVALID, "declaration_cancelled")
    assert (invalidated.verdict, invalidated.reason_code) == (Verdict.INVALID, "declaration_invalidated")
    assert "检验报告不实" in invalidated.reason


def test_a_certificate_for_a_self_declaration_product_is_the_wrong_route(cat_world: CatWorld) -> None:
    cert_report(
        cat_world.cert,
        number="2025010302000009",
        product_code="0302",
        holder_uscc=MAKER_USCC,
        holder_name="佛山市顺德区美盈电器制造有限公司",
    )
    verdict = one(hs_code=BREAKER, number="2025010302000009")
    assert (verdict.verdict, verdict.reason_code) == (Verdict.INVALID, "wrong_route")
    # Before 2020 the product could still be certified.
    assert (
        one(day=dt.date(2019, 6, 1), hs_code=BREAKER, number="2025010302000009").reason_code != "wrong_route"
    )


def test_a_self_declaration_for_a_certification_product_covers_nothing(cat_world: CatWorld) -> None:
    verdict = one(number=cat_world.declarations["valid"].number)
    assert (verdict.verdict, verdict.reason_code) == (Verdict.INVALID, "other_product")


def test_either_route_takes_a_certificate(cat_world: CatWorld) -> None:
    assert one(hs_code="8414301100", number="2025010704000007").verdict == Verdict.COVERED


def test_what_is_needed_follows_the_route(cat_world: CatWorld) -> None:
    assert "a self-declaration is needed" in one(hs_code=BREAKER, number="").reason
    assert "a CCC certificate or a self-declaration is needed" in one(hs_code="8414301100", number="").reason


def test_a_removed_product_needs_nothing_after_its_removal(cat_world: CatWorld) -> None:
    assert one(day=dt.date(2018, 6, 10), hs_code="8424200000", number="").verdict == Verdict.MISSING
    assert one(day=dt.date(2018, 6, 11), hs_code="8424200000", number="").verdict == Verdict.NOT_IN_CATALOGUE


def test_hs_codes_count_only_in_their_period(cat_world: CatWorld) -> None:
    assert one(day=dt.date(2021, 12, 31), hs_code="8517130000").verdict == Verdict.NOT_IN_CATALOGUE
    assert one(day=dt.date(2022, 1, 1), hs_code="8517130000").verdict == Verdict.MISSING
    assert one(day=dt.date(2021, 12, 31), hs_code="8517121000").verdict == Verdict.MISSING
    assert one(day=dt.date(2022, 1, 1), hs_code="8517121000").verdict == Verdict.NOT_IN_CATALOGUE


@pytest.mark.parametrize(
    ("values", "reason_code"),
    [
        ({"hs_code": ""}, "missing_hs_code"),
        ({"hs_code": "8516.60"}, "bad_hs_code"),
        ({"hs_code": "85166010OO"}, "bad_hs_code"),
        ({"hs_code": "八五一六六〇一〇〇〇"}, "bad_hs_code"),
        ({"importer_uscc": ""}, "missing_importer"),
        ({"importer_uscc": "91440606724359870"}, "bad_uscc"),
        ({"quantity": "十台"}, "bad_quantity"),
        ({"model": "M" * 201}, "too_long"),
    ],
)
def test_a_line_that_cannot_be_read_is_invalid_with_the_reason(
    cat_world: CatWorld, values: dict[str, Any], reason_code: str
) -> None:
    verdict = one(number="2025010718000001", **values)
    assert (verdict.verdict, verdict.reason_code) == (Verdict.INVALID, reason_code)


def test_widths_scripts_and_separators_do_not_decide(cat_world: CatWorld) -> None:
    verdict = one(
        hs_code="８５１６ ６０１０ ００",
        number=" ２０２５０１０７１８０００００１ ",
        model="ｍｙ－ｆｂ４０ａ",
    )
    assert verdict.verdict == Verdict.COVERED
    assert (
        one(hs_code=8516601000, number="2025010718000001", product_name="電飯鍋").verdict == Verdict.COVERED
    )


def test_a_duplicate_line_is_judged_and_points_to_the_first(cat_world: CatWorld) -> None:
    rows = [line(number="2025010718000001"), line(number=""), line(number="2025010718000001")]
    with translation.override("en"):
        result = check_lines(read_lines(rows), DAY)
    assert [v.duplicate_of for v in result.verdicts] == [None, None, 1]
    assert result.verdicts[2].verdict == Verdict.COVERED
    assert "The same as line 1." in result.verdicts[2].reason


def test_trusted_importers_go_after_release_unless_a_line_is_wrong(cat_world: CatWorld) -> None:
    services.set_trust_class(
        acting_user=cat_world.supervisor, holder=cat_world.maker_holder, trusted=True, reason="A类企业"
    )
    result = check_lines(read_lines([line(number="2025010718000001"), line(hs_code="8471300000")]), DAY)
    assert [v.lane for v in result.verdicts] == [Lane.AFTER_RELEASE, Lane.AFTER_RELEASE]
    assert result.lane == Lane.AFTER_RELEASE
    mixed = check_lines(read_lines([line(number="2025010718000001"), line(number="")]), DAY)
    assert [v.lane for v in mixed.verdicts] == [Lane.AFTER_RELEASE, Lane.BEFORE_RELEASE]
    assert mixed.lane == Lane.BEFORE_RELEASE
    other = check_lines(read_lines([line(number="2025010718000006", importer_uscc=OTHER_USCC)]), DAY)
    assert other.lane == Lane.BEFORE_RELEASE


def test_a_check_is_recorded_with_every_line_and_its_audit_event(
    cat_world: CatWorld, django_assert_max_num_queries: Any
) -> None:
    rows = [line(number="2025010718000001"), line(number=""), line(hs_code="bad")]
    check, _result = services.check_import(
        acting_user=cat_world.officer,
        organisation=cat_world.customs,
        rows=rows,
        source=ImportCheck.Source.FORM,
        declared_on=DAY,
        reference="530120260000123456",
    )
    stored = list(check.lines.values_list("line", "verdict", "reason_code", "hs_code"))
    assert stored == [
        (1, "covered", "certificate_valid", RICE_COOKER),
        (2, "missing", "no_document", RICE_COOKER),
        (3, "invalid", "bad_hs_code", "bad"),
    ]
    assert check.counts["covered"] == 1 and check.counts["invalid"] == 1 and check.line_count == 3
    event = AuditEvent.objects.get(event_type=EventType.IMPORT_CHECKED)
    assert event.actor == cat_world.officer and event.data["counts"]["missing"] == 1


def test_a_thousand_lines_are_checked_in_four_queries(
    cat_world: CatWorld, django_assert_max_num_queries: Any
) -> None:
    rows = [line(number="2025010718000001", quantity=str(n + 1)) for n in range(1000)]
    lines = read_lines(rows)
    with django_assert_max_num_queries(4):
        result = check_lines(lines, DAY)
    assert result.counts["covered"] == 1000


def test_the_raw_lookups_name_the_models_tables() -> None:
    from certis.catalogue.selectors.lookups import CERTIFICATE_SQL, TRUSTED_SQL
    from certis.certificates.models import Certificate, Holder

    assert f"FROM {Certificate._meta.db_table} c JOIN {Holder._meta.db_table} h" in CERTIFICATE_SQL
    assert f"FROM {Holder._meta.db_table} WHERE" in TRUSTED_SQL


def test_the_orm_and_the_raw_lookup_ask_for_the_same_columns() -> None:
    from certis.catalogue.selectors.lookups import CERTIFICATE_COLUMNS, CERTIFICATE_SQL

    selected = CERTIFICATE_SQL.split("SELECT ")[1].split(" FROM")[0].split(", ")
    assert len(selected) == len(CERTIFICATE_COLUMNS)
    assert [column.split(".")[1] for column in selected] == [
        name.removeprefix("holder__") for name in CERTIFICATE_COLUMNS
    ]
