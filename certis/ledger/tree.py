"""Reading the stored Merkle tree: any subtree's hash from the tiles, without recomputing the tree."""

from __future__ import annotations

from .merkle import HASH_SIZE, TILE_HEIGHT, TILE_WIDTH, perfect_root, range_hash, split_hashes
from .models import Tile


class TileReader:
    """Stored tiles, each read once; ``pending`` holds tiles being written, so integration reads its own."""

    def __init__(self, pending: dict[tuple[int, int], bytearray] | None = None) -> None:
        self.cache: dict[tuple[int, int], bytes] = {}
        self.pending = pending if pending is not None else {}

    def tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key in self.pending:
            return bytes(self.pending[key])
        if key not in self.cache:
            stored = Tile.objects.filter(level=level, index=index).values_list("hashes", flat=True).first()
            self.cache[key] = bytes(stored) if stored is not None else b""
        return self.cache[key]

    def perfect(self, height: int, index: int) -> bytes:
        """The hash of the perfect subtree of ``2**height`` leaves numbered ``index`` at that height."""
        level, rest = divmod(height, TILE_HEIGHT)
        first = index << rest  # its first hash among the hashes of tile level ``level``
        tile = self.tile(level, first // TILE_WIDTH)
        start = (first % TILE_WIDTH) * HASH_SIZE
        hashes = tile[start : start + (HASH_SIZE << rest)]
        if len(hashes) != HASH_SIZE << rest:
            raise LookupError(f"The tiles do not hold the subtree {height}/{index}.")
        return perfect_root(split_hashes(hashes))

    def root(self, size: int) -> bytes:
        return range_hash(0, size, self.perfect)
