"""The ledger's shared fixtures and helpers: synthetic entries appended through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from certis.ledger.services import Item, append_many, integrate

MOMENT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def synthetic(count: int, start: int = 0, subjects: int = 0) -> list[Item]:
    """``count`` entries about certificates; with ``subjects``, they cycle over that many certificates."""
    return [
        Item(
            type="certificate.reported",
            subject={"certificate": f"2026{(i % subjects if subjects else i):012d}"},
            fields={"status": "valid", "holder": "美的集团股份有限公司", "n": i},
            at=MOMENT,
        )
        for i in range(start, start + count)
    ]


def append_synthetic(count: int, **options: Any) -> list[Any]:
    with transaction.atomic():
        return append_many(synthetic(count, **options))


def grow(count: int, **options: Any) -> Any:
    """Append ``count`` entries and integrate them: the checkpoint."""
    append_synthetic(count, **options)
    return integrate()
