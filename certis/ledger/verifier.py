"""An independent verifier of a tlog-tiles log: ``certis verify-log URL_OR_DIRECTORY``.

Written from the specifications alone (C2SP tlog-tiles, tlog-checkpoint and signed-note; RFC 6962 for the
hashing; ``golang.org/x/mod/sumdb/note`` for the verifier key), with its own parsing and hashing: it imports
nothing of the server's tree, tile or note code, nor Django, so it can be copied out and run anywhere with
Python and ``cryptography``. It

1. fetches the checkpoint and checks its Ed25519 signature against the key given (or, failing that, the one
   the log publishes at ``<prefix>/key``: a check of consistency only, since that key comes from the log);
2. fetches every entry bundle and every tile the checkpoint's size implies;
3. hashes the entries, rebuilds every tile from them and compares it with the one served, and recomputes the
   root (RFC 6962's recursion over the leaves) and compares it with the checkpoint's;
4. with a previous checkpoint, checks that it verifies, names the same log, and that its root is the root of
   the first ``size`` leaves of today's log (the log only grew);
5. checks Certis's own rule on entries: each entry's ``prev`` is the index of the entry before it about the
   same subject.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import struct
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

WIDTH = 256
MAX_PROBLEMS = 20


class VerificationError(Exception):
    """The log does not verify; the message names the checkpoint, tile or entry where it fails."""


# Fetching.


class Source:
    """A log prefix: an http(s) URL or a directory laid out as the URL space."""

    def __init__(self, location: str) -> None:
        self.location = location.rstrip("/")
        self.remote = self.location.startswith(("http://", "https://"))

    def get(self, path: str) -> bytes | None:
        """The resource's bytes, or None when it does not exist (HTTP 404, no such file)."""
        if not self.remote:
            file = Path(self.location) / path
            return file.read_bytes() if file.is_file() else None
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            f"{self.location}/{path}", headers={"Accept-Encoding": "gzip, identity"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                body: bytes = response.read()
                if response.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                return body
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise VerificationError(f"{path}: HTTP {error.code}.") from None
        except (urllib.error.URLError, OSError) as error:
            raise VerificationError(f"{path}: cannot fetch ({error}).") from None


# Signed notes and keys.


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not parts[0] or len(parts[1]) != 8:
            raise VerificationError(f"Not a verifier key: {text.strip()!r}.")
        name, hex_id, encoded = parts
        try:
            key_id = int(hex_id, 16)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise VerificationError(f"Not a verifier key: {text.strip()!r}.") from None
        if len(raw) != 33 or raw[0] != 1:
            raise VerificationError(f"Not an Ed25519 verifier key: {text.strip()!r}.")
        expected = int.from_bytes(hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4], "big")
        if expected != key_id:
            raise VerificationError(
                f"The verifier key's id does not match its name and key: {text.strip()!r}."
            )
        return cls(name, key_id, raw[1:])


