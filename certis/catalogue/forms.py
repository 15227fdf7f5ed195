"""The forms of the catalogue pages. They read and check what was typed; services decide the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certis.bodies.models import Body
from certis.core.apischema import RefusesControlCharacters

from .models import Adjustment, Category, LimitQuantity, RiskLevel, Route
from .services.import_checks import MAX_LINES

MIN_DAY, MAX_DAY = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_("The text holds a character that cannot be stored."))


class DayField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def clean(self, value: Any) -> dt.date | None:
        day: dt.date | None = super().clean(value)
        if day is not None and not MIN_DAY <= day <= MAX_DAY:
            raise ValidationError(_("Give a date between 1990 and 2100."))
        return day


class AsOfForm(forms.Form):
    on = DayField(label=_("Catalogue as of"), required=False)
    q = forms.CharField(label=_("Code or name"), max_length=100, required=False, validators=[_no_nul])
    route = forms.ChoiceField(
        label=_("Route"), choices=[("", _("Any route")), *Route.choices], required=False
    )

    def day(self) -> dt.date:
        return (
            self.cleaned_data.get("on") if self.is_bound and self.is_valid() else None
        ) or timezone.localdate()


class ChangesForm(forms.Form):
    start = DayField(label=_("From"))
    end = DayField(label=_("To"))


class HsSearchForm(forms.Form):
    q = forms.CharField(
        label=_("HS code or product name"),
        max_length=100,
        validators=[_no_nul],
        help_text=_("The first digits of a code (8516.60) or part of a product's name, in either script."),
    )
    on = DayField(label=_("On"), required=False)
    past = forms.BooleanField(label=_("Include lines no longer or not yet in force"), required=False)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Adjustment"), choices=Adjustment.Kind.choices)
    code = forms.RegexField(
        label=_("Product code"),
        regex=r"^\s*[0-9]{4}\s*$",
        max_length=8,
        error_messages={"invalid": _("A product's code has four digits, such as 0718.")},
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        help_text=_("For a product added to the catalogue."),
    )
    effective_on = DayField(label=_("Effective on"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False, validators=[_no_nul])
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_no_nul],
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices], required=False
    )
    route = forms.ChoiceField(label=_("Route"), choices=[("", "—"), *Route.choices], required=False)
    rules = forms.CharField(
        label=_("Implementation rules"), max_length=300, required=False, validators=[_no_nul]
    )
    standards = forms.CharField(
        label=_("Standards"),
        max_length=2000,
        required=False,
        validators=[_no_nul],
        help_text=_("Separated by semicolons; for a change, leave empty to keep them."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), validators=[_no_nul]
    )
    notice = forms.CharField(label=_("Notice"), max_length=300, validators=[_no_nul])

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()

    def standards_list(self) -> list[str] | None:
        text = self.cleaned_data.get("standards") or ""
        codes = [part.strip() for part in text.replace("；", ";").split(";") if part.strip()]
        return codes or None


class HsCodeForm(forms.Form):
    code = forms.CharField(label=_("HS code"), max_length=40, validators=[_no_nul])
    valid_from = DayField(label=_("In force from"))
    valid_until = DayField(
        label=_("In force until"), required=False, help_text=_("Empty: until further notice.")
    )
    condition = forms.CharField(label=_("Condition"), max_length=300, required=False, validators=[_no_nul])
    limit_quantity = forms.ChoiceField(
        label=_("Limited quantity"), choices=[("", "—"), *LimitQuantity.choices], required=False
    )
    limit_min = forms.DecimalField(label=_("At least"), max_digits=12, decimal_places=3, required=False)
    limit_max = forms.DecimalField(label=_("At most"), max_digits=12, decimal_places=3, required=False)
    notice = forms.CharField(label=_("Notice"), max_length=300, required=False, validators=[_no_nul])


class EndHsCodeForm(forms.Form):
    valid_until = DayField(label=_("No longer applies from"))
    notice = forms.CharField(label=_("Notice"), max_length=300, validators=[_no_nul])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), validators=[_no_nul]
    )


class TrustForm(forms.Form):
    uscc = forms.CharField(label=_("Firm's unified social credit code"), max_length=32, validators=[_no_nul])
    trusted = forms.TypedChoiceField(
        label=_("Class"),
        choices=[("1", _("Trusted: checked after release")), ("0", _("Ordinary: checked before release"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), validators=[_no_nul]
    )


class DeclarationForm(forms.Form):
    product = forms.ChoiceField(label=_("Catalogue product"))
    product_name = forms.CharField(
        label=_("Product name"),
        max_length=200,
        required=False,
        validators=[_no_nul],
        help_text=_("As you name it; the catalogue's name if empty."),
    )
    models = forms.CharField(
        label=_("Models"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[_no_nul],
        help_text=_("Separated by semicolons or one a line."),
    )
    trademark = forms.CharField(label=_("Trademark"), max_length=200, required=False, validators=[_no_nul])
    standards = forms.CharField(
        label=_("Standards"), max_length=2000, validators=[_no_nul], help_text=_("Separated by semicolons.")
    )
    test_report_number = forms.CharField(label=_("Test report number"), max_length=64, validators=[_no_nul])
    lab = forms.ModelChoiceField(
        label=_("Lab that issued the report"),
        queryset=Body.objects.filter(kind=Body.Kind.LAB, status=Body.Status.APPROVED).order_by("name"),
    )
    declarant_name = forms.CharField(
        label=_("Signed by"),
        max_length=100,
        validators=[_no_nul],
        help_text=_("The person who signs for the maker."),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_(
            "Anyone may look a public declaration up by its number; customs and the regulator see all."
        ),
    )

    def __init__(self, *args: Any, products: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        assert isinstance(product, forms.ChoiceField)
        product.choices = [("", "—"), *products]

    def standards_list(self) -> list[str]:
        text = self.cleaned_data.get("standards") or ""
        return [part.strip() for part in text.replace("；", ";").split(";") if part.strip()]


class ImportCheckForm(RefusesControlCharacters, forms.Form):
    reference = forms.CharField(
        label=_("Declaration number"), max_length=64, required=False, validators=[_no_nul]
    )
    declared_on = DayField(label=_("Declared on"), required=False, help_text=_("Today if empty."))
    importer_uscc = forms.CharField(
        label=_("Importer's unified social credit code"),
        max_length=32,
        required=False,
        validators=[_no_nul],
        help_text=_("For every line that names none."),
    )
    file = forms.FileField(
        label=_("Declaration file (Excel .xlsx or CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    lines = forms.CharField(
        label=_("Or paste the lines"),
        required=False,
        max_length=MAX_LINES * 400,
        validators=[_no_nul],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One line a row, columns as in the template, separated by tabs (pasted from Excel) or commas."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("lines") or "").strip():
            raise ValidationError(_("Upload the declaration or paste its lines."))
        return data
