"""Signed notes (C2SP signed-note) with Ed25519 keys, and checkpoint bodies (C2SP tlog-checkpoint).

Key names, key ids and verifier keys follow ``golang.org/x/mod/sumdb/note``: the key id is the first four
bytes of SHA-256(name || "\\n" || 0x01 || public key), and a verifier key reads
``<name>+<key id in 8 hex digits>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import hashlib
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ED25519 = b"\x01"
EM_DASH = "\u2014"


def check_name(name: str) -> str:
    if not name or any(ch.isspace() or ch == "+" for ch in name):
        raise ValueError(f"A key name is non-empty, without spaces or '+': {name!r}.")
    return name


def key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(check_name(name).encode() + b"\n" + ED25519 + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def verifier_key(name: str, public_key: bytes) -> str:
    encoded = base64.b64encode(ED25519 + public_key).decode()
    return f"{name}+{key_id(name, public_key):08x}+{encoded}"


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def sign(text: str, *, name: str, private_key: Ed25519PrivateKey) -> str:
    """The note: text (ending in a newline), a blank line, and one signature line."""
    if not text.endswith("\n"):
        raise ValueError("A note's text ends with a newline.")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise ValueError("A note holds no control characters but newlines.")
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(text.encode("utf-8"))
    blob = base64.b64encode(struct.pack(">I", key_id(name, public)) + signature).decode()
    return f"{text}\n{EM_DASH} {name} {blob}\n"
