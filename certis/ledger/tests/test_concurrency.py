"""Concurrent writers on PostgreSQL: the lock on the log's head makes them queue, with no gap and no
duplicate, even when some roll back. (SQLite serialises writers by its own lock; the test needs real
concurrent connections.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from certis.ledger.models import Entry
from certis.ledger.services import append_many, integrate

from .fixtures import synthetic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
]


def test_concurrent_writers_leave_no_gap_and_no_duplicate() -> None:
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for round_ in range(10):
                try:
                    with transaction.atomic():
                        append_many(synthetic(3, start=number * 1000 + round_ * 10, subjects=7))
                        if round_ % 4 == 3:
                            raise RuntimeError("rolled back")
                except RuntimeError:
                    pass
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    indexes = list(Entry.objects.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(6 * 8 * 3))
    assert integrate().size == len(indexes)
