"""Writing the log as static files (``certis export-log DIRECTORY``) for plain nginx to serve anywhere.

The directory gets exactly the paths and bytes of ``/log/``: ``checkpoint``, ``key``, ``tile/<L>/<N>`` and
``tile/entries/<N>`` with the current partial tiles (``.p/<W>``). Full tiles never change, so a file already
there is kept; every file is written to a temporary name and renamed, and the checkpoint last, so a mirror
never serves a checkpoint whose tiles are not there yet. Entry bundles are written uncompressed: nginx
compresses them (``gzip on``), as the README shows.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import selectors
from .merkle import TILE_WIDTH, tile_path, tile_widths


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _tiles_of(size: int) -> list[tuple[int | str, int, int]]:
    """(level or "entries", index, width) of every tile a tree of ``size`` leaves has."""
    tiles: list[tuple[int | str, int, int]] = []
    for level, (full, partial) in tile_widths(size).items():
        names: list[int | str] = [level, "entries"] if level == 0 else [level]
        for name in names:
            tiles += [(name, index, TILE_WIDTH) for index in range(full)]
            if partial:
                tiles.append((name, full, partial))
    return tiles


def export_log(directory: Path) -> int:
    """Write the log under ``directory``; returns the tree size exported."""
    checkpoint = selectors.latest_checkpoint()
    if checkpoint is None:
        raise LookupError("The log has signed no checkpoint yet: run certis ledger-worker --once first.")
    for name, index, width in _tiles_of(checkpoint.size):
        path = directory / tile_path(name, index, width)
        if width == TILE_WIDTH and path.is_file():
            continue
        if name == "entries":
            data = selectors.entry_bundle(index, width)
        else:
            data = selectors.tile_data(int(name), index, width)
        if data is None:
            raise LookupError(f"The log lacks {tile_path(name, index, width)}.")
        _write(path, data)
    keys = [key for key in selectors.published_keys() if key.retired_at is None]
    if keys:
        _write(directory / "key", (keys[0].verifier_key + "\n").encode())
    _write(directory / "keys", selectors.keys_document())
    _write(directory / "checkpoint", checkpoint.note.encode("utf-8"))
    return checkpoint.size
