"""The models' choices as the API shows them.

The OpenAPI document files each enum under its class name, in one namespace for the whole API: the models'
``Kind``, ``Status`` and ``Role`` (``Body.Status``, ``Certificate.Status``, ``ImportJob.Status``…) would
overwrite one another there. :func:`api_enum` makes an enum of the API's own name from a model's choices (or
some of them), so the values are never copied by hand. To the type checker, declare the name as the model's
own choices under ``TYPE_CHECKING`` (see ``certis.bodies.register.api``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import cast


def api_enum(name: str, values: Iterable[str], *, module: str) -> type[enum.StrEnum]:
    """An enum named ``name`` whose members are ``values`` (a model's choices, or some of them)."""
    members = [(str(value).upper(), str(value)) for value in values]
    return cast(type[enum.StrEnum], enum.StrEnum(name, members, module=module))
