"""The periodic audit of the stored log against what it signed (``certis ledger-worker`` runs it hourly).

Every entry is hashed again, every tile rebuilt from those hashes and compared with the stored one, and
every checkpoint's root recomputed at its size and its signature checked. A mismatch is an alert: a
:class:`LogAlert` row, an audit event, and a notice and mail to the regulator's supervisors after commit. A
finding already open is not raised again; its ``last_seen_at`` moves on.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.access import Role, regulator_people
from certis.accounts.services import notify
from certis.audit.models import EventType
from certis.audit.services import record

from ..merkle import TILE_WIDTH, CompactRange, leaf_hash, perfect_root, split_hashes, tile_path
from ..models import Checkpoint, Entry, LogAlert, LogHead, Tile
from ..note import EM_DASH, checkpoint_body

logger = logging.getLogger(__name__)
READ_CHUNK = 10_000


@dataclass(frozen=True)
class Finding:
    kind: str
    position: str
    message: str


class _Rebuild:
    """The tiles as the entries make them, built while the entries stream by."""

    def __init__(self) -> None:
        self.tiles: dict[tuple[int, int], bytearray] = {}
        self.size = 0

    def add(self, leaf: bytes) -> None:
        level, position, node = 0, self.size, leaf
        while True:
            tile = self.tiles.setdefault((level, position // TILE_WIDTH), bytearray())
            tile += node
            if len(tile) < TILE_WIDTH * 32:
                break
            node = perfect_root(split_hashes(bytes(tile)))
            level, position = level + 1, position // TILE_WIDTH
        self.size += 1


def _signature_holds(checkpoint: Checkpoint) -> bool:
    key = checkpoint.key
    text, _blank, signatures = checkpoint.note.rpartition("\n\n")
    for line in signatures.splitlines():
        prefix = f"{EM_DASH} {key.name} "
        if not line.startswith(prefix):
            continue
        blob = base64.b64decode(line[len(prefix) :])
        if int.from_bytes(blob[:4], "big") != key.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(bytes(key.public_key)).verify(blob[4:], (text + "\n").encode())
        except InvalidSignature:
            return False
        return True
    return False


def find_mismatches() -> list[Finding]:
    """Everything in the stored log that no longer matches the entries: a read, no writes."""
    findings: list[Finding] = []
    size = LogHead.objects.filter(pk=LogHead.INTEGRATE).values_list("next_index", flat=True).first() or 0
    checkpoints = list(Checkpoint.objects.select_related("key").order_by("size", "id"))
    roots: dict[int, bytes] = {}
    wanted = {checkpoint.size for checkpoint in checkpoints}
    compact, rebuild = CompactRange(), _Rebuild()
    if 0 in wanted:
        roots[0] = compact.root()
    rows = Entry.objects.filter(index__lt=size).order_by("index").values_list("index", "data")
    for index, data in rows.iterator(chunk_size=READ_CHUNK):
        if index != compact.size:
            findings.append(Finding(LogAlert.Kind.SEQUENCE, f"entry {compact.size}", _("Entry missing.")))
            return findings
        leaf = leaf_hash(data.encode("utf-8"))
        compact.append(leaf)
        rebuild.add(leaf)
        if compact.size in wanted:
            roots[compact.size] = compact.root()
    if compact.size != size:
        findings.append(Finding(LogAlert.Kind.SEQUENCE, f"entry {compact.size}", _("Entry missing.")))
        return findings
    findings += _compare_tiles(rebuild)
    for checkpoint in checkpoints:
        findings += _check_checkpoint(checkpoint, roots)
    return findings


def _expected_tiles(rebuild: _Rebuild, stored: dict[tuple[int, int], bytes]) -> dict[tuple[int, int], bytes]:
    """Level 0 as the entries make it; each level above as the stored tiles below it make it, so that a
    changed entry is reported once, as an entry, and a changed upper tile as a tile."""
    expected = {key: bytes(tile) for key, tile in rebuild.tiles.items() if key[0] == 0}
    for level, index in sorted(key for key in set(stored) | set(rebuild.tiles) if key[0] > 0):
        below = [stored.get((level - 1, index * TILE_WIDTH + i), b"") for i in range(TILE_WIDTH)]
        full = [tile for tile in below if len(tile) == TILE_WIDTH * 32]
        expected[(level, index)] = b"".join(perfect_root(split_hashes(tile)) for tile in full)
    return expected


def _first_difference(expected: bytes, actual: bytes) -> int:
    for i in range(0, max(len(expected), len(actual)), 32):
        if expected[i : i + 32] != actual[i : i + 32]:
            return i // 32
    return 0


def _compare_tiles(rebuild: _Rebuild) -> list[Finding]:
    findings = []
    stored = {
        (level, index): bytes(hashes)
        for level, index, hashes in Tile.objects.values_list("level", "index", "hashes")
    }
    expected_tiles = _expected_tiles(rebuild, stored)
    for key in sorted(set(stored) | set(expected_tiles)):
        expected, actual = expected_tiles.get(key, b""), stored.get(key, b"")
        if expected == actual:
            continue
        level, index = key
        width = (len(expected) or len(actual)) // 32
        position = tile_path(level, index, min(width, TILE_WIDTH))
        first_bad = _first_difference(expected, actual)
        if level == 0:
            entry = index * TILE_WIDTH + first_bad
            message = _("Entry %(entry)d no longer hashes to the leaf in %(tile)s.") % {
                "entry": entry,
                "tile": position,
            }
            findings.append(Finding(LogAlert.Kind.ENTRY, f"entry {entry}", message))
        else:
            message = _("Tile %(tile)s differs from the tiles below it at hash %(hash)d.") % {
                "tile": position,
                "hash": first_bad,
            }
            findings.append(Finding(LogAlert.Kind.TILE, position, message))
    return findings


def _check_checkpoint(checkpoint: Checkpoint, roots: dict[int, bytes]) -> list[Finding]:
    position = f"checkpoint {checkpoint.size} #{checkpoint.pk}"
    root = roots.get(checkpoint.size)
    problems = []
    if root is None or root != bytes(checkpoint.root_hash):
        problems.append(_("its root hash is not the root of the entries"))
    text = checkpoint.note.rpartition("\n\n")[0] + "\n"
    origin = text.split("\n", 1)[0]
    if text != checkpoint_body(origin, checkpoint.size, bytes(checkpoint.root_hash)):
        problems.append(_("its signed text does not name that size and root"))
    if not _signature_holds(checkpoint):
        problems.append(_("its signature does not hold"))
    if not problems:
        return []
    message = _("Checkpoint of size %(size)d: %(problems)s.") % {
        "size": checkpoint.size,
        "problems": "; ".join(str(problem) for problem in problems),
    }
    return [Finding(LogAlert.Kind.CHECKPOINT, position, message)]


def audit_log() -> list[LogAlert]:
    """Check the whole stored log; raise an alert for each new finding. Returns the alerts raised."""
    findings = find_mismatches()
    if not findings:
        return []
    raised: list[LogAlert] = []
    with transaction.atomic():
        for finding in findings:
            open_alert = LogAlert.objects.filter(
                kind=finding.kind, position=finding.position, resolved_at__isnull=True
            ).first()
            if open_alert is not None:
                LogAlert.objects.filter(pk=open_alert.pk).update(last_seen_at=timezone.now())
                continue
            alert = LogAlert.objects.create(
                kind=finding.kind, position=finding.position, message=finding.message
            )
            record(EventType.LOG_ALERT_RAISED, actor=None, target=alert, data={"finding": finding.message})
            raised.append(alert)
        if raised:
            transaction.on_commit(lambda: _tell_supervisors(raised))
    for alert in raised:
        logger.error("Ledger mismatch: %s", alert.message)
    return raised


def _tell_supervisors(alerts: list[LogAlert]) -> None:
    from django.urls import reverse

    notify(
        recipients=regulator_people(Role.SUPERVISOR),
        subject=_("The public ledger no longer matches what it signed (%(count)d findings)")
        % {"count": len(alerts)},
        body="\n".join(alert.message for alert in alerts),
        link=reverse("ledger:alert_list"),
    )
