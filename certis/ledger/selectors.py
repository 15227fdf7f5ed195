"""Reads of the log: what ``/log/`` serves, inclusion proofs, and the last entry about a record."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Mapping

from .merkle import HASH_SIZE, TILE_WIDTH, inclusion_path
from .models import Checkpoint, Entry, LogKey, Tile
from .services.append import subject_key
from .tree import TileReader


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.select_related("key").order_by("-id").first()


def signed_size() -> int:
    checkpoint = Checkpoint.objects.order_by("-id").values_list("size", flat=True).first()
    return checkpoint or 0


def tile_data(level: int, index: int, width: int) -> bytes | None:
    """The tile's first ``width`` hashes (256: the full tile), or None when the tree does not have them
    yet. A partial tile is served as a prefix of the stored tile, which only ever grows, so a tree size a
    checkpoint was signed for keeps its partial tiles after the tile fills."""
    stored = Tile.objects.filter(level=level, index=index).values_list("hashes", flat=True).first()
    if stored is None or len(stored) < width * HASH_SIZE:
        return None
    return bytes(stored[: width * HASH_SIZE])


def entry_bundle(index: int, width: int) -> bytes | None:
    """Entries ``index * 256`` onwards, ``width`` of them, each as a big-endian uint16 length and its bytes;
    None unless a checkpoint covers them all."""
    start = index * TILE_WIDTH
    if start + width > signed_size():
        return None
    rows = Entry.objects.filter(index__gte=start, index__lt=start + width).order_by("index")
    leaves = [data.encode("utf-8") for data in rows.values_list("data", flat=True)]
    if len(leaves) != width:
        return None
    return b"".join(struct.pack(">H", len(leaf)) + leaf for leaf in leaves)


def published_keys() -> list[LogKey]:
    return list(LogKey.objects.order_by("-created_at", "-id"))


def keys_document() -> bytes:
    """``/log/keys``: every key the log ever signed with, newest first, with the time each was in use."""
    listed = [
        {
            "verifier_key": key.verifier_key,
            "created_at": key.created_at.isoformat(),
            "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        }
        for key in published_keys()
    ]
    return (json.dumps({"keys": listed}, indent=1) + "\n").encode()


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """The RFC 6962 audit path of entry ``index`` in the tree of ``size`` leaves (a size some checkpoint was
    signed for), nearest the leaf first, read from the stored tiles."""
    if not 0 <= index < size or size > signed_size():
        raise ValueError(f"Entry {index} is not in a signed tree of size {size}.")
    return inclusion_path(index, 0, size, TileReader().perfect)


def latest_entry_for(subject: Mapping[str, str]) -> Entry | None:
    """The last entry about a record, e.g. ``latest_entry_for({"certificate": "2025010101000001"})``."""
    kind, subject_id = subject_key(subject)
    return Entry.objects.filter(subject_kind=kind, subject_id=subject_id).order_by("-index").first()


def proof_for(subject: Mapping[str, str]) -> dict[str, object] | None:
    """What a page or an answer shows of a record's place in the log: its latest entry (index and exact
    bytes) and, once a checkpoint covers it, the RFC 6962 inclusion proof against the latest checkpoint
    (base64 hashes, nearest the leaf first) with that checkpoint's size and root. None for a record the log
    does not hold; ``tree_size`` None while the entry waits for the next checkpoint (seconds)."""
    entry = latest_entry_for(subject)
    if entry is None:
        return None
    found: dict[str, object] = {"index": entry.index, "entry": entry.data}
    checkpoint = latest_checkpoint()
    if checkpoint is None or entry.index >= checkpoint.size:
        return found | {"tree_size": None, "root_hash": None, "inclusion_proof": []}
    path = inclusion_proof(entry.index, checkpoint.size)
    return found | {
        "tree_size": checkpoint.size,
        "root_hash": base64.b64encode(bytes(checkpoint.root_hash)).decode(),
        "inclusion_proof": [base64.b64encode(step).decode() for step in path],
    }
