"""A certificate's code as people see it: the QR code (SVG, drawn here with segno, no service called) and the
code's text to copy. The QR code holds the verify page's address with the code, so that a phone opens the
answer at once; the page takes the bare code as well."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from certis.certificates.models import Certificate
from certis.certificates.signing import code_for, verify_url


@dataclass(frozen=True)
class CodeDisplay:
    code: str  # the bare JWS
    url: str  # what the QR code holds: the verify address with the code, or the bare code
    svg: SafeString  # the QR code, inline


def public_base(request: HttpRequest | None) -> str:
    """The platform's address for QR codes: PUBLIC_BASE_URL, else the address the page was asked under."""
    if settings.PUBLIC_BASE_URL:
        return str(settings.PUBLIC_BASE_URL)
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ""


def qr_content(certificate: Certificate, request: HttpRequest | None) -> tuple[str, str]:
    """The certificate's code and what its QR code holds."""
    code = code_for(certificate)
    base = public_base(request)
    return code, verify_url(code, base) if base else code


def _qr(content: str) -> segno.QRCode:
    # Level M survives some wear of a printed code; a certificate's address fits in version 17 or so.
    return segno.make(content, error="m", micro=False)


def _title(certificate: Certificate) -> str:
    return _("QR code of certificate %(number)s") % {"number": certificate.number}


def code_display(certificate: Certificate, request: HttpRequest | None = None) -> CodeDisplay:
    code, content = qr_content(certificate, request)
    # segno escapes the title and draws nothing but a path: the markup is safe to inline.
    svg = _qr(content).svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        title=_title(certificate),
        svgclass="qr",
        lineclass=None,
        light="#fff",
    )
    return CodeDisplay(code=code, url=content, svg=mark_safe(svg))  # noqa: S308


def qr_svg_file(certificate: Certificate, request: HttpRequest | None = None) -> bytes:
    """The QR code as an SVG file, to download or to print on the certificate."""
    _code, content = qr_content(certificate, request)
    buffer = io.BytesIO()
    _qr(content).save(buffer, kind="svg", scale=4, border=4, title=_title(certificate), light="#fff")
    return buffer.getvalue()
