"""Signed codes that show whether a printed certificate or mark is genuine (item 26 of the notice).

Every certificate carries a QR code holding a JWS in compact serialisation, signed by the platform with an
Ed25519 key (``alg`` "EdDSA"). The header's ``kid`` names the key, published with the others still in use at
``/.well-known/jwks.json``, so anyone can check a code, even offline (``certis verify-code CODE --jwks FILE``).
Ed25519 signatures are deterministic: the same key and fields give the same code, so codes are not stored.

A certificate's code: header ``{"alg":"EdDSA","kid":…,"typ":"cert"}``, payload (compact JSON, in this order)::

    {"v":1,"b":"CNCA-R-2002-001","n":"2025010101000001","h":"美的集团股份有限公司","u":"91440606722473701X",
     "s":"ccc","p":"0705","c":"3q2-7wAAq1Yt9Z0x","i":"2025-06-01","e":"2030-05-31"}

``v`` the payload's version; ``b`` the body's approval number; ``n`` the certificate number; ``h`` the
holder's name as printed; ``u`` the holder's USCC; ``s`` the scheme; ``p`` the CCC catalogue product code
(left out when there is none); ``c`` what the certificate covers, as the first 12 bytes of the SHA-256 of
:func:`covers_text` in base64url (product, models, trademark, manufacturer, factory, scope, standards, sites,
mode); ``i`` and ``e`` the issue and expiry dates. Marks have codes of their own (``typ`` "mark", see
``marks``).

A code is checked in two steps. :func:`verify_signature` is pure (the code and a JWKS in, no database): it
answers valid, altered, unknown key or malformed, and is shared by the server and the offline command.
:func:`verify_code` then asks the registry: whether the key was revoked, whether the certificate is still
valid, and whether its record still says what the code says. The verdicts and reasons are :class:`Verdict`
and :class:`Reason`; the table is in the app's README.

A code whose signature holds but whose fields differ from the registry's record is *superseded*, not altered:
only the platform can sign, and it signs only what the registry held, so the record was updated after the
code was made (reason ``certificate_renewed`` when only the dates moved forward, as on a renewal, else
``fields_differ``). The page then shows the current record to compare the printed copy with.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from certis.certificates import lifecycle
from certis.certificates.models import Certificate, SigningKey, number_key
from certis.certificates.services.keys import ALGORITHM, active_signing_key
from certis.core.identifiers import unseal

CERTIFICATE_TYPE = "cert"
MARK_TYPE = "mark"
PAYLOAD_VERSION = 1
MAX_CODE_LENGTH = 4000  # a certificate's code is about 400 characters; a QR code holds at most 2,953 bytes
DIGEST_BYTES = 12
HEADER_NAMES = {"alg", "kid", "typ"}  # the platform signs no other header parameter
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class Verdict(models.TextChoices):
    VALID = "valid", gettext_lazy("Valid")
    SUPERSEDED = "superseded", gettext_lazy("Genuine, but out of date")
    EXPIRED = "expired", gettext_lazy("Expired")
    REVOKED = "revoked", gettext_lazy("Revoked")
    ALTERED = "altered", gettext_lazy("Altered")
    UNKNOWN_KEY = "unknown_key", gettext_lazy("Unknown key")
    NOT_FOUND = "not_found", gettext_lazy("Not found")
    MALFORMED = "malformed", gettext_lazy("Not a code")


class Reason(models.TextChoices):
    SIGNATURE_VALID = "signature_valid", gettext_lazy("The platform's signature holds.")
    RECORD_VALID = "record_valid", gettext_lazy("The registry holds a valid certificate under this number.")
    MARK_IN_BATCH = "mark_in_batch", gettext_lazy("The serial is in a batch issued for a valid certificate.")
    SIGNATURE_INVALID = "signature_invalid", gettext_lazy("The signature does not match the code's contents.")
    FIELDS_DIFFER = "fields_differ", gettext_lazy("The registry's record differs from the code.")
    CERTIFICATE_RENEWED = "certificate_renewed", gettext_lazy("The certificate was renewed after the code.")
    KEY_UNKNOWN = "key_unknown", gettext_lazy("The key is not one of the platform's.")
    KEY_REVOKED = "key_revoked", gettext_lazy("The key was revoked.")
    CERTIFICATE_WITHDRAWN = "certificate_withdrawn", gettext_lazy("The certificate was withdrawn.")
    CERTIFICATE_SUSPENDED = "certificate_suspended", gettext_lazy("The certificate is suspended.")
    CERTIFICATE_CANCELLED = "certificate_cancelled", gettext_lazy("The certificate was cancelled.")
    CERTIFICATE_EXPIRED = "certificate_expired", gettext_lazy("The certificate has expired.")
    CERTIFICATE_NOT_FOUND = "certificate_not_found", gettext_lazy("No such certificate in the registry.")
    MARK_NOT_FOUND = "mark_not_found", gettext_lazy("The serial is in no batch of marks.")
    MALFORMED_CODE = "malformed_code", gettext_lazy("This is not a certificate or mark code.")


# What the payload's keys stand for, for messages that list what changed.
PAYLOAD_FIELDS: dict[str, Any] = {
    "b": gettext_lazy("issuing body"),
    "n": gettext_lazy("certificate number"),
    "h": gettext_lazy("holder's name"),
    "u": gettext_lazy("holder's unified social credit code"),
    "s": gettext_lazy("scheme"),
    "p": gettext_lazy("catalogue product code"),
    "c": gettext_lazy("what it covers (product, models, scope, standards, sites)"),
    "i": gettext_lazy("issued on"),
    "e": gettext_lazy("expires on"),
    "m": gettext_lazy("mark serial"),
}


# Signing keys.


@contextmanager
def _eddsa_allowed() -> Iterator[None]:
    """joserfc warns that RFC 9864 deprecates the "EdDSA" name in favour of "Ed25519"; the issue (and the
    verifiers already in the field) use "EdDSA", so that one warning is silenced here, where it is expected.

    ``catch_warnings`` swaps the process's warning filters: under threads, the worst a race does is let that
    one warning through or hold it back a moment longer, never change a verdict."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)
        yield


