"""The tree, its tiles, checkpoints and inclusion proofs against an independent RFC 6962 reference, for
log sizes 0, 1, 255, 256, 257, 65,536 and 70,000: one log of 70,000 synthetic entries, integrated in steps
so that a checkpoint is signed at each size (built once for the module)."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from certis.ledger import merkle
from certis.ledger.models import Checkpoint, Entry, Tile
from certis.ledger.selectors import inclusion_proof
from certis.ledger.services import append_many, integrate

from . import reference
from .fixtures import synthetic

SIZES = [0, 1, 255, 256, 257, 65_536, 70_000]


@pytest.fixture(scope="module")
def log(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        checkpoints = {0: integrate()}
        entries = append_many(synthetic(SIZES[-1], subjects=5_000))
        for before, size in itertools.pairwise(SIZES):
            checkpoints[size] = integrate(limit=size - before)
        hashes = [reference.leaf(entry.data.encode()) for entry in entries]
        yield {"checkpoints": checkpoints, "hashes": hashes}
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_each_checkpoint_holds_the_reference_root(log: dict[str, Any], size: int) -> None:
    checkpoint = log["checkpoints"][size]
    root = reference.mth(log["hashes"][:size])
    assert (checkpoint.size, bytes(checkpoint.root_hash)) == (size, root)
    body = f"certis.example/log\n{size}\n{base64.b64encode(root).decode()}\n"
    assert checkpoint.note.startswith(body + "\n— certis.example/log ")


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_the_tiles_served_for_each_size_are_the_reference_tiles(log: dict[str, Any], size: int) -> None:
    client = Client()
    expected = reference.tiles(log["hashes"][:size])
    for (level, n), data in expected.items():
        response = client.get(reference.tile_url(level, n, len(data) // 32))
        assert response.status_code == 200, (level, n)
        assert response.content == data, (level, n)


def test_the_spec_s_tree_of_70000_has_the_tiles_it_lists() -> None:
    assert merkle.tile_widths(70_000) == {0: (273, 112), 1: (1, 17), 2: (0, 1)}
    assert merkle.tile_widths(256) == {0: (1, 0), 1: (0, 1)}
    assert merkle.tile_widths(0) == {}


@pytest.mark.django_db
def test_the_stored_tiles_are_those_of_the_final_tree(log: dict[str, Any]) -> None:
    stored = {(tile.level, tile.index): bytes(tile.hashes) for tile in Tile.objects.all()}
    assert stored == reference.tiles(log["hashes"])
    assert Entry.objects.count() == 70_000 and Checkpoint.objects.count() == len(SIZES)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 255, 256, 257, 65_536, 70_000])
def test_inclusion_proofs_match_the_reference_and_lead_to_the_root(log: dict[str, Any], size: int) -> None:
    hashes = log["hashes"][:size]
    root = reference.mth(hashes)
    indexes = sorted({0, size // 3, size // 2, size - 2, size - 1} - {-1})
    for index in indexes:
        proof = inclusion_proof(index, size)
        assert reference.root_from_path(index, size, hashes[index], proof) == root
    for index in indexes[:2] if size > 1_000 else indexes:
        assert inclusion_proof(index, size) == reference.path(index, hashes)


@pytest.mark.django_db
def test_an_inclusion_proof_beyond_the_signed_tree_is_refused(log: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        inclusion_proof(70_000, 70_000)
    with pytest.raises(ValueError):
        inclusion_proof(0, 70_001)


@pytest.mark.parametrize(
    ("n", "path"),
    [
        (0, "000"),
        (67, "067"),
        (1000, "x001/000"),
        (1_234_067, "x001/x234/067"),
        (10**9, "x001/x000/x000/000"),
    ],
)
def test_tile_indexes_are_encoded_as_the_spec_says(n: int, path: str) -> None:
    assert merkle.encode_index(n) == path == reference.encode(n)
    assert merkle.decode_index(path) == n


@pytest.mark.parametrize("path", ["67", "0067", "x000/067", "x1/067", "x001/x234", "001/234", "x001/234/"])
def test_other_spellings_of_an_index_are_not_tile_paths(path: str) -> None:
    assert merkle.decode_index(path) is None


@pytest.mark.parametrize(
    ("text", "width"), [(None, 256), ("1", 1), ("255", 255), ("256", None), ("0", None), ("05", None)]
)
def test_partial_widths_run_from_1_to_255(text: str | None, width: int | None) -> None:
    assert merkle.parse_width(text) == width


def test_the_compact_range_gives_the_reference_root_at_every_size() -> None:
    hashes = [reference.leaf(str(i).encode()) for i in range(600)]
    compact = merkle.CompactRange()
    assert compact.root() == reference.EMPTY
    for i, value in enumerate(hashes):
        compact.append(value)
        assert compact.root() == reference.mth(hashes[: i + 1])
