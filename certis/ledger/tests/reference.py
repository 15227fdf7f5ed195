"""An independent RFC 6962 and tlog-tiles reference for the tests, written from the RFC and the C2SP text:
it imports nothing of the ledger's code."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY = hashlib.sha256(b"").digest()


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def mth(hashes: Sequence[bytes]) -> bytes:
    """RFC 6962 2.1, over leaf hashes."""
    if not hashes:
        return EMPTY
    if len(hashes) == 1:
        return hashes[0]
    k = split_point(len(hashes))
    return node(mth(hashes[:k]), mth(hashes[k:]))


def path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 2.1.1: PATH(m, D[n])."""
    n = len(hashes)
    if n <= 1:
        return []
    k = split_point(n)
    if m < k:
        return [*path(m, hashes[:k]), mth(hashes[k:])]
    return [*path(m - k, hashes[k:]), mth(hashes[:k])]


def root_from_path(index: int, size: int, leaf_hash: bytes, audit_path: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.3.2: the root an inclusion proof leads to."""
    fn, sn, r = index, size - 1, leaf_hash
    for p in audit_path:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def tiles(hashes: Sequence[bytes]) -> dict[tuple[int, int], bytes]:
    """Every tile of a tree with these leaf hashes: (level, index) → concatenated hashes (tlog-tiles: the
    n-th tile at level l holds MTH(D[(n*256+i)*256**l : (n*256+i+1)*256**l]) for i in 0..255)."""
    out: dict[tuple[int, int], bytes] = {}
    level, row = 0, list(hashes)
    while row:
        for n in range(0, len(row), 256):
            out[(level, n // 256)] = b"".join(row[n : n + 256])
        row = [mth(row[n : n + 256]) for n in range(0, len(row) - len(row) % 256, 256)]
        level += 1
    return out


def encode(n: int) -> str:
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join(["x" + group for group in groups[:-1]] + groups[-1:])


def tile_url(level: int | str, n: int, width: int) -> str:
    return f"/log/tile/{level}/{encode(n)}" + ("" if width == 256 else f".p/{width}")
