"""The layout of docs/architecture.md, checked against the tree."""

from __future__ import annotations

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
    "app", ["accounts", "audit", "core", "demo", "governance", "bodies", "certificates", "catalogue"]
)
def test_every_app_has_a_readme(app: str) -> None:
    assert (CERTIS / app / "README.md").is_file()


def test_the_architecture_page_names_every_app() -> None:
    page = (CERTIS.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    apps = sorted(path.parent.name for path in CERTIS.glob("*/apps.py"))
    assert [app for app in apps if f"`{app}`" not in page] == []
