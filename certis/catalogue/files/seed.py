"""The seed files of the catalogue (``certis/catalogue/seed/*.csv``, sources in ``seed/sources.md``): CSV in
UTF-8 whose lines starting with ``#`` are comments. Reading only; ``services.seed`` loads them."""

from __future__ import annotations

import csv
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seed"


def read_csv(name: str, directory: Path = SEED) -> list[dict[str, str]]:
    """The rows of a seed file; lines starting with ``#`` are comments."""
    with (directory / name).open(encoding="utf-8", newline="") as file:
        lines = [line for line in file if not line.startswith("#")]
    return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(lines)]
