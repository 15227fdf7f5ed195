"""RFC 6962 Merkle tree hashing and the tile arithmetic of C2SP tlog-tiles: pure functions, no database.

A tile at level ``l`` holds up to 256 hashes, each the root of a perfect subtree of ``256**l`` leaves; tile
``n`` of level ``l`` spans the leaves ``n * 256**(l+1)`` to ``(n+1) * 256**(l+1)``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
EMPTY_ROOT = hashlib.sha256(b"").digest()
MAX_ENTRY_BYTES = 0xFFFF  # an entry bundle prefixes each entry with a big-endian uint16 length


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two number of hashes (a subtree's leaves, or a tile's hashes)."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def split_hashes(tile: bytes) -> list[bytes]:
    return [tile[i : i + HASH_SIZE] for i in range(0, len(tile), HASH_SIZE)]


def largest_power_of_two_below(n: int) -> int:
    """The k of RFC 6962 section 2.1: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def tile_widths(size: int) -> dict[int, tuple[int, int]]:
    """For a tree of ``size`` leaves, per tile level: (number of full tiles, width of the partial tile)."""
    widths: dict[int, tuple[int, int]] = {}
    level, count = 0, size
    while count > 0:
        widths[level] = (count // TILE_WIDTH, count % TILE_WIDTH)
        level, count = level + 1, count // TILE_WIDTH
    return widths


# Tile paths.

_INDEX = re.compile(r"(?:x\d{3}/)*\d{3}")


def encode_index(n: int) -> str:
    """``1234067`` → ``x001/x234/067``: zero-padded 3-digit elements, all but the last prefixed ``x``."""
    if n < 0:
        raise ValueError("A tile index is not negative.")
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n > 0:
        parts.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(parts))


def decode_index(text: str) -> int | None:
    """The inverse of :func:`encode_index`, or None for a path that is not one (no redundant leading
    ``x000`` elements: every index has exactly one path)."""
    if not _INDEX.fullmatch(text):
        return None
    n = int(text.replace("x", "").replace("/", ""))
    return n if encode_index(n) == text else None


def tile_path(level: int | str, n: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``; ``level`` is ``"entries"`` for an entry bundle."""
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{level}/{encode_index(n)}{suffix}"


_WIDTH = re.compile(r"[1-9]\d{0,2}")


def parse_width(text: str | None) -> int | None:
    """The ``W`` of ``.p/<W>``: 1 to 255 with no leading zero, or None; no suffix is a full tile."""
    if text is None:
        return TILE_WIDTH
    if not _WIDTH.fullmatch(text) or int(text) >= TILE_WIDTH:
        return None
    return int(text)


def parse_level(text: str) -> int | None:
    """``<L>``: a decimal from 0 to 63 with no leading zero."""
    if not re.fullmatch(r"0|[1-9]\d?", text) or int(text) > 63:
        return None
    return int(text)


# Hashes of arbitrary ranges, from any source of perfect subtree hashes.

SubtreeHash = Callable[[int, int], bytes]  # (height, index at that height) → hash of a perfect subtree


def range_hash(start: int, end: int, perfect: SubtreeHash) -> bytes:
    """MTH(D[start:end]) for a range that starts on a boundary of its own split (as RFC 6962's recursion
    produces), built from perfect aligned subtrees."""
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        height = n.bit_length() - 1
        return perfect(height, start >> height)
    k = largest_power_of_two_below(n)
    return node_hash(range_hash(start, start + k, perfect), range_hash(start + k, end, perfect))


def inclusion_path(index: int, start: int, end: int, perfect: SubtreeHash) -> list[bytes]:
    """RFC 6962 section 2.1.1: PATH(m, D[start:end]) for the leaf ``index``, nearest the leaf first."""
    n = end - start
    if n <= 1:
        return []
    k = largest_power_of_two_below(n)
    if index - start < k:
        return [*inclusion_path(index, start, start + k, perfect), range_hash(start + k, end, perfect)]
    return [*inclusion_path(index, start + k, end, perfect), range_hash(start, start + k, perfect)]


class CompactRange:
    """The perfect subtrees covering the leaves seen so far, for a root at any size in O(log n).

    Used where the whole log is streamed once (integration of a fresh tree, the periodic audit)."""

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[tuple[int, bytes]] = []  # (height, hash), heights strictly decreasing

    def append(self, leaf: bytes) -> None:
        height, node = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            node = node_hash(self.stack.pop()[1], node)
            height += 1
        self.stack.append((height, node))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        node = self.stack[-1][1]
        for _height, left in reversed(self.stack[:-1]):
            node = node_hash(left, node)
        return node
