"""``certis verify-log``: a served log verifies; a changed entry, tile or checkpoint is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from certis.ledger import verifier
from certis.ledger.models import Entry, Tile
from certis.ledger.services import rotate_log_key

from .fixtures import grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> None:
    """The verifier's fetches go to the test client instead of the network."""
    client = Client()

    def get(self: verifier.Source, path: str) -> bytes | None:
        response = client.get(f"/log/{path}")
        return response.content if response.status_code == 200 else None

    monkeypatch.setattr(verifier.Source, "get", get)


def test_a_served_log_verifies_against_its_key(served: None) -> None:
    checkpoint = grow(700, subjects=50)
    report = verifier.verify_log("https://certis.example/log", keys=[checkpoint.key.verifier_key])
    assert (report.checkpoint.size, report.checkpoint.root) == (700, bytes(checkpoint.root_hash))
    assert report.tiles_checked == 4 and report.warnings == []


def test_without_a_key_the_published_one_is_used_with_a_warning(served: None) -> None:
    grow(3)
    assert verifier.verify_log("https://certis.example/log").warnings


def test_another_key_does_not_verify(served: None) -> None:
    grow(3)
    other = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    with pytest.raises(verifier.VerificationError, match="no signature by a known key"):
        verifier.verify_log("https://certis.example/log", keys=[other])


def test_a_changed_entry_is_named_by_the_verifier(served: None) -> None:
    checkpoint = grow(300)
    Entry.objects.filter(index=261).update(data=Entry.objects.get(index=261).data.replace("valid", "VALID"))
    with pytest.raises(verifier.VerificationError) as failure:
        verifier.verify_log("x", keys=[checkpoint.key.verifier_key])
    assert "tile/0/001.p/44: differs from the entries at entry 261" in str(failure.value)


def test_a_changed_tile_is_named_by_the_verifier(served: None) -> None:
    checkpoint = grow(70_000 // 100)
    tile = Tile.objects.get(level=1, index=0)
    Tile.objects.filter(pk=tile.pk).update(hashes=bytes(tile.hashes)[:32] + b"\0" * 32)
    with pytest.raises(
        verifier.VerificationError, match=r"tile/1/000.p/2: differs from the entries at hash 1"
    ):
        verifier.verify_log("x", keys=[checkpoint.key.verifier_key])


def test_a_previous_checkpoint_under_a_retired_key_is_consistent(served: None, tmp_path: Path) -> None:
    first = grow(100)
    rotate_log_key(acting_user=None)
    second = grow(200)
    keys = [first.key.verifier_key, second.key.verifier_key]
    assert first.key != second.key
    report = verifier.verify_log("x", keys=keys, previous=first.note.encode())
    assert report.checkpoint.size == 300
    with pytest.raises(verifier.VerificationError, match="no signature by a known key"):
        verifier.verify_log("x", keys=keys[1:], previous=first.note.encode())


def test_a_rewritten_history_fails_against_the_previous_checkpoint(served: None) -> None:
    first = grow(100)
    grow(100)
    Entry.objects.filter(index=5).update(data='{"forged":true}')
    Tile.objects.all().delete()
    from certis.ledger.models import Checkpoint, LogHead

    Checkpoint.objects.all().delete()
    LogHead.objects.filter(pk=LogHead.INTEGRATE).update(next_index=0)
    from certis.ledger.services import integrate

    integrate()
    with pytest.raises(verifier.VerificationError, match="first 100 entries no longer have its root"):
        verifier.verify_log(
            "x", keys=[first.key.verifier_key], previous=first.note.encode(), check_entries=False
        )


def test_the_command_verifies_an_exported_directory_and_names_a_mismatch(tmp_path: Path, capsys: Any) -> None:
    checkpoint = grow(300)
    call_command("export-log", str(tmp_path))
    call_command("verify-log", str(tmp_path), "--key", checkpoint.key.verifier_key)
    assert "OK: certis.example/log at size 300" in capsys.readouterr().out
    (tmp_path / "previous").write_text(checkpoint.note)
    bundle = tmp_path / "tile" / "entries" / "000"
    bundle.write_bytes(bundle.read_bytes().replace(b"valid", b"VALID", 1))
    with pytest.raises(CommandError, match="tile/0/000: differs from the entries at entry 0") as failure:
        call_command(
            "verify-log",
            str(tmp_path),
            "--key",
            checkpoint.key.verifier_key,
            "--previous",
            str(tmp_path / "previous"),
        )
    assert failure.value.returncode == 1


def test_the_verifier_reads_a_live_server_over_http(live_server: Any) -> None:
    checkpoint = grow(10)
    report = verifier.verify_log(f"{live_server.url}/log", keys=[checkpoint.key.verifier_key])
    assert report.checkpoint.size == 10


def test_the_verifier_imports_nothing_of_the_server() -> None:
    source = Path(verifier.__file__).read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "certis" in line or "django" in line or line.startswith("from .")]
