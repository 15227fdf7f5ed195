"""``{% certificate_code certificate as code %}``: a certificate's code, QR code and verify address, for
``certificates/includes/code.html``."""

from __future__ import annotations

from typing import Any

from django import template

from certis.certificates.code_display import CodeDisplay, code_display

register = template.Library()


@register.simple_tag(takes_context=True)
def certificate_code(context: dict[str, Any], certificate: Any) -> CodeDisplay:
    return code_display(certificate, context.get("request"))
