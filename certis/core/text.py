"""Text normalisation shared by search, import and matching.

Users type simplified and traditional script alike (電器/电器, 牽頭/牵头), with half- or full-width
punctuation and stray spaces. Everything that compares names goes through :func:`normalize`, so that
those differences never decide whether two names are the same.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation become their half-width forms (NFKC).

    The ideographic space (U+3000) becomes a plain space; CJK characters are unchanged.
    """
    return unicodedata.normalize("NFKC", text)


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text))


def normalize(text: str) -> str:
    """The comparison key of a name: half-width, simplified, no white space, case-folded."""
    if text.isascii():  # already half-width, and no script to convert: the common case of codes and numbers
        return _WHITESPACE.sub("", text).casefold()
    return _WHITESPACE.sub("", to_simplified(fold_width(text))).casefold()


def tidy(text: str) -> str:
    """Collapse runs of white space (including U+3000) to one space and trim the ends, keeping the text's
    own widths: a name keeps its full-width brackets as printed."""
    return _WHITESPACE.sub(" ", text).strip()


def squash_spaces(text: str) -> str:
    """Collapse runs of white space (including U+3000) to one space and trim the ends."""
    return _WHITESPACE.sub(" ", fold_width(text)).strip()


@lru_cache(maxsize=1)
def _drop_punctuation() -> dict[int, None]:
    """A translation table deleting every punctuation and symbol character of Unicode (built once, on use)."""
    return dict.fromkeys(c for c in range(0x110000) if unicodedata.category(chr(c)).startswith(("P", "S")))


def search_key(text: str) -> str:
    """The key that substring search matches on: :func:`normalize` without punctuation or symbols.

    Brackets, dots, dashes and the like differ between how a name is printed and how it is typed
    (``（北京）`` / ``(北京)`` / ``北京``), so they are dropped on both sides; letters, digits and CJK
    characters remain.
    """
    return normalize(text).translate(_drop_punctuation())
