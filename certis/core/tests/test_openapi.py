"""The OpenAPI document names each schema once: Ninja files every schema under its class name in
``components.schemas``, so two classes (or enums) of one name used by the API overwrite one another there."""

from __future__ import annotations

import enum
import types
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from certis.api import api


def _types_in(annotation: Any) -> Iterator[Any]:
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _types_in(argument)


def _named_types(roots: list[Any]) -> set[type]:
    """The models and enums reachable from ``roots`` through their fields."""
    found: set[type] = set()
    pending = list(roots)
    while pending:
        for candidate in _types_in(pending.pop()):
            if not isinstance(candidate, type) or isinstance(candidate, types.GenericAlias):
                continue
            if candidate in found:
                continue
            if issubclass(candidate, enum.Enum):
                found.add(candidate)
            elif issubclass(candidate, BaseModel):
                found.add(candidate)
                pending.extend(field.annotation for field in candidate.model_fields.values())
    return found


def _operation_types() -> set[type]:
    api.get_openapi_schema()  # binds the routers
    roots: list[Any] = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # Ninja's own wrappers (a view's parameters and its responses) stay out of the document;
                # what their fields name goes in.
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        roots.extend(field.annotation for field in wrapper.model_fields.values())
    return _named_types(roots)


def test_the_api_uses_models_and_enums() -> None:
    names = {cls.__name__ for cls in _operation_types()}
    assert {"WhoAmI", "BodyPage", "ReportJobOut", "ImportCheckOut", "PlanOut"} <= names


def test_every_schema_name_belongs_to_one_class() -> None:
    by_name: defaultdict[str, set[str]] = defaultdict(set)
    for cls in _operation_types():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert clashes == {}


def test_every_component_of_the_document_is_one_of_the_apis_classes() -> None:
    names = {cls.__name__ for cls in _operation_types()}
    assert set(api.get_openapi_schema()["components"]["schemas"]) <= names
