"""The log's signing keys: made on first use, rotated by ``certis ledger-key rotate``.

The private key is kept sealed (``certis.core.identifiers.seal``, under ``FIELD_SECRET``), as the
certificates' signing keys are. A retired key signs no more but stays published at ``/log/keys``, so that
every checkpoint it signed still verifies.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from certis.accounts.models import Actor
from certis.audit.models import EventType
from certis.audit.services import record
from certis.core.identifiers import seal, unseal

from .. import note
from ..models import LogKey

DEFAULT_ORIGIN = "certis.example/log"


def log_origin() -> str:
    """The checkpoint's origin line: ``LEDGER_ORIGIN``, else the public address without its scheme followed
    by ``/log`` (the URL prefix the log is served under, as tlog-tiles recommends)."""
    origin = getattr(settings, "LEDGER_ORIGIN", "")
    if not origin:
        base = getattr(settings, "PUBLIC_BASE_URL", "")
        origin = f"{base.split('://', 1)[-1].rstrip('/')}/log" if base else DEFAULT_ORIGIN
    return note.check_name(origin)


def _make_key(acting_user: Actor, event: EventType, data: dict[str, Any]) -> LogKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    name = log_origin()
    key = LogKey.objects.create(
        name=name,
        key_id=note.key_id(name, public),
        public_key=public,
        private_sealed=seal(base64.b64encode(private.private_bytes_raw()).decode()),
    )
    record(event, actor=acting_user, target=key, data={"verifier_key": key.verifier_key} | data)
    return key


@transaction.atomic
def create_log_key(*, acting_user: Actor) -> LogKey:
    """The first key; once there is one, keys change by rotation."""
    existing = LogKey.objects.filter(retired_at__isnull=True).first()
    if existing is not None:
        return existing
    return _make_key(acting_user, EventType.LOG_KEY_CREATED, {})


@transaction.atomic
def rotate_log_key(*, acting_user: Actor, reason: str = "") -> LogKey:
    """A new current key; the old one is retired. The next checkpoint is signed with the new key, even if
    the tree has not grown."""
    old = LogKey.objects.select_for_update().filter(retired_at__isnull=True).first()
    if old is not None:
        old.retired_at = timezone.now()
        old.save(update_fields=["retired_at"])
    return _make_key(
        acting_user,
        EventType.LOG_KEY_ROTATED,
        {"retired": old.verifier_key if old else None, "reason": reason.strip()},
    )


def current_log_key() -> LogKey:
    """The key that signs new checkpoints, made on first need."""
    key = LogKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return create_log_key(acting_user=None)
    except IntegrityError:  # another process made it meanwhile
        return LogKey.objects.get(retired_at__isnull=True)


@lru_cache(maxsize=8)
def _private_key(pk: int, sealed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(unseal(sealed)))


def sign_note(text: str, key: LogKey) -> str:
    return note.sign(text, name=key.name, private_key=_private_key(key.pk, key.private_sealed))