def public_jwk(key: SigningKey) -> dict[str, str]:
    """The key's public members only, whatever else the stored JWK holds."""
    wanted = ("kty", "crv", "x", "kid", "use", "alg")
    return {name: key.public_jwk[name] for name in wanted if name in key.public_jwk}


def published_jwks() -> dict[str, list[dict[str, str]]]:
    """The JWKS of ``/.well-known/jwks.json``: active and retired keys, never revoked ones."""
    published = SigningKey.objects.exclude(status=SigningKey.Status.REVOKED).order_by("status", "-created_at")
    return {"keys": [public_jwk(key) for key in published]}


@lru_cache(maxsize=8)
def _private_key(kid: str, sealed: str) -> OKPKey:
    return OKPKey.import_key(json.loads(unseal(sealed)))


def sign(typ: str, payload: Mapping[str, Any]) -> str:
    """A compact JWS of the payload under the active key."""
    key = active_signing_key()
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": typ}
    with _eddsa_allowed():
        return jws.serialize_compact(
            header, compact_json(payload), _private_key(key.kid, key.private_sealed), algorithms=[ALGORITHM]
        )


# Certificate codes.


def compact_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode()


def covers_text(certificate: Certificate) -> str:
    """What the certificate covers, as one canonical text (JSON with sorted keys: PostgreSQL reorders the
    keys of JSON objects it stores)."""
    covered = [
        certificate.product,
        certificate.product_models,
        certificate.trademark,
        certificate.manufacturer,
        certificate.factory,
        certificate.scope,
        certificate.standards,
        certificate.sites,
        certificate.mode,
    ]
    return json.dumps(covered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return b64encode(hashlib.sha256(text.encode()).digest()[:DIGEST_BYTES])


def payload_for(certificate: Certificate) -> dict[str, Any]:
    """The signed fields of a certificate, short keys in a fixed order (see the module's docstring)."""
    payload: dict[str, Any] = {
        "v": PAYLOAD_VERSION,
        "b": certificate.body.number,
        "n": certificate.number,
        "h": certificate.holder_name,
        "u": certificate.holder.uscc,
        "s": certificate.scheme,
    }
    if certificate.product_code:
        payload["p"] = certificate.product_code
    payload |= {
        "c": digest(covers_text(certificate)),
        "i": certificate.issued_on.isoformat(),
        "e": certificate.expires_on.isoformat(),
    }
    return payload


def code_for(certificate: Certificate) -> str:
    """The certificate's code, under the active key."""
    return sign(CERTIFICATE_TYPE, payload_for(certificate))


def verify_url(code: str, base: str) -> str:
    """The address a QR code holds: the verify page with the code, so that a phone opens the answer."""
    from django.urls import reverse

    return f"{base.rstrip('/')}{reverse('certificates:verify')}?code={code}"


# Checking a code's signature: pure, no database.


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64decode(segment: str) -> bytes | None:
    """A base64url segment's bytes, or None unless it is in the one canonical form: unpadded, and without
    stray bits in its last character (which decoders ignore, so a code could change and still verify)."""
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if b64encode(raw) == segment else None


def extract_code(text: str) -> str:
    """The JWS in a scanned or pasted text: the bare code, or a verify address that holds it as ``?code=``.

    White space is dropped: a JWS holds none, and pasted codes often come wrapped over several lines.
    """
    compact = "".join(str(text).split())
    if "?" in compact and "code=" in compact:
        values = parse_qs(urlsplit(compact).query).get("code")
        return values[0] if values else ""
    return compact


def looks_like_code(text: str) -> bool:
    """Three base64url segments: a code (perhaps altered), as opposed to a certificate number or serial."""
    parts = extract_code(text).split(".")
    return len(parts) == 3 and all(_SEGMENT.fullmatch(part) for part in parts)


def _json_object(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode())
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _find_key(jwks: Mapping[str, Any], kid: str) -> OKPKey | None:
    """The Ed25519 public key of that kid in the JWKS, or None (other key types are not ours)."""
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    for entry in keys if isinstance(keys, list) else []:
        if not isinstance(entry, Mapping) or entry.get("kid") != kid:
            continue
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519" or not isinstance(entry.get("x"), str):
            continue
        try:
            return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": entry["x"]})
        except (JoseError, ValueError, TypeError):
            continue
    return None


@dataclass(frozen=True)
class SignatureCheck:
    """What a code's signature says. ``payload`` is decoded even when the signature fails, to show what the
    code claims; only when ``verdict`` is valid is it the platform's word."""

    verdict: str
    reason: str
    kid: str = ""
    typ: str = ""
    payload: dict[str, Any] | None = None

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID


def verify_signature(code: str, jwks: Mapping[str, Any]) -> SignatureCheck:
    """Check a code (or a verify address holding one) against a JWKS, without the database.

    Verdicts: valid (``signature_valid``), altered (``signature_invalid``: the signature does not cover what
    the code now says, or the code was re-encoded), unknown_key (``key_unknown``: no key of that kid in the
    JWKS) and malformed (``malformed_code``: not a JWS with a kid at all).
    """
    text = extract_code(code)
    parts = text.split(".")
    if len(text) > MAX_CODE_LENGTH or len(parts) != 3:
        return SignatureCheck(Verdict.MALFORMED, Reason.MALFORMED_CODE)
    header = _json_object(b64decode(parts[0]))
    kid = header.get("kid") if header else None
    if header is None or not isinstance(kid, str) or not kid:
        return SignatureCheck(Verdict.MALFORMED, Reason.MALFORMED_CODE)
    typ = str(header.get("typ", ""))
    payload_raw, signature = b64decode(parts[1]), b64decode(parts[2])
    payload = _json_object(payload_raw)
    altered = SignatureCheck(Verdict.ALTERED, Reason.SIGNATURE_INVALID, kid, typ, payload)
    if payload_raw is None or signature is None:
        return altered
    key = _find_key(jwks, kid)
    if key is None:
        return SignatureCheck(Verdict.UNKNOWN_KEY, Reason.KEY_UNKNOWN, kid, typ, payload)
    if header.get("alg") != ALGORITHM or set(header) - HEADER_NAMES:
        return altered
    try:
        with _eddsa_allowed():
            jws.deserialize_compact(text, key, algorithms=[ALGORITHM])
    except (BadSignatureError, JoseError, ValueError):
        return altered
    if payload is None:  # signed, but not by the platform's code: it signs JSON objects only
        return SignatureCheck(Verdict.MALFORMED, Reason.MALFORMED_CODE, kid, typ)
    return SignatureCheck(Verdict.VALID, Reason.SIGNATURE_VALID, kid, typ, payload)


# Checking a code against the registry.


@dataclass(frozen=True)
class Verification:
    """The answer to "is this genuine?" for a code, a certificate number or a mark serial."""

    verdict: str
    reason: str
    certificate: Certificate | None = None
    kid: str = ""
    payload: dict[str, Any] | None = None  # what the code says; the platform's word only if signature_ok
    signature_ok: bool = False
    since: dt.date | None = None  # when the certificate's (or key's) status began
    until: dt.date | None = None  # the end of a suspension
    changed: tuple[str, ...] = ()  # payload keys that differ from the registry's record
    serial: str = ""  # a mark's serial
    checked: str = field(default="code")  # code, number or serial

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def reason_label(self) -> str:
        return str(Reason(self.reason).label)

    @property
    def claimed_number(self) -> str:
        """The certificate number the code claims (trusted or not), for a report of a suspected fake."""
        if self.certificate is not None:
            return self.certificate.number
        number = (self.payload or {}).get("n")
        return number if isinstance(number, str) else ""

    @property
    def changed_labels(self) -> list[str]:
        return [str(PAYLOAD_FIELDS.get(key, key)) for key in self.changed]

    @property
    def message(self) -> str:
        """What the answer means, in the language of the request."""
        from certis.certificates.verdict_messages import message

        return message(self)

    @property
    def advice(self) -> str:
        """What to do about an answer other than valid."""
        from certis.certificates.verdict_messages import advice

        return advice(self)


def status_verdict(certificate: Certificate, **found: Any) -> Verification | None:
    """Revoked or expired, as the registry has it today (``lifecycle``); None if the certificate is valid.
    The reason names the status: ``certificate_suspended``, ``certificate_withdrawn``…"""
    if certificate.status in lifecycle.REVOKED:
        until = certificate.suspended_until if certificate.status == Certificate.Status.SUSPENDED else None
        reason = Reason(f"certificate_{certificate.status}")
        return Verification(
            Verdict.REVOKED, reason, certificate, since=certificate.status_since, until=until, **found
        )
    today = timezone.localdate()
    if (
        lifecycle.effective_status(certificate.status, certificate.expires_on, today)
        == Certificate.Status.EXPIRED
    ):
        since = lifecycle.expired_since(certificate.expires_on)
        return Verification(Verdict.EXPIRED, Reason.CERTIFICATE_EXPIRED, certificate, since=since, **found)
    return None


def find_certificate(body_number: Any, number: Any) -> Certificate | None:
    if not isinstance(body_number, str) or not isinstance(number, str):
        return None
    return (
        Certificate.objects.select_related("body", "holder")
        .filter(body__number=body_number, number_key=number_key(number))
        .first()
    )


def judge_certificate(check: SignatureCheck) -> Verification:
    payload = check.payload or {}
    found: dict[str, Any] = {"kid": check.kid, "payload": payload, "signature_ok": True}
    if payload.get("v") != PAYLOAD_VERSION:
        return Verification(Verdict.MALFORMED, Reason.MALFORMED_CODE, **found)
    certificate = find_certificate(payload.get("b"), payload.get("n"))
    if certificate is None:
        return Verification(Verdict.NOT_FOUND, Reason.CERTIFICATE_NOT_FOUND, **found)
    answer = status_verdict(certificate, **found)
    if answer is not None:
        return answer
    current = payload_for(certificate)
    changed = tuple(key for key in current.keys() | payload.keys() if current.get(key) != payload.get(key))
    if changed:
        renewed = set(changed) <= {"i", "e"} and current["i"] > str(payload.get("i"))
        reason = Reason.CERTIFICATE_RENEWED if renewed else Reason.FIELDS_DIFFER
        ordered = tuple(key for key in PAYLOAD_FIELDS if key in changed)
        return Verification(Verdict.SUPERSEDED, reason, certificate, changed=ordered, **found)
    return Verification(Verdict.VALID, Reason.SIGNATURE_VALID, certificate, **found)
