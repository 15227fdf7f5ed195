"""What the platform takes at its edges: text without control characters (forms and API schemas alike), and
what every operation of the API shares: paging parameters, the error answers and their place in the OpenAPI
document, and a JSON parser that bounds how deeply a body may nest.

The document lists every status an operation can answer (schemathesis holds the API to it in
``core/tests/test_api_fuzz.py``). ``document_errors`` adds the ones Ninja itself answers, from what each
operation takes: 401 where a token is needed, 422 where there is a parameter or a body to validate, 400
where there is a body to parse, 404 where the path names something.

PostgreSQL refuses NUL in text (the insert fails, and the caller got a 500); the other C0 control characters
are stored but break exports, signed payloads and the pages that show them. They are refused at the edge
with a message naming the field: ``ControlCharacterValidator`` for Django forms (``RefusesControlCharacters``
adds it to every text field of a form) and the annotated types ``Text`` and ``MultilineText`` for Ninja
schemas. Multi-line text (a Textarea, ``MultilineText``) may hold tabs and line breaks; one line may not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.errors import HttpError
from ninja.operation import Operation
from ninja.pagination import LimitOffsetPagination
from ninja.params.models import BodyModel, _MultiPartBodyModel
from ninja.parser import Parser
from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

MAX_OFFSET = 1_000_000
MAX_JSON_DEPTH = 32
"""Deeper than any body of the API needs (an import check nests three levels): deeper ones are refused
before they are read, rather than meeting Python's recursion limit."""


class Paging(Schema):
    """``limit`` and ``offset`` of a list, bounded: an unbounded offset reached the database as a number
    beyond 64 bits."""

    limit: int = Field(50, ge=1, le=200, description="How many items to return (at most 200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class ApiError(Schema):
    detail: str = Field(description="What is wrong, in the language asked for (Accept-Language).")


class ApiValidationProblem(Schema):
    type: str = Field(examples=["missing"])
    loc: list[str | int] = Field(description="Where: query, path or body, then the field.")
    msg: str


class ApiValidationError(Schema):
    detail: list[ApiValidationProblem]


class BoundedJsonParser(Parser):
    """Ninja's JSON parser, refusing bodies nested deeper than ``MAX_JSON_DEPTH`` with a 400."""

    def parse_body(self, request: HttpRequest) -> Any:
        body = request.body
        if _nesting(body) > MAX_JSON_DEPTH:
            raise HttpError(
                400, _("The body nests deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH}
            )
        return json.loads(body)


def _nesting(body: bytes) -> int:
    """How deeply the JSON text nests arrays and objects, brackets inside strings aside. Counted on the bytes
    before parsing: a cheap scan, where parsing a deep body would recurse."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _operations(router: Router, auth: Any) -> Iterator[tuple[Operation, Any]]:
    """Each operation of ``router`` and the routers inside it, with the authentication it inherits."""
    if router.auth is not NOT_SET:
        auth = router.auth
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            yield operation, auth if operation.auth_param is NOT_SET else operation.auth_param
    for _prefix, child, _tags in router._routers:
        yield from _operations(child, auth)


def _needs_token(auth: Any) -> bool:
    return auth is not NOT_SET and auth is not None and auth != []


def document_errors(api: NinjaAPI) -> None:
    """Add to each operation's answers the errors Ninja answers for it (before the routers are bound: each
    bound router copies its operations' answers)."""
    for _prefix, router in list(api._routers):
        for operation, auth in _operations(router, api.auth):
            answers: dict[Any, Any] = {}
            json_body = any(
                issubclass(model, BodyModel) and not issubclass(model, _MultiPartBodyModel)
                for model in operation.models
            )
            if _needs_token(auth):
                answers[401] = ApiError
            if operation.models:
                answers[422] = ApiValidationError
            if json_body:
                answers[400] = ApiError
            if "{" in operation.path:
                answers[404] = ApiError
            for status, model in answers.items():
                if status not in operation.response_models:
                    operation.response_models[status] = operation._create_response_model(model)


class BoundedLimitOffset(LimitOffsetPagination):
    """Ninja's limit-and-offset paging (``@paginate(BoundedLimitOffset)``), with the offset bounded too."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=200, description="How many items to return (at most 200).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


_ONE_LINE = re.compile(r"[\x00-\x1f]")
_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # tab, line feed and carriage return allowed


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control character of ``value`` that the text may not hold, or None."""
    found = (_MULTILINE if multiline else _ONE_LINE).search(value)
    return found.group() if found else None


def control_character_message(field: str, character: str) -> str:
    return _("%(field)s may not hold control characters (it holds U+%(code)04X).") % {
        "field": field,
        "code": ord(character),
    }


@deconstructible
class ControlCharacterValidator:
    """A form field's validator: refuses the control characters ``control_character`` finds."""

    code = "control_character"

    def __init__(self, field: object, *, multiline: bool = False) -> None:
        self.field, self.multiline = field, multiline

    def __call__(self, value: Any) -> None:
        character = control_character(str(value), multiline=self.multiline) if value else None
        if character is not None:
            raise ValidationError(control_character_message(str(self.field), character), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and (self.field, self.multiline) == (
            other.field,
            other.multiline,
        )


class RefusesControlCharacters:
    """Mixed into a Django form (before ``forms.Form``): each text field refuses control characters, a
    Textarea's tabs and line breaks aside."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(ControlCharacterValidator(field.label or name, multiline=multiline))


def _checked(multiline: bool) -> Any:
    def check(value: str, info: ValidationInfo) -> str:
        character = control_character(value, multiline=multiline)
        if character is not None:
            field = info.field_name or _("The text")
            raise PydanticCustomError("control_character", control_character_message(field, character))
        return value

    return check


Text = Annotated[
    str,
    AfterValidator(_checked(multiline=False)),
    Field(json_schema_extra={"pattern": "^[^\\u0000-\\u001f]*$"}),
]
"""One line of text in an API schema: no control characters."""

MultilineText = Annotated[
    str,
    AfterValidator(_checked(multiline=True)),
    Field(json_schema_extra={"pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"}),
]
"""Text of several lines in an API schema: tabs and line breaks, but no other control characters."""


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Each text in a JSON value (keys too), with where it is: ``certificates[0].holder_name``."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", str(key)
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _check_within(value: Any, info: ValidationInfo) -> Any:
    for where, text in _strings(value, info.field_name or "body"):
        character = control_character(text, multiline=True)
        if character is not None:
            raise PydanticCustomError("control_character", control_character_message(where, character))
    return value


TextWithin = AfterValidator(_check_within)
"""For a free-form JSON field (``Annotated[list[dict[str, Any]], TextWithin]``): every text in it, keys too,
as ``MultilineText``. A NUL reached PostgreSQL's jsonb, which refuses it."""
