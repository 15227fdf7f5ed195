"""The public verify page: anyone pastes or scans a certificate's code (or its verify address, a certificate
number or a mark serial) and gets the verdict, with the reason code; and a certificate's QR code as SVG.

No login: this is what the public, buyers and customs use. A QR code holds the page's address with
``?code=``, so a phone opens the answer directly.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from certis.certificates.code_display import qr_svg_file
from certis.certificates.models import Certificate, number_key
from certis.certificates.selectors.codes import parse_serial, verify_code, verify_mark_serial
from certis.certificates.selectors.search import MAX_NUMBER
from certis.certificates.services.ledger import subject as log_subject
from certis.certificates.signing import (
    MAX_CODE_LENGTH,
    Reason,
    Verdict,
    Verification,
    looks_like_code,
    status_verdict,
)
from certis.ledger.selectors import proof_for

MAX_MATCHES = 10


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code, verify link, certificate number or mark serial"),
        help_text=_(
            "Scan the QR code on the certificate or mark, or paste what it holds; or type the number."
        ),
        max_length=MAX_CODE_LENGTH + 200,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )


def _by_number(certificate: Certificate) -> Verification:
    answer = status_verdict(certificate, checked="number")
    return answer or Verification(Verdict.VALID, Reason.RECORD_VALID, certificate, checked="number")


def verify_text(text: str) -> list[Verification]:
    """The answers for what a visitor submitted: one for a code, one per certificate (several bodies may use
    the same number) or mark for a number, or one "not found"."""
    text = text.strip()
    if looks_like_code(text) or "code=" in text:
        return [verify_code(text)]
    if len(text) > MAX_NUMBER:
        return [Verification(Verdict.MALFORMED, Reason.MALFORMED_CODE, checked="number")]
    answers = []
    if parse_serial(text) is not None:
        mark = verify_mark_serial(text)
        if mark.verdict != Verdict.NOT_FOUND:
            answers.append(mark)
    certificates = Certificate.objects.select_related("body", "holder").filter(number_key=number_key(text))
    answers += [
        _by_number(certificate) for certificate in certificates.order_by("body__number")[:MAX_MATCHES]
    ]
    if not answers:
        answers.append(
            Verification(
                Verdict.NOT_FOUND, Reason.CERTIFICATE_NOT_FOUND, checked="number", payload={"n": text}
            )
        )
    return answers


def _log_proof(result: Verification) -> dict[str, object] | None:
    certificate = result.certificate
    if certificate is None:
        return None
    return proof_for(log_subject(certificate.body.number, certificate.number))


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = VerifyForm(data if "code" in data else None)
    results = verify_text(form.cleaned_data["code"]) if form.is_bound and form.is_valid() else []
    context = {
        "form": form,
        "results": [(result, _log_proof(result)) for result in results],
        "submitted": form.data.get("code", "") if form.is_bound else "",
    }
    return render(request, "certificates/code_verify.html", context, status=400 if form.errors else 200)


@require_safe
def certificate_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate's QR code, to download or to print: every certificate is public."""
    certificate = get_object_or_404(Certificate.objects.select_related("body", "holder"), pk=pk)
    response = HttpResponse(qr_svg_file(certificate, request), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"  # a rotation of the signing key changes the code
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.svg"'
    return response
