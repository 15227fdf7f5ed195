"""The line parser: whatever a line holds, reading it gives a line (with a problem if it cannot be used),
never an exception; and what reads well reads the same in every width and script."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from certis.catalogue.files.declarations import split_pasted
from certis.catalogue.files.lines import FIELDS, parse_quantity, read_line, read_lines
from certis.catalogue.hs import parse_hs_code
from certis.core.identifiers import make_uscc
from certis.core.text import fold_width

USCC = make_uscc("91440606724359871")
values = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.decimals(allow_nan=False, allow_infinity=False),
)
rows = st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, values))


@given(rows, st.integers(min_value=1, max_value=5000))
@settings(max_examples=300, deadline=None)
def test_reading_any_line_never_raises_and_keeps_what_was_declared(raw: dict[str, Any], number: int) -> None:
    line = read_line(raw, number)
    assert line.line == number
    assert set(line.raw) == set(FIELDS) and all(
        isinstance(v, str) and "\x00" not in v for v in line.raw.values()
    )
    if line.problem is None:
        assert line.hs_code is not None and len(line.hs_code) == 10
        assert line.importer_uscc and len(line.importer_uscc) == 18
    else:
        code, message = line.problem
        assert code and message


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10),
    st.text(alphabet="ABCDEFGH-0123456789", max_size=12),
)
@settings(deadline=None)
def test_full_width_text_reads_as_half_width(digits: str, model: str) -> None:
    def wide(text: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    narrow = read_line({"hs_code": digits, "model": model, "number": model, "importer_uscc": USCC}, 1)
    broad = read_line(
        {"hs_code": wide(digits), "model": wide(model), "number": wide(model), "importer_uscc": wide(USCC)}, 1
    )
    assert broad.problem == narrow.problem is None
    assert (broad.hs_code, broad.model_key, broad.number_key) == (
        narrow.hs_code,
        narrow.model_key,
        narrow.number_key,
    )
    assert broad.identity == narrow.identity


def test_names_in_traditional_and_simplified_script_read_alike() -> None:
    simplified = read_line(
        {"hs_code": "8516601000", "product_name": "电饭锅", "model": "电压力锅-5L", "importer_uscc": USCC}, 1
    )
    traditional = read_line(
        {"hs_code": "8516601000", "product_name": "電飯鍋", "model": "電壓力鍋-5L", "importer_uscc": USCC}, 1
    )
    assert (simplified.name_key, simplified.model_key) == (traditional.name_key, traditional.model_key)


@given(st.lists(rows, max_size=30))
@settings(deadline=None)
def test_lines_are_numbered_in_order(raws: list[dict[str, Any]]) -> None:
    assert [line.line for line in read_lines(raws)] == list(range(1, len(raws) + 1))


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none()))
@settings(deadline=None)
def test_a_quantity_is_a_positive_number_or_refused(value: Any) -> None:
    try:
        quantity = parse_quantity(value)
    except ValueError:
        return
    assert quantity is None or quantity > 0


def test_thousands_separators_are_allowed_in_quantities() -> None:
    assert str(parse_quantity("1,000")) == "1000" and str(parse_quantity("1 000")) == "1000"


def test_the_importer_defaults_to_the_declarations() -> None:
    line = read_lines([{"hs_code": "8516601000"}], default_importer=USCC)[0]
    assert line.problem is None and line.importer_uscc == USCC


def test_pasted_lines_skip_headings_and_blank_rows() -> None:
    text = "HS编码\t商品名称\t型号\n8516601000\t电饭锅\tMY-FB40A\n\n8516710000，电水壶，K-1"
    assert split_pasted(text) == [
        {"hs_code": "8516601000", "product_name": "电饭锅", "model": "MY-FB40A"},
        {"hs_code": "8516710000", "product_name": "电水壶", "model": "K-1"},
    ]


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
@settings(deadline=None)
def test_an_hs_code_read_from_a_line_is_the_one_parsed(digits: str) -> None:
    assert read_line({"hs_code": fold_width(digits), "importer_uscc": USCC}, 1).hs_code == parse_hs_code(
        digits
    )


@given(st.text(max_size=40))
@settings(deadline=None)
def test_the_text_of_a_cell_is_squashed_as_everywhere(text: str) -> None:
    from certis.catalogue.files.lines import _text
    from certis.core.text import squash_spaces

    assert _text(text) == squash_spaces(text).replace("\x00", "")
