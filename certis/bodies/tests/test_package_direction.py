"""The register never imports the applications: ``applications`` may import ``register``, never the reverse
(docs/architecture.md). Every import of every module of ``certis/bodies/register/`` is read, those inside
functions and under ``if TYPE_CHECKING:`` too, with relative imports resolved against the module's package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CERTIS_PARENT = Path(__file__).resolve().parents[3]
REGISTER = CERTIS_PARENT / "certis" / "bodies" / "register"
FORBIDDEN = "certis.bodies.applications"
REGISTER_MODULES = sorted(REGISTER.rglob("*.py"))


def package_of(path: Path) -> str:
    """The dotted name of the package a module file belongs to (a package's ``__init__`` is its own)."""
    parts = list(path.relative_to(CERTIS_PARENT).with_suffix("").parts)
    return ".".join(parts[:-1])


def imported_names(source: str, package: str) -> list[str]:
    """Every module, or name in a module, that the source imports: ``from .. import x`` in package
    ``certis.bodies.register`` gives ``certis.bodies`` and ``certis.bodies.x``."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{module}" if module else base
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def reaching_applications(names: list[str]) -> list[str]:
    return [name for name in names if name == FORBIDDEN or name.startswith(FORBIDDEN + ".")]


def test_the_register_package_is_where_the_check_looks() -> None:
    assert {path.name for path in REGISTER_MODULES} >= {
        "__init__.py",
        "services.py",
        "lifecycle.py",
        "api.py",
    }


@pytest.mark.parametrize("path", REGISTER_MODULES, ids=lambda path: path.name)
def test_no_register_module_imports_the_applications(path: Path) -> None:
    names = imported_names(path.read_text(encoding="utf-8"), package_of(path))
    assert reaching_applications(names) == []


@pytest.mark.parametrize(
    "source",
    [
        "from ..applications import services\n",
        "from .. import applications\n",
        "def f():\n    from ..applications.access import acts_for\n",
        "import certis.bodies.applications.views\n",
        "from certis.bodies import applications\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ...bodies.applications import lifecycle\n",
    ],
)
def test_the_check_catches_every_way_of_reaching_the_applications(source: str) -> None:
    assert reaching_applications(imported_names(source, "certis.bodies.register")) != []


def test_the_check_lets_the_register_import_its_own_and_the_models() -> None:
    source = "from . import services\nfrom ..models import Body\nfrom .lifecycle import BODY_MOVES\n"
    assert reaching_applications(imported_names(source, "certis.bodies.register")) == []
