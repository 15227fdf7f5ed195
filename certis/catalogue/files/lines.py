"""The lines of a customs declaration as they arrive (JSON from customs systems, cells of an Excel file, text
pasted into the page), read into :class:`DeclarationLine`.

Reading a line never fails: what cannot be read becomes a ``problem`` (a reason code and a message), and the
check gives that line the verdict ``invalid`` with it. Text is compared on keys that ignore width, script
(電飯鍋 / 电饭锅), case and spacing, so that a number typed in full-width characters or a name in
traditional script finds what it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certis.core.text import squash_spaces

from ..hs import HsCodeError, parse_hs_code
from ..keys import number_key, read_uscc, search_key

# The fields of a line, in the order of the Excel template.
FIELDS = ("hs_code", "product_name", "model", "quantity", "number", "importer_uscc", "exemption")
LABELS: dict[str, Any] = {
    "hs_code": gettext_lazy("HS code"),
    "product_name": gettext_lazy("Product name"),
    "model": gettext_lazy("Model"),
    "quantity": gettext_lazy("Quantity"),
    "number": gettext_lazy("Certificate or self-declaration number"),
    "importer_uscc": gettext_lazy("Importer's unified social credit code"),
    "exemption": gettext_lazy("Exemption (exemption certificate number or ground)"),
}
MAX_LENGTHS = {"product_name": 200, "model": 200, "number": 64, "exemption": 200, "quantity": 32}
_SPACES = re.compile(r"\s+")
_QUANTITY_SEPARATORS = re.compile(r"[\s,，_']")


@dataclass
class DeclarationLine:
    """One line: the values as declared (``raw_*``, for the record) and as read."""

    line: int
    raw: dict[str, str]
    hs_code: str | None = None
    product_name: str = ""
    model: str = ""
    quantity: Decimal | None = None
    number: str = ""
    importer_uscc: str = ""
    exemption: str = ""
    problem: tuple[str, str] | None = None
    # Keys for matching; filled by :func:`read_line`.
    number_key: str = ""
    model_key: str = ""
    name_key: str = ""
    identity: tuple[str, ...] = field(default_factory=tuple)

    def fail(self, code: str, message: str) -> None:
        """Keep the first problem: it is the one the officer is told."""
        if self.problem is None:
            self.problem = (code, message)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.isascii():  # width folding changes nothing in ASCII
        return _SPACES.sub(" ", text).strip().replace("\x00", "")
    return squash_spaces(text).replace("\x00", "")


def parse_quantity(value: Any) -> Decimal | None:
    """A quantity: a positive number, with thousands separators allowed (``1,000``, ``1 000``); None if blank.
    Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _QUANTITY_SEPARATORS.sub("", _text(value))
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(value) from None
    if not number.is_finite() or number <= 0 or number >= Decimal("1e12"):
        raise ValueError(value)
    return number


def read_line(raw: Mapping[str, Any], line: int, default_importer: str = "") -> DeclarationLine:
    """One declaration line, read; every problem is kept on the line, none raised."""
    texts = {name: _text(raw.get(name)) for name in FIELDS}
    result = DeclarationLine(line=line, raw=texts)
    try:
        result.hs_code = parse_hs_code(raw.get("hs_code"))
    except HsCodeError as error:
        result.fail(error.code, error.message)
    for name, limit in MAX_LENGTHS.items():
        if len(texts[name]) > limit:
            result.fail(
                "too_long",
                _("%(field)s is longer than %(limit)d characters.") % {"field": LABELS[name], "limit": limit},
            )
            texts[name] = texts[name][:limit]
    result.product_name, result.model = texts["product_name"], texts["model"]
    result.number, result.exemption = texts["number"], texts["exemption"]
    try:
        result.quantity = parse_quantity(raw.get("quantity"))
    except ValueError:
        result.fail(
            "bad_quantity",
            _("%(value)s is not a quantity: write a positive number.") % {"value": texts["quantity"][:32]},
        )
    _read_importer(result, texts["importer_uscc"] or default_importer)
    result.number_key = number_key(result.number)
    result.model_key = search_key(result.model)
    result.name_key = search_key(result.product_name)
    result.identity = (
        result.hs_code or texts["hs_code"],
        result.name_key,
        result.model_key,
        result.number_key,
        result.importer_uscc,
        search_key(result.exemption),
        str(result.quantity) if result.quantity is not None else texts["quantity"],
    )
    return result


def _read_importer(result: DeclarationLine, value: str) -> None:
    if not value:
        result.fail("missing_importer", _("The importer's unified social credit code is missing."))
        return
    uscc, problem = read_uscc(value)
    if problem:
        result.importer_uscc = value[:32]
        result.fail("bad_uscc", problem)
    else:
        result.importer_uscc = uscc


def read_lines(rows: Iterable[Mapping[str, Any]], default_importer: str = "") -> list[DeclarationLine]:
    """Every line, numbered from 1, with ``duplicate_of`` worked out by the check (see ``checking``)."""
    default = _text(default_importer)
    return [read_line(raw, number, default) for number, raw in enumerate(rows, start=1)]