def open_note(note: bytes, keys: Sequence[VerifierKey]) -> str:
    """The text of a signed note once a signature by one of the keys verifies (signed-note: unknown
    signatures are ignored; a known key's bad signature rejects the note)."""
    try:
        message = note.decode("utf-8")
    except UnicodeDecodeError:
        raise VerificationError("checkpoint: not UTF-8.") from None
    if any(ord(ch) < 0x20 and ch != "\n" for ch in message) or not message.endswith("\n"):
        raise VerificationError("checkpoint: malformed note.")
    split = message.rfind("\n\n")
    if split < 0:
        raise VerificationError("checkpoint: no signature block.")
    text, signatures = message[: split + 1], message[split + 2 :]
    verified = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith("\u2014 ") or line.count(" ") != 2:
            raise VerificationError(f"checkpoint: malformed signature line {line!r}.")
        _dash, name, encoded = line.split(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise VerificationError(f"checkpoint: signature of {name} is not base64.") from None
        if len(blob) < 4:
            raise VerificationError(f"checkpoint: signature of {name} is too short.")
        key_id = int.from_bytes(blob[:4], "big")
        for key in keys:
            if key.name == name and key.key_id == key_id:
                try:
                    Ed25519PublicKey.from_public_bytes(key.public_key).verify(blob[4:], text.encode("utf-8"))
                except InvalidSignature:
                    raise VerificationError(
                        f"checkpoint: the signature of {name}+{key_id:08x} does not verify."
                    ) from None
                verified = True
    if not verified:
        raise VerificationError("checkpoint: no signature by a known key.")
    return text


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or not lines[0] or any(not line for line in lines[:-1]):
            raise VerificationError("checkpoint: malformed body.")
        origin, size_text, root_text = lines[:3]
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise VerificationError(f"checkpoint: bad tree size {size_text!r}.")
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error:
            root = b""
        if len(root) != 32:
            raise VerificationError(f"checkpoint: bad root hash {root_text!r}.")
        return cls(origin, int(size_text), root)


# RFC 6962 hashing.


def hash_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]) over leaf hashes, as RFC 6962 section 2.1 defines it."""
    n = hi - lo
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[lo]
    k = 1
    while k * 2 < n:
        k *= 2
    return hash_children(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi))


def index_path(n: int) -> str:
    text = f"{n:03d}"
    groups = [text[max(0, i - 3) : i] for i in range(len(text), 0, -3)][::-1]
    groups = [group.zfill(3) for group in groups]
    return "/".join([f"x{group}" for group in groups[:-1]] + [groups[-1]])


def tile_name(level: int | str, n: int, width: int) -> str:
    return f"tile/{level}/{index_path(n)}" + ("" if width == WIDTH else f".p/{width}")


# The verification.


@dataclass
class Report:
    checkpoint: Checkpoint
    problems: list[str] = field(default_factory=list)
    tiles_checked: int = 0
    warnings: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)


def _fetch_leaves(source: Source, size: int, report: Report) -> list[bytes]:
    leaves: list[bytes] = []
    for n in range((size + WIDTH - 1) // WIDTH):
        width = min(WIDTH, size - n * WIDTH)
        name = tile_name("entries", n, width)
        bundle = source.get(name)
        if bundle is None:
            raise VerificationError(f"{name}: missing.")
        entries, offset = [], 0
        while offset < len(bundle):
            if offset + 2 > len(bundle):
                raise VerificationError(f"{name}: truncated length at byte {offset}.")
            (length,) = struct.unpack_from(">H", bundle, offset)
            entries.append(bundle[offset + 2 : offset + 2 + length])
            offset += 2 + length
        if offset != len(bundle) or len(entries) != width:
            raise VerificationError(f"{name}: holds {len(entries)} entries, not {width}.")
        leaves += entries
    return leaves


def _check_tiles(source: Source, hashes: list[bytes], report: Report) -> None:
    """Tile level by level: each level's hashes are the roots of the full tiles below."""
    level = 0
    while hashes:
        for n in range((len(hashes) + WIDTH - 1) // WIDTH):
            expected = b"".join(hashes[n * WIDTH : (n + 1) * WIDTH])
            name = tile_name(level, n, len(expected) // 32)
            served = source.get(name)
            report.tiles_checked += 1
            if served is None:
                report.problem(f"{name}: missing.")
            elif served != expected:
                bad = next(
                    (
                        i
                        for i in range(len(expected) // 32)
                        if served[i * 32 : i * 32 + 32] != expected[i * 32 : i * 32 + 32]
                    ),
                    len(expected) // 32,
                )
                where = f"entry {n * WIDTH + bad}" if level == 0 else f"hash {bad}"
                report.problem(f"{name}: differs from the entries at {where}.")
        full = len(hashes) // WIDTH
        hashes = [mth(hashes, n * WIDTH, (n + 1) * WIDTH) for n in range(full)]
        level += 1


def _check_prev_links(leaves: list[bytes], report: Report) -> None:
    last: dict[str, int] = {}
    for index, leaf in enumerate(leaves):
        try:
            entry = json.loads(leaf)
            subject = json.dumps(entry["subject"], sort_keys=True, ensure_ascii=False)
            prev = entry["prev"]
        except (ValueError, KeyError, TypeError):
            report.problem(f"entry {index}: not a Certis entry (JSON with subject and prev).")
            continue
        if prev != last.get(subject):
            report.problem(
                f"entry {index}: prev is {prev}, but the subject's previous entry is {last.get(subject)}."
            )
        last[subject] = index


def _published_keys(source: Source, report: Report) -> list[VerifierKey]:
    keys = []
    current = source.get("key")
    if current is not None:
        keys.append(VerifierKey.parse(current.decode("utf-8")))
    listing = source.get("keys")
    if listing is not None:
        keys += [VerifierKey.parse(item["verifier_key"]) for item in json.loads(listing).get("keys", [])]
    if not keys:
        raise VerificationError("No --key given, and the log publishes none at key.")
    report.warnings.append(
        "The key was taken from the log itself: give --key to check against a key you trust."
    )
    return keys


def verify_log(
    location: str, *, keys: Sequence[str] = (), previous: bytes | None = None, check_entries: bool = True
) -> Report:
    """Verify the log at ``location``; raises :class:`VerificationError` naming the first problems."""
    source = Source(location)
    note = source.get("checkpoint")
    if note is None:
        raise VerificationError("checkpoint: missing.")
    report = Report(checkpoint=Checkpoint("", 0, b""))
    trusted = [VerifierKey.parse(key) for key in keys] or _published_keys(source, report)
    checkpoint = Checkpoint.parse(open_note(note, trusted))
    report.checkpoint = checkpoint
    leaves = _fetch_leaves(source, checkpoint.size, report)
    hashes = [hash_leaf(leaf) for leaf in leaves]
    _check_tiles(source, hashes, report)
    if mth(hashes, 0, len(hashes)) != checkpoint.root:
        report.problem(f"checkpoint: the root of the {checkpoint.size} entries is not the checkpoint's root.")
    if previous is not None:
        earlier = Checkpoint.parse(open_note(previous, trusted))
        if earlier.origin != checkpoint.origin:
            report.problem(f"previous checkpoint: another log ({earlier.origin}).")
        elif earlier.size > checkpoint.size:
            report.problem(f"previous checkpoint: size {earlier.size} is beyond today's {checkpoint.size}.")
        elif mth(hashes, 0, earlier.size) != earlier.root:
            report.problem(
                f"previous checkpoint: the log's first {earlier.size} entries no longer have its root."
            )
    if check_entries:
        _check_prev_links(leaves, report)
    if report.problems:
        raise VerificationError("\n".join(report.problems))
    return report
