"""The platform's signing keys (Ed25519, JWK): created once, rotated, revoked when one leaks. Every change is
one transaction with its audit event; the private key is kept sealed (``certis.core.identifiers.seal``)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey

from certis.accounts.models import Actor
from certis.audit.models import EventType
from certis.audit.services import record
from certis.certificates.models import SigningKey
from certis.core.identifiers import seal
from certis.ledger.services import append

ALGORITHM = "EdDSA"


def _new_key() -> tuple[str, dict[str, str], str]:
    """A fresh key pair: its kid, its public JWK and its private JWK sealed for the database."""
    key = OKPKey.generate_key("Ed25519", private=True)
    kid = f"{timezone.localdate():%Y%m}-{key.thumbprint()[:10]}"
    public = {"kty": "OKP", "crv": "Ed25519", "x": str(key.as_dict(private=False)["x"])}
    public |= {"kid": kid, "use": "sig", "alg": ALGORITHM}
    return kid, public, seal(json.dumps(key.as_dict(private=True)))


def _make_key(acting_user: Actor, event: EventType, data: dict[str, object]) -> SigningKey:
    kid, public, sealed = _new_key()
    key = SigningKey.objects.create(kid=kid, public_jwk=public, private_sealed=sealed)
    record(event, actor=acting_user, target=key, data={"kid": kid} | data)
    word = "rotated" if event == EventType.SIGNING_KEY_ROTATED else "created"
    append(type=f"signing_key.{word}", subject={"signing_key": kid}, fields={"public_jwk": public, **data})
    return key


@transaction.atomic
def create_signing_key(*, acting_user: Actor) -> SigningKey:
    """The first active key. Once there is one, keys change by rotation."""
    if SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).exists():
        raise ValidationError(_("There is an active signing key already; rotate it instead."))
    return _make_key(acting_user, EventType.SIGNING_KEY_CREATED, {})


@transaction.atomic
def rotate_signing_key(*, acting_user: Actor, reason: str = "") -> SigningKey:
    """A new active key; the old one is retired: it signs no more, but stays published, so that the codes
    printed under it still verify."""
    old = SigningKey.objects.select_for_update().filter(status=SigningKey.Status.ACTIVE).first()
    if old is not None:
        old.status, old.retired_at = SigningKey.Status.RETIRED, timezone.now()
        old.save(update_fields=["status", "retired_at"])
    return _make_key(
        acting_user,
        EventType.SIGNING_KEY_ROTATED,
        {"retired": old.kid if old else None, "reason": reason.strip()},
    )


@transaction.atomic
def revoke_signing_key(*, acting_user: Actor, kid: str, reason: str) -> SigningKey:
    """Revoke a key that leaked: it leaves the JWKS, and codes under it answer "revoked" (``key_revoked``).

    Revoking the active key makes a new one active in the same transaction, so signing never stops. Codes
    printed under the revoked key no longer verify: their certificates need new codes.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the key.")})
    key = SigningKey.objects.select_for_update().filter(kid=kid).first()
    if key is None:
        raise ValidationError(_("There is no signing key %(kid)s.") % {"kid": kid})
    if key.status == SigningKey.Status.REVOKED:
        raise ValidationError(_("The signing key %(kid)s is revoked already.") % {"kid": kid})
    was_active = key.status == SigningKey.Status.ACTIVE
    key.status, key.revoked_at = SigningKey.Status.REVOKED, timezone.now()
    key.save(update_fields=["status", "revoked_at"])
    record(
        EventType.SIGNING_KEY_REVOKED,
        actor=acting_user,
        target=key,
        data={"kid": kid, "reason": reason, "was_active": was_active},
    )
    append(
        type="signing_key.revoked",
        subject={"signing_key": kid},
        fields={"reason": reason, "was_active": was_active, "revoked_at": key.revoked_at},
    )
    if was_active:
        _make_key(acting_user, EventType.SIGNING_KEY_CREATED, {"replaces": kid})
    return key


def active_signing_key() -> SigningKey:
    """The key that signs new codes, created on first need."""
    key = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return create_signing_key(acting_user=None)
    except (IntegrityError, ValidationError):  # another process created it meanwhile
        return SigningKey.objects.get(status=SigningKey.Status.ACTIVE)
