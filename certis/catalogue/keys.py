"""The comparison keys of ``certis.core.text`` and ``certis.certificates.models.number_key``, with a fast path
for ASCII text.

Checking a declaration computes several keys per line; most numbers, models and codes are ASCII, for which the
full route (NFKC, OpenCC, Unicode categories) changes nothing but costs tens of microseconds. For ASCII text
the keys here are computed by one ``str.translate`` and are equal to the full ones (a property test holds
them to it); anything else takes the full route.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import translation

from certis.certificates.models import number_key as full_number_key
from certis.core.identifiers import clean_uscc
from certis.core.text import search_key as full_search_key

_SPACE = re.compile(r"\s")
_ASCII = [chr(code) for code in range(128)]
_DROP_SPACE = str.maketrans({c: None for c in _ASCII if _SPACE.match(c)})
_SEARCH = str.maketrans(
    {c: None for c in _ASCII if _SPACE.match(c) or unicodedata.category(c).startswith(("P", "S"))}
    | {c: c.lower() for c in _ASCII if c.isupper()}
)


def number_key(text: str) -> str:
    if text.isascii():
        return text.translate(_DROP_SPACE).upper()
    return _full_number_key(text)


def search_key(text: str) -> str:
    if text.isascii():
        return text.translate(_SEARCH)
    return _full_search_key(text)


# Names and models repeat within a declaration and across declarations: the full route is remembered.
_full_number_key = lru_cache(maxsize=65536)(full_number_key)
_full_search_key = lru_cache(maxsize=65536)(full_search_key)


@lru_cache(maxsize=65536)
def _uscc(value: str, language: str | None) -> tuple[str, str]:
    try:
        return clean_uscc(value), ""
    except ValidationError as error:
        return "", error.messages[0]


def read_uscc(value: str) -> tuple[str, str]:
    """(the USCC, "") or ("", why not): ``clean_uscc``, remembered per value and language, since a declaration
    names the same importers again and again."""
    return _uscc(value, translation.get_language())
