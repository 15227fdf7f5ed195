"""HS codes as China's customs write them: 10 digits (the 8 of the tariff and 2 for statistics).

People write them grouped (``8516.6010.00``, ``8516 60 10 00``, ``8516-6010-00``), in full-width digits, or
type them into Excel, which keeps them as numbers and drops a leading zero. :func:`parse_hs_code` takes all of
these and gives the 10 digits, or refuses with a reason that says what is wrong.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from certis.core.text import fold_width

HS_LENGTH = 10
# Dots, hyphens and any white space may group the digits; nothing else may appear.
_SEPARATORS = re.compile(r"[\s.\-]+")
_DIGITS = re.compile(r"[0-9]+")


class HsCodeError(ValueError):
    """Why a value is not an HS code; ``code`` is ``missing_hs_code`` or ``bad_hs_code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _from_number(value: int | float | Decimal) -> str | None:
    """A code Excel stored as a number: a whole number of at most 10 digits, with the leading zeros it lost."""
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        return None
    digits = str(int(number))
    return digits.zfill(HS_LENGTH) if len(digits) <= HS_LENGTH else None


def parse_hs_code(value: Any) -> str:
    """The 10 digits of an HS code, or :class:`HsCodeError`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise HsCodeError("missing_hs_code", _("The HS code is missing."))
    if isinstance(value, bool):
        raise HsCodeError("bad_hs_code", _("%(value)s is not an HS code.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        digits = _from_number(value)
        if digits is None:
            raise HsCodeError("bad_hs_code", _("%(value)s is not an HS code.") % {"value": value})
        return digits
    text = fold_width(str(value)).strip()
    compact = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(compact or "x"):
        raise HsCodeError(
            "bad_hs_code",
            _("%(value)s is not an HS code: write its 10 digits, such as 8516.6010.00.")
            % {"value": text[:40]},
        )
    if len(compact) != HS_LENGTH:
        raise HsCodeError(
            "bad_hs_code",
            _("%(value)s has %(count)d digits; an HS code has 10, such as 8516.6010.00.")
            % {"value": text[:40], "count": len(compact)},
        )
    return compact


def hs_prefix(value: str) -> str:
    """The digits of the beginning of an HS code typed for a search (``8516.6`` → ``85166``); separators
    are dropped, and anything else makes it no prefix at all (an empty string)."""
    compact = _SEPARATORS.sub("", fold_width(value or "").strip())
    return compact if _DIGITS.fullmatch(compact or "x") and len(compact) <= HS_LENGTH else ""


def format_hs_code(code: str) -> str:
    """``8516601000`` → ``8516.6010.00``, the way the tariff prints it."""
    if len(code) != HS_LENGTH or not code.isdigit():
        return code
    return f"{code[:4]}.{code[4:8]}.{code[8:]}"
