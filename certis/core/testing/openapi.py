"""Checking an API answer against the OpenAPI document that promises it (the tests of every app's API)."""

from __future__ import annotations

from typing import Any


def check(value: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "$") -> None:
    """The part of JSON Schema that Ninja's documents use: $ref, anyOf, enum, type, properties, required."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return check(value, document["components"]["schemas"][name], document, where)
    if "anyOf" in schema:
        failures = []
        for option in schema["anyOf"]:
            try:
                return check(value, option, document, where)
            except AssertionError as error:
                failures.append(str(error))
        raise AssertionError(f"{where}: matches no option: {failures}")
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "boolean": bool,
        "null": type(None),
    }
    if "type" in schema:
        assert isinstance(value, types[schema["type"]]), f"{where}: {value!r} is not {schema['type']}"
        assert not (schema["type"] == "integer" and isinstance(value, bool)), f"{where}: bool for integer"
    if schema.get("type") == "object":
        assert set(schema.get("required", [])) <= set(value), f"{where}: missing {schema.get('required')}"
        extra = schema.get("additionalProperties")
        if not extra:
            assert set(value) <= set(schema.get("properties", {})), f"{where}: undocumented keys"
        for key, item in value.items():
            item_schema = schema.get("properties", {}).get(key, extra)
            check(item, item_schema, document, f"{where}.{key}")
    if schema.get("type") == "array":
        for index, item in enumerate(value):
            check(item, schema["items"], document, f"{where}[{index}]")
    return None
