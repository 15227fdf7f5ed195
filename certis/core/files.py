"""Digests of uploaded files, read in chunks so that a large upload is never held in memory at once."""

from __future__ import annotations

import hashlib
from typing import Any


def sha256_of(upload: Any) -> str:
    """The SHA-256 of a Django upload (or any file with ``chunks()``), hex; the file is left at its start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
