"""The layout of docs/architecture.md, checked against the tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CERTIS = Path(__file__).resolve().parents[2]
MAX_LINES = 800


def python_modules() -> list[Path]:
    return [path for path in CERTIS.rglob("*.py") if "migrations" not in path.parts]


def test_no_module_passes_800_lines() -> None:
    long = {
        str(path.relative_to(CERTIS)): lines
        for path in python_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    "app",
    [
        "accounts",
        "audit",
        "core",
        "demo",
        "governance",
        "bodies",
        "certificates",
        "catalogue",
        "ledger",
        "portal",
    ],
)
def test_every_app_has_a_readme(app: str) -> None:
    assert (CERTIS / app / "README.md").is_file()


def test_the_architecture_page_names_every_app() -> None:
    page = (CERTIS.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    apps = sorted(path.parent.name for path in CERTIS.glob("*/apps.py"))
    assert [app for app in apps if f"`{app}`" not in page] == []


# Writes only in services: the ORM calls that change rows, and where they may be made.
WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_STEPS = {
    "objects",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "only",
    "using",
}
NOT_ORM = {
    "super",
    "_qr",
    "segno",
    "workbook",
    "book",
    "storage",
    "default_storage",
    "cache",
    "session",
    "digest",
    "hasher",
    "sha",
}
WRITERS = {"services", "migrations", "tests", "testing", "demo"}  # packages whose modules may write
MAX_TOP_MODULES = 15


def _receiver_names(node: ast.expr) -> list[str]:
    """The names along an attribute chain: ``Model.objects.filter(...).update`` gives Model, objects, filter."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def orm_writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITES:
            continue
        chain = _receiver_names(node.func.value)
        if chain and chain[0] in NOT_ORM:
            continue
        if method in {"save", "delete"} or QUERYSET_STEPS & set(chain):
            found.append((node.lineno, ".".join([*chain, method])))
    return found


def test_writes_only_in_services() -> None:
    """No ``.save()``, ``.create()``, ``.update()``, ``.delete()``… on a model outside a ``services`` module
    (migrations, tests and the demonstration data aside): docs/architecture.md, "Writes only in services"."""
    outside: dict[str, list[str]] = {}
    for path in python_modules():
        parts = set(path.relative_to(CERTIS).with_suffix("").parts)
        if WRITERS & parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        writes = [f"{line}: {call}" for line, call in orm_writes(tree)]
        if writes:
            outside[str(path.relative_to(CERTIS))] = writes
    assert outside == {}


def test_the_scan_sees_writes() -> None:
    source = "def f(m, qs):\n    m.save()\n    M.objects.create(a=1)\n    qs.filter(a=1).update(b=2)\n    d.update(x)\n"
    assert [call for _line, call in orm_writes(ast.parse(source))] == [
        "m.save",
        "M.objects.create",
        "qs.filter.update",
    ]


@pytest.mark.parametrize(
    "app",
    [
        "accounts",
        "audit",
        "core",
        "demo",
        "governance",
        "bodies",
        "certificates",
        "catalogue",
        "ledger",
        "portal",
    ],
)
def test_no_app_has_more_than_15_modules_at_its_top(app: str) -> None:
    assert len(list((CERTIS / app).glob("*.py"))) <= MAX_TOP_MODULES


def _allowed_imports() -> dict[str, set[str]]:
    """The architecture page's table: each app and the apps it may import."""
    page = (CERTIS.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    allowed: dict[str, set[str]] = {}
    for line in page.split("## The shape of an app")[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("`"):
            app = cells[0].strip("`")
            allowed[app] = {name.strip().split(" ")[0].strip("`") for name in cells[2].split(",")}
    return allowed


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (imports the type checker alone reads)."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        nodes.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def _imported_apps(path: Path, apps: set[str]) -> set[str]:
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "certis" and parts[1] in apps:
                found.add(parts[1])
    return found


def test_apps_import_only_what_the_architecture_page_allows() -> None:
    allowed = _allowed_imports()
    apps = set(allowed)
    wrong: dict[str, list[str]] = {}
    for app, may in allowed.items():
        if "everything" in may:
            continue
        for path in (CERTIS / app).rglob("*.py"):
            if {"tests", "migrations", "testing"} & set(path.relative_to(CERTIS).parts):
                continue
            beyond = _imported_apps(path, apps) - may - {app}
            if beyond:
                wrong[str(path.relative_to(CERTIS))] = sorted(beyond)
    assert wrong == {}
