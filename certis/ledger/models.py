"""The public, tamper-evident ledger: entries in log order, the Merkle tree's tiles, signed checkpoints and the
log's keys (C2SP tlog-tiles, tlog-checkpoint and signed-note; the hashing is RFC 6962's).

An entry is written in the transaction of the change it records (``services.append``); integration then adds
committed entries to the tiles and signs a checkpoint (``services.integrate``). Nothing here is ever updated
in place except the rightmost, growing tile of each level and the two counters of :class:`LogHead`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import note
from .merkle import HASH_SIZE


class LogHead(models.Model):
    """One row (pk 1): the next entry's index, and how far integration has gone.

    Appending locks this row (``select_for_update``) and increments ``next_index`` in the caller's
    transaction, so writers queue, and a rollback gives the index back: indexes have neither gaps nor
    duplicates. Integration locks the other row (pk 2) only, so it never holds appenders up.
    """

    APPEND = 1
    INTEGRATE = 2

    id = models.PositiveSmallIntegerField(primary_key=True)
    next_index = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("log head")
        verbose_name_plural = _("log heads")

    def __str__(self) -> str:
        return f"{self.id}: {self.next_index}"


class Entry(models.Model):
    """One leaf of the log. ``data`` is the exact leaf: canonical UTF-8 JSON (sorted keys, no spaces). The
    index, from 0 in log order, is the primary key."""

    index = models.BigIntegerField(_("index"), primary_key=True)
    data = models.TextField(_("entry"))
    entry_type = models.CharField(_("type"), max_length=64)
    subject_kind = models.CharField(_("subject kind"), max_length=64)
    subject_id = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["index"]
        indexes = [models.Index(fields=["subject_kind", "subject_id", "index"], name="ledger_entry_subject")]

    def __str__(self) -> str:
        return f"#{self.index} {self.entry_type} {self.subject_kind}:{self.subject_id}"

    @property
    def leaf(self) -> bytes:
        return self.data.encode("utf-8")


class Tile(models.Model):
    """A tile of the Merkle tree (tlog-tiles): up to 256 consecutive 32-byte hashes at one tile level.

    Level 0 holds leaf hashes; each hash at level ``l`` is the root of a full tile at level ``l - 1``. Only the
    rightmost tile of a level grows; a full tile (8,192 bytes) never changes again.
    """

    level = models.PositiveSmallIntegerField(_("level"))
    index = models.BigIntegerField(_("index"))
    hashes = models.BinaryField(_("hashes"))

    class Meta:
        verbose_name = _("tile")
        verbose_name_plural = _("tiles")
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_tile_unique")]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index} ({self.width})"

    @property
    def width(self) -> int:
        return len(self.hashes) // HASH_SIZE


class LogKey(models.Model):
    """An Ed25519 key the log signs checkpoints with (signed-note type 0x01).

    The current key has no ``retired_at``. Rotating retires it: it signs no more, but stays published
    (``/log/keys``), so that checkpoints signed under it still verify.
    """

    name = models.CharField(_("key name"), max_length=255)
    key_id = models.BigIntegerField(_("key id"))
    public_key = models.BinaryField(_("public key"))
    private_sealed = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("log key")
        verbose_name_plural = _("log keys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"],
                condition=models.Q(retired_at__isnull=True),
                name="ledger_one_current_key",
            )
        ]

    def __str__(self) -> str:
        return self.verifier_key

    @property
    def verifier_key(self) -> str:
        """The key as ``golang.org/x/mod/sumdb/note`` writes it: ``<name>+<key id>+<base64(0x01 || key)>``."""
        return note.verifier_key(self.name, bytes(self.public_key))


class Checkpoint(models.Model):
    """A signed tree head (tlog-checkpoint), kept for every size the log ever signed."""

    size = models.BigIntegerField(_("tree size"), db_index=True)
    root_hash = models.BinaryField(_("root hash"))
    note = models.TextField(_("signed note"))
    key = models.ForeignKey(LogKey, on_delete=models.PROTECT, related_name="checkpoints")
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class LogAlert(models.Model):
    """What the periodic audit of the log found wrong: the stored log no longer matches what was signed."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("An entry differs from its signed hash")
        TILE = "tile", _("A stored tile differs from the entries")
        CHECKPOINT = "checkpoint", _("A checkpoint differs from the entries")
        SEQUENCE = "sequence", _("Entries are missing or out of order")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    message = models.TextField(_("finding"))
    position = models.CharField(_("where"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True, db_index=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger alert")
        verbose_name_plural = _("ledger alerts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.position}"
