"""``/log/`` as tlog-tiles serves it: headers, partial and full tiles, entry bundles, 404s, and the files of
``certis export-log`` equal to the bytes served."""

from __future__ import annotations

import gzip
import json
import struct
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from certis.ledger.models import Entry

from . import reference
from .fixtures import grow

pytestmark = pytest.mark.django_db


def test_the_checkpoint_is_plain_text_cached_a_few_seconds() -> None:
    checkpoint = grow(3)
    response = Client().get("/log/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=2"
    assert response.content.decode() == checkpoint.note


def test_no_checkpoint_before_the_first_integration() -> None:
    assert Client().get("/log/checkpoint").status_code == 404


def test_a_partial_tile_is_served_with_its_width_and_never_as_full() -> None:
    grow(300)
    client = Client()
    full = client.get("/log/tile/0/000")
    assert (full.status_code, len(full.content), full["Content-Type"]) == (
        200,
        8192,
        "application/octet-stream",
    )
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(client.get("/log/tile/0/001.p/44").content) == 44 * 32
    assert client.get("/log/tile/0/001").status_code == 404
    assert client.get("/log/tile/0/001.p/45").status_code == 404
    assert client.get("/log/tile/1/000.p/1").content == reference.mth(
        [reference.leaf(data.encode()) for data in Entry.objects.values_list("data", flat=True)[:256]]
    )
    # a size signed earlier keeps its partial tile: a prefix of the tile that grew since
    assert client.get("/log/tile/0/000.p/7").content == full.content[: 7 * 32]


@pytest.mark.parametrize(
    "path",
    [
        "/log/tile/0/002",
        "/log/tile/0/000.p/0",
        "/log/tile/0/000.p/256",
        "/log/tile/0/000.p/05",
        "/log/tile/00/000",
        "/log/tile/64/000",
        "/log/tile/0/0",
        "/log/tile/0/x000/000",
        "/log/tile/2/000.p/1",
        "/log/tile/entries/002",
        "/log/tile/entries/001",
    ],
)
def test_tiles_beyond_the_tree_or_misspelt_are_not_found(path: str) -> None:
    grow(300)
    assert Client().get(path).status_code == 404


def test_an_entry_bundle_holds_length_prefixed_entries_gzipped_on_request() -> None:
    grow(300)
    leaves = [data.encode() for data in Entry.objects.order_by("index").values_list("data", flat=True)]
    bundle = b"".join(struct.pack(">H", len(leaf)) + leaf for leaf in leaves[256:300])
    plain = Client().get("/log/tile/entries/001.p/44")
    assert (plain.content, plain.get("Content-Encoding")) == (bundle, None)
    zipped = Client().get("/log/tile/entries/001.p/44", headers={"accept-encoding": "gzip, identity"})
    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(zipped.content) == bundle
    assert "Accept-Encoding" in zipped["Vary"]
    assert zipped["Content-Type"] == "application/octet-stream"


def test_the_key_is_the_current_verifier_key_and_keys_lists_all() -> None:
    checkpoint = grow(1)
    key = Client().get("/log/key")
    assert key.content.decode() == checkpoint.key.verifier_key + "\n"
    assert key["Content-Type"] == "text/plain; charset=utf-8"
    listed = json.loads(Client().get("/log/keys").content)["keys"]
    assert [item["verifier_key"] for item in listed] == [checkpoint.key.verifier_key]


def test_export_log_writes_the_bytes_served(tmp_path: Path) -> None:
    grow(70_000 // 100)
    call_command("export-log", str(tmp_path))
    client = Client()
    files = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    names = {str(path.relative_to(tmp_path)) for path in files}
    assert {"checkpoint", "key", "keys", "tile/0/000", "tile/0/002.p/188", "tile/1/000.p/2"} <= names
    assert {"tile/entries/000", "tile/entries/002.p/188"} <= names
    for path in files:
        assert client.get(f"/log/{path.relative_to(tmp_path)}").content == path.read_bytes(), path
