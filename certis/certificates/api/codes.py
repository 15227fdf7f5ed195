"""Public API of signed codes: verify a certificate's or mark's code, and check a mark's serial.

Anyone may call it (``auth=None``). A code that cannot be read is an answer (verdict ``malformed``), not an
error; a request without a code, or with one far longer than any code, is refused with 422.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from certis.certificates.api.public import CertificateStatus
from certis.certificates.selectors.codes import verify_code, verify_mark_serial
from certis.certificates.signing import MAX_CODE_LENGTH, Reason, Verdict, Verification
from certis.core.choices import api_enum

router = Router(tags=["codes"], auth=None)

if TYPE_CHECKING:  # to the type checker, the choices themselves (see certis.core.choices)
    VerdictCode = Verdict
    ReasonCode = Reason
else:
    VerdictCode = api_enum("VerdictCode", Verdict.values, module=__name__)
    ReasonCode = api_enum("ReasonCode", Reason.values, module=__name__)

EXAMPLE_CODE = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYwNi1BYjNkRTl4WTEyIiwidHlwIjoiY2VydCJ9"
    ".eyJ2IjoxLCJiIjoiQ05DQS1SLTIwMDItMDAxIiwibiI6IjIwMjUwMTAxMDEwMDAwMDEifQ"
    ".c2lnbmF0dXJl"
)


class CodeIn(Schema):
    code: str = Field(
        min_length=1,
        max_length=MAX_CODE_LENGTH + 200,
        description="The code as scanned from a QR code or pasted: the bare JWS, or the verify address that "
        "holds it as ?code=.",
        examples=[EXAMPLE_CODE, f"https://certis.example.gov.cn/certificates/verify/?code={EXAMPLE_CODE}"],
    )


class CertificateSummary(Schema):
    number: str
    body_number: str | None = Field(description="The issuing body's approval number.")
    body_name: str
    holder_name: str
    holder_uscc: str
    scheme: str
    product: str
    product_code: str
    product_models: str
    scope: str
    standards: list[str]
    status: CertificateStatus
    status_since: dt.date
    suspended_until: dt.date | None
    issued_on: dt.date
    expires_on: dt.date


class VerificationOut(Schema):
    verdict: VerdictCode = Field(examples=["valid"])
    reason: ReasonCode = Field(examples=["signature_valid"])
    message: str = Field(description="What the verdict means, in the language of the request.")
    kid: str | None = Field(None, description="The key the code names.")
    since: dt.date | None = Field(
        None, description="When the certificate's status (or the key's revocation) began."
    )
    until: dt.date | None = Field(None, description="The end of a suspension.")
    changed: list[str] = Field(
        default_factory=list, description="The payload's keys that differ from the registry's record."
    )
    mark: str | None = Field(None, description="The mark serial checked, if any.")
    certificate: CertificateSummary | None = None


def _summary(verification: Verification) -> dict[str, Any] | None:
    certificate = verification.certificate
    if certificate is None:
        return None
    return {
        "number": certificate.number,
        "body_number": certificate.body.number,
        "body_name": certificate.body.name,
        "holder_name": certificate.holder_name,
        "holder_uscc": certificate.holder.uscc,
        "scheme": certificate.scheme,
        "product": certificate.product,
        "product_code": certificate.product_code,
        "product_models": certificate.product_models,
        "scope": certificate.scope,
        "standards": list(certificate.standards),
        "status": certificate.status,
        "status_since": certificate.status_since,
        "suspended_until": certificate.suspended_until,
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
    }


def answer(verification: Verification) -> dict[str, Any]:
    return {
        "verdict": str(verification.verdict),
        "reason": str(verification.reason),
        "message": verification.message,
        "kid": verification.kid or None,
        "since": verification.since,
        "until": verification.until,
        "changed": list(verification.changed),
        "mark": verification.serial or None,
        "certificate": _summary(verification),
    }


@router.post("/verify", response=VerificationOut, summary="Verify a certificate's or mark's code")
def verify(request: HttpRequest, body: CodeIn) -> dict[str, Any]:
    """Check the signature against the platform's keys and the code's fields against the registry."""
    return answer(verify_code(body.code))


@router.get("/marks/{serial}", response=VerificationOut, summary="Check a certification mark's serial")
def mark(request: HttpRequest, serial: str) -> dict[str, Any]:
    """Genuine when the serial (``A1234567``) is in a batch of marks issued for a valid certificate."""
    return answer(verify_mark_serial(serial))
