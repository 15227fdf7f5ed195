"""Reading codes and serials: what a scanned or pasted code says (:func:`verify_code`), a mark's serial in
its batch (:func:`verify_mark_serial`) and a mark's own signed code. Reads only: batches are issued by
``services.marks``; signatures and the certificate verdicts are ``signing``'s."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.certificates.models import MarkBatch, SigningKey, number_key
from certis.certificates.signing import (
    CERTIFICATE_TYPE,
    MARK_TYPE,
    PAYLOAD_VERSION,
    Reason,
    SignatureCheck,
    Verdict,
    Verification,
    judge_certificate,
    published_jwks,
    sign,
    status_verdict,
    verify_signature,
)

SERIAL = re.compile(r"([A-Z]{1,4})-?(\d{1,12})")


def parse_serial(text: str) -> tuple[str, int] | None:
    """The prefix and number of a typed serial (either width, any case, spaces ignored), or None."""
    match = SERIAL.fullmatch(number_key(str(text)[:64]))
    return (match[1], int(match[2])) if match else None


def serial_text(prefix: str, number: int) -> str:
    return f"{prefix}{number}"


def find_batch(prefix: str, number: int) -> MarkBatch | None:
    """The batch holding the serial. Batches never overlap, so it is the one starting last at or before it."""
    batch = (
        MarkBatch.objects.select_related("certificate__body", "certificate__holder")
        .filter(prefix=prefix, first__lte=number)
        .order_by("-first")
        .first()
    )
    return batch if batch is not None and batch.last >= number else None


def mark_code_for(prefix: str, serial: int) -> str:
    """The signed code of one mark, naming its certificate and body; the serial must be in a batch."""
    batch = find_batch(number_key(prefix), serial)
    if batch is None:
        raise ValidationError(
            _("Serial %(serial)s is in no batch of marks.") % {"serial": f"{prefix}{serial}"}
        )
    certificate = batch.certificate
    payload = {
        "v": PAYLOAD_VERSION,
        "m": serial_text(batch.prefix, serial),
        "n": certificate.number,
        "b": certificate.body.number,
    }
    return sign(MARK_TYPE, payload)


def _judge_batch(batch: MarkBatch | None, serial: str, **found: Any) -> Verification:
    if batch is None:
        return Verification(Verdict.NOT_FOUND, Reason.MARK_NOT_FOUND, serial=serial, **found)
    certificate = batch.certificate
    answer = status_verdict(certificate, serial=serial, **found)
    if answer is not None:
        return answer
    payload = found.get("payload")
    if payload is not None:
        current = {"n": certificate.number, "b": certificate.body.number}
        changed = tuple(key for key in ("b", "n") if payload.get(key) != current[key])
        if changed:
            return Verification(
                Verdict.SUPERSEDED, Reason.FIELDS_DIFFER, certificate, serial=serial, changed=changed, **found
            )
        return Verification(Verdict.VALID, Reason.SIGNATURE_VALID, certificate, serial=serial, **found)
    return Verification(Verdict.VALID, Reason.MARK_IN_BATCH, certificate, serial=serial, **found)


def judge_mark_code(check: SignatureCheck) -> Verification:
    """A mark's code whose signature holds: is its serial in a batch of a valid certificate?"""
    payload = check.payload or {}
    found: dict[str, Any] = {"kid": check.kid, "payload": payload, "signature_ok": True}
    parsed = parse_serial(payload["m"]) if isinstance(payload.get("m"), str) else None
    if payload.get("v") != PAYLOAD_VERSION or parsed is None:
        return Verification(Verdict.MALFORMED, Reason.MALFORMED_CODE, **found)
    return _judge_batch(find_batch(*parsed), serial_text(*parsed), **found)


def verify_mark_serial(text: str) -> Verification:
    """A serial as printed on a mark, without a code: genuine when it is in a batch of a valid certificate."""
    parsed = parse_serial(text)
    if parsed is None:
        return Verification(Verdict.MALFORMED, Reason.MALFORMED_CODE, checked="serial")
    return _judge_batch(find_batch(*parsed), serial_text(*parsed), checked="serial")


def verify_code(text: str) -> Verification:
    """Check a scanned or pasted code (or verify address) against the published keys and the registry."""
    check = verify_signature(text, published_jwks())
    if check.verdict == Verdict.UNKNOWN_KEY:
        revoked = SigningKey.objects.filter(kid=check.kid, status=SigningKey.Status.REVOKED).first()
        if revoked is not None:
            since = timezone.localdate(revoked.revoked_at) if revoked.revoked_at else None
            return Verification(
                Verdict.REVOKED, Reason.KEY_REVOKED, kid=check.kid, payload=check.payload, since=since
            )
    if not check.is_valid:
        return Verification(check.verdict, check.reason, kid=check.kid, payload=check.payload)
    if check.typ == MARK_TYPE:
        return judge_mark_code(check)
    if check.typ != CERTIFICATE_TYPE:
        return Verification(Verdict.MALFORMED, Reason.MALFORMED_CODE, kid=check.kid, signature_ok=True)
    return judge_certificate(check)
