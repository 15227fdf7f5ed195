"""Integration: committed entries beyond the tree go into the tiles, and a new checkpoint is signed.

Run every few seconds by ``certis ledger-worker`` (or the ``integrate_log`` task). Integration locks its own
counter row (``LogHead`` pk 2, the integrated size), never the appenders' one, so writers are not held up.
Entries below the appenders' committed ``next_index`` are all committed: the counter and the entries are
written in one transaction.
"""

from __future__ import annotations

import logging

from django.db import transaction

from ..merkle import TILE_WIDTH, leaf_hash, perfect_root, split_hashes
from ..models import Checkpoint, Entry, LogHead, Tile
from ..note import checkpoint_body
from ..tree import TileReader
from .append import _lock_head
from .keys import current_log_key, log_origin, sign_note

logger = logging.getLogger(__name__)
FULL_TILE_BYTES = TILE_WIDTH * 32
READ_CHUNK = 10_000


class LogGapError(RuntimeError):
    """Entries below the committed head are missing: the log cannot grow until it is repaired."""


def _leaf_hashes(start: int, end: int) -> list[bytes]:
    hashes: list[bytes] = []
    expected = start
    rows = (
        Entry.objects.filter(index__gte=start, index__lt=end).order_by("index").values_list("index", "data")
    )
    for index, data in rows.iterator(chunk_size=READ_CHUNK):
        if index != expected:
            raise LogGapError(f"Entry {expected} is missing from the log.")
        hashes.append(leaf_hash(data.encode("utf-8")))
        expected += 1
    if expected != end:
        raise LogGapError(f"Entry {expected} is missing from the log.")
    return hashes


def _grow_tiles(size: int, hashes: list[bytes], reader: TileReader) -> None:
    """Append leaf hashes to level 0; each tile that fills up sends its root one level up."""
    pending = reader.pending
    for value in hashes:
        level, position, node = 0, size, value
        while True:
            key = (level, position // TILE_WIDTH)
            if key not in pending:
                pending[key] = bytearray(reader.tile(*key))
            pending[key] += node
            if len(pending[key]) < FULL_TILE_BYTES:
                break
            node = perfect_root(split_hashes(bytes(pending[key])))
            level, position = level + 1, position // TILE_WIDTH
        size += 1


def _save_tiles(reader: TileReader) -> None:
    existing = [key for key in reader.pending if reader.cache.get(key)]
    for level, index in existing:
        Tile.objects.filter(level=level, index=index).update(hashes=bytes(reader.pending[(level, index)]))
    Tile.objects.bulk_create(
        [
            Tile(level=level, index=index, hashes=bytes(hashes))
            for (level, index), hashes in reader.pending.items()
            if not reader.cache.get((level, index))
        ],
        batch_size=1_000,
    )


def integrate(*, limit: int = 1_000_000) -> Checkpoint | None:
    """Add up to ``limit`` committed entries to the tree and sign a checkpoint of the new size. Returns the
    new checkpoint, or None when there was nothing to sign (no new entry, and the key has not changed)."""
    key = current_log_key()
    with transaction.atomic():
        integrated = _lock_head(LogHead.INTEGRATE)
        size = integrated.next_index
        committed = (
            LogHead.objects.filter(pk=LogHead.APPEND).values_list("next_index", flat=True).first() or 0
        )
        end = min(committed, size + limit)
        latest = Checkpoint.objects.order_by("-id").first()
        if end == size and latest is not None and latest.key_id == key.pk:
            return None
        reader = TileReader(pending={})
        _grow_tiles(size, _leaf_hashes(size, end), reader)
        _save_tiles(reader)
        root = reader.root(end)
        checkpoint = Checkpoint.objects.create(
            size=end, root_hash=root, note=sign_note(checkpoint_body(log_origin(), end, root), key), key=key
        )
        LogHead.objects.filter(pk=LogHead.INTEGRATE).update(next_index=end)
    logger.info("Ledger checkpoint signed at size %d.", end)
    return checkpoint
