"""What a verdict on a code, number or mark serial means, said plainly in the visitor's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from certis.certificates.signing import Verification


def _day(value: Any) -> str:
    return value.isoformat() if value else "—"


def _facts(v: Verification) -> dict[str, str]:
    certificate = v.certificate
    if certificate is None:
        return {"number": v.claimed_number or "—", "serial": v.serial}
    return {
        "number": certificate.number,
        "body": certificate.body.name,
        "issued": _day(certificate.issued_on),
        "expires": _day(certificate.expires_on),
        "since": _day(v.since),
        "until": _day(v.until),
        "reason": certificate.status_reason or "—",
        "serial": v.serial,
        "changed": str(get_text_list(v.changed_labels, _("and"))) if v.changed_labels else "—",
    }


def _valid(v: Verification, facts: dict[str, str]) -> str:
    if v.reason == "record_valid":
        return (
            _(
                "The registry holds certificate %(number)s of %(body)s, valid until %(expires)s. A number alone "
                "does not prove that a printed copy is genuine: compare its details with those below, or scan "
                "its QR code."
            )
            % facts
        )
    if v.reason == "mark_in_batch":
        return (
            _("Mark %(serial)s was issued for certificate %(number)s of %(body)s, valid until %(expires)s.")
            % facts
        )
    return (
        _(
            "The platform signed this code, and the registry holds the same details: certificate %(number)s "
            "of %(body)s is valid until %(expires)s."
        )
        % facts
    )


def _not_valid(v: Verification, facts: dict[str, str]) -> str:
    texts: dict[str, str] = {
        "certificate_renewed": _(
            "The code is genuine, but the certificate has been renewed since it was made: it now runs from "
            "%(issued)s to %(expires)s. Rely on the current record below, not on an older printed copy."
        ),
        "fields_differ": _(
            "The code is genuine, but the certificate's record has changed since it was made (%(changed)s). "
            "Rely on the current record below: a printed copy that still shows the old details is out of date."
        ),
        "certificate_expired": _(
            "Certificate %(number)s expired on %(expires)s; it no longer certifies anything."
        ),
        "certificate_withdrawn": _("Certificate %(number)s was withdrawn on %(since)s. Reason: %(reason)s"),
        "certificate_suspended": _(
            "Certificate %(number)s is suspended from %(since)s until %(until)s. Reason: %(reason)s"
        ),
        "certificate_cancelled": _("Certificate %(number)s was cancelled on %(since)s. Reason: %(reason)s"),
        "key_revoked": _(
            "The code was signed with a key that the platform revoked (it may have leaked), so it proves "
            "nothing about the document. Look the certificate up by its number, or ask the holder for a new code."
        ),
        "signature_invalid": _(
            "The code was changed after it was signed: what it says now is not what the platform signed. "
            "Treat the document as suspect."
        ),
        "key_unknown": _(
            "The code was not signed with any of the platform's keys: Certis did not make it. Treat the "
            "document as suspect."
        ),
        "certificate_not_found": _(
            "The registry holds no certificate %(number)s. A certificate that is not in the registry cannot be "
            "relied on: bodies must report every certificate they issue."
        ),
        "mark_not_found": _(
            "No batch of marks holds the serial %(serial)s. Genuine marks are issued in registered batches: "
            "treat this mark as suspect."
        ),
        "malformed_code": _(
            "This is not a code, verify link, certificate number or mark serial that Certis can read. Check "
            "that the whole code was copied."
        ),
    }
    text = texts.get(v.reason, str(v.reason_label))
    if v.serial and v.certificate is not None and v.reason.startswith("certificate_"):
        text = _("Mark %(serial)s belongs to certificate %(number)s.") % facts + " " + text
    return text % facts


def message(v: Verification) -> str:
    facts = _facts(v)
    if v.is_valid:
        return _valid(v, facts)
    return _not_valid(v, facts)


def advice(v: Verification) -> str:
    if v.is_valid:
        return ""
    if v.verdict == "superseded":
        return _(
            "Compare the printed copy with the current record. If they differ on what matters to you, ask the "
            "holder for the current certificate, or report it if you suspect misuse."
        )
    if v.verdict in ("revoked", "expired") and v.certificate is not None:
        return _(
            "Do not rely on this certificate. If it is still being offered as valid, on a product, in a tender "
            "or at customs, report it."
        )
    return _(
        "This may be a forged certificate or mark. Report it: your report goes to the regulator, who follows "
        "it up."
    )
