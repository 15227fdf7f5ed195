"""The permission tests' one runner: a table of pages, one row per page and one column per person, asked of
everyone on the same data.

A module lists its ``Row``\\ s (name, method, URL, the answer each person should get, what a POST sends) and a
dict person → logged-in ``Client``; :func:`assert_answers` asks every row of everyone and compares the whole
table at once, printing only the cells that differ. Each request runs in a savepoint that is rolled back, so
one person's success does not change what the next person is asked about.

A row may name what a success changes (``changes``: a count, a status, whether a record exists): the runner
then also checks, inside each person's savepoint, that a success (a 2xx or 3xx answer) changed it and any other
answer left it as it was. A cell that breaks this reads, for instance, ``"403, and it changed"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.test import Client

from . import answer

W = TypeVar("W")
Answer = int | str
Table = dict[str, dict[str, Answer]]


@dataclass(frozen=True)
class Row(Generic[W]):
    """One page or endpoint: how to ask it of the test's world, and what each person should get."""

    name: str
    method: str  # "get" or "post"
    url: Callable[[W], str]
    expected: Mapping[str, Answer]
    data: Callable[[W], dict[str, Any]] | None = None
    content_type: str | None = None  # posts the data encoded so (JSON) instead of as a form
    changes: Callable[[W], object] | None = None  # what a success changes and anything else leaves alone

    def __str__(self) -> str:
        return self.name


def succeeds(expected: Answer) -> bool:
    return isinstance(expected, int) and 200 <= expected < 400


def ask(row: Row[W], client: Client, world: W, read: Callable[[Any], Answer] = answer) -> Answer:
    """One person's answer, for real: nothing is undone."""
    url = row.url(world)
    if row.method == "get":
        return read(client.get(url))
    data = row.data(world) if row.data else {}
    if row.content_type:
        return read(client.post(url, data, content_type=row.content_type))
    return read(client.post(url, data))


def answers(
    row: Row[W], clients: Mapping[str, Client], world: W, read: Callable[[Any], Answer] = answer
) -> dict[str, Answer]:
    """Each person's answer on the same data: whatever one person's request changes is undone."""
    got: dict[str, Answer] = {}
    for name, client in clients.items():
        with transaction.atomic():
            before = row.changes(world) if row.changes else None
            got[name] = ask(row, client, world, read)
            if row.changes:
                changed = row.changes(world) != before
                if changed != succeeds(got[name]):
                    got[name] = (
                        f"{got[name]}, and it changed" if changed else f"{got[name]}, but nothing changed"
                    )
            transaction.set_rollback(True)
    return got


def table(
    rows: Iterable[Row[W]], clients: Mapping[str, Client], world: W, read: Callable[[Any], Answer] = answer
) -> Table:
    """The actual answers: row name → person → answer."""
    return {row.name: answers(row, clients, world, read) for row in rows}


def differences(expected: Table, actual: Table) -> str:
    """The cells that differ, one line each; empty when the tables agree."""
    lines = []
    for name, people in expected.items():
        got = actual.get(name, {})
        for person in [*people, *(person for person in got if person not in people)]:
            want, have = people.get(person, "—"), got.get(person, "—")
            if want != have:
                lines.append(f"{name:<32} {person:<20} expected {want!s:<8} got {have}")
    return "\n".join(lines)


def assert_answers(
    rows: Iterable[Row[W]], clients: Mapping[str, Client], world: W, read: Callable[[Any], Answer] = answer
) -> None:
    """Everyone asked on every row, the whole table compared at once."""
    rows = list(rows)
    expected = {row.name: dict(row.expected) for row in rows}
    assert len(expected) == len(rows), "two rows of the table have the same name"
    actual = table(rows, clients, world, read)
    diff = differences(expected, actual)
    assert not diff, "answers that differ from the table:\n" + diff


def refused(row: Row[W]) -> list[str]:
    """The people the row expects to be refused."""
    return [name for name, expected in row.expected.items() if not succeeds(expected)]


def send_as_the_refused(rows: Iterable[Row[W]], clients: Mapping[str, Client], world: W) -> None:
    """Each refused person's request sent for real, one after the other and not undone: the test then checks
    that the data is as it was."""
    for row in rows:
        for name in refused(row):
            ask(row, clients[name], world)
