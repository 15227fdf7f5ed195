"""Forms of the reporting pages. They collect what the body typed; ``rules.check_row`` decides what is right,
as it does for files and the API, so that the three ways of reporting can never disagree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certis.bodies.models import Scheme
from certis.certificates.models import Certificate
from certis.certificates.rules import DATE_FIELDS, MAX_LENGTHS, ReportContext, check_row
from certis.certificates.schemes import FIELDS, required_fields, template_fields

LONG_TEXT = {"product_models", "scope", "standards", "sites"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

HELP = {
    "number": _("Reporting a number your body reported before updates that certificate."),
    "holder_uscc": _("18 characters, with the check character."),
    "product_code": _("The product's code in the CCC catalogue (for example 0705)."),
    "product_models": _("Separate several models with semicolons."),
    "standards": _("Codes with editions, separated by semicolons (GB/T 19001-2016; ISO 9001:2015)."),
    "sites": _("One site per line, each as: address: scope."),
    "first_issued_on": _("Leave empty if the certificate was first issued on its issue date."),
    "signatory": _("The registration number of the person who signed; they must work for your body."),
}


def _field(name: str) -> forms.Field:
    label = str(FIELDS[name])
    if name == "scheme":
        return forms.ChoiceField(label=label, choices=[("", "---------"), *Scheme.choices], required=False)
    # Dates too are text here: the rules read them, in the same forms as in a file.
    widget: forms.Widget = forms.TextInput()
    if name in DATE_FIELDS:
        widget = DATE
    elif name in LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 3})
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_LENGTHS.get(name),
        widget=widget,
        help_text=HELP.get(name, ""),
        strip=True,
    )


class CertificateReportForm(forms.Form):
    """Every field of a report; which are required depends on the scheme, as the rules say."""

    def __init__(
        self, *args: Any, context: ReportContext | None = None, refresh_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.report: dict[str, Any] | None = None
        for name in FIELDS:
            self.fields[name] = _field(name)
        if refresh_url:  # choosing a scheme shows its fields and marks the ones it requires
            self.fields["scheme"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-include": "closest form",
                    "hx-target": "#report-fields",
                    "hx-select": "#report-fields",
                    "hx-swap": "outerHTML",
                }
            )

    @property
    def scheme(self) -> str:
        value = (self.data.get("scheme") if self.is_bound else None) or self.initial.get("scheme") or ""
        return value if value in Scheme.values else ""

    def required_names(self) -> set[str]:
        return set(required_fields(self.scheme)) if self.scheme else {"number", "scheme"}

    def shown_names(self) -> set[str]:
        """The fields of the scheme's template; the others are folded away (but still sent)."""
        return set(template_fields(self.scheme)) if self.scheme else set(FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # too long for the field: the rules would say the same thing again
            return cleaned
        if self.context is None:
            raise forms.ValidationError(_("This form cannot be checked without the body's context."))
        raw = {name: cleaned.get(name) for name in FIELDS}
        data, errors = check_row(raw, self.context)
        for error in errors:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        self.report = data
        return cleaned


def initial_from(certificate: Certificate) -> dict[str, Any]:
    """The form's initial values for a certificate reported before (to correct or renew it)."""
    initial: dict[str, Any] = {name: getattr(certificate, name, "") for name in FIELDS}
    initial["holder_uscc"] = certificate.holder.uscc
    initial["standards"] = "; ".join(certificate.standards or [])
    initial["sites"] = "\n".join(
        f"{site.get('address', '')}: {site.get('scope', '')}" for site in certificate.sites or []
    )
    initial["signatory"] = certificate.signatory.registration_number
    return initial


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.json,.txt"}),
        help_text=_("Excel (.xlsx), CSV (UTF-8 or GB18030) or JSON; the first row heads the columns."),
    )
    scheme = forms.ChoiceField(
        label=_("Scheme"),
        required=False,
        choices=[("", _("Each row names its scheme")), *Scheme.choices],
        help_text=_("If the file holds one scheme's certificates, rows may then leave the scheme empty."),
    )
