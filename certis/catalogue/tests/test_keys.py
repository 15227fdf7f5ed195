"""The fast keys equal the full ones, on ASCII text (the fast path) and on any text (the full route)."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from certis.catalogue.keys import number_key, read_uscc, search_key
from certis.certificates.models import number_key as full_number_key
from certis.core.identifiers import make_uscc
from certis.core.text import search_key as full_search_key

ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=40)
any_text = st.text(max_size=40)


@given(
    st.one_of(ascii_text, any_text, st.text(alphabet=string.printable + "電飯鍋（）ＡＢ１２　", max_size=40))
)
@settings(deadline=None)
def test_the_fast_keys_are_the_full_keys(text: str) -> None:
    assert number_key(text) == full_number_key(text)
    assert search_key(text) == full_search_key(text)


def test_a_uscc_is_read_once_and_remembered() -> None:
    uscc = make_uscc("91440606724359871")
    assert read_uscc(uscc.lower()) == (uscc, "")
    value, problem = read_uscc(uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    assert value == "" and problem
