"""Forms of the regulator's pages that keep the registers. Field checks here; the rules live in the services
(``register/services.py``) and the statuses' moves in ``register/lifecycle.py``, whose errors the views put back next to the fields."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certis.core.identifiers import clean_identity_number, compact_number
from certis.core.text import fold_width

from ..models import Body, Person, Qualification, Scheme
from .lifecycle import BODY_MOVE_NAMES, EMPLOYING_STATUSES, body_moves, person_moves
from .selectors import listed_bodies

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

REGISTRATION_NUMBER = re.compile(r"^[0-9A-Z][0-9A-Z.\-]*$")
FIELD_CODE = re.compile(r"^[0-9A-Z][0-9A-Z.\-]{0,19}$")
FIELD_CODE_SEPARATORS = re.compile(r"[\s,;，、；]+")


def _dates_in_order(cleaned: dict[str, Any], message: Any) -> None:
    start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
    if start and end and end < start:
        raise ValidationError({"valid_until": message})


class BodyStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Change"), choices=[])
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published in the register with the change."),
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.body = body
        moves = body_moves(body.status)
        self.is_final = not moves
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (s.value, label) for s, label in BODY_MOVE_NAMES.items() if s in moves
        ]

    def clean_effective_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["effective_on"]
        if day > timezone.localdate():
            raise ValidationError(_("A change takes effect when it is recorded: the date cannot be ahead."))
        if self.body.status_since and day < self.body.status_since:
            raise ValidationError(
                _("The present status dates from %(date)s; the change cannot take effect before it."),
                params={"date": self.body.status_since.isoformat()},
            )
        return day


class AccreditationForm(forms.Form):
    accreditation_body = forms.CharField(label=_("Accreditation body"), max_length=200, initial="CNAS")
    number = forms.CharField(label=_("Accreditation number"), max_length=64)
    scope = forms.CharField(
        label=_("Accredited scope"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _dates_in_order(cleaned, _("The accreditation cannot end before it starts."))
        return cleaned


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    identity_number = forms.CharField(
        label=_("Resident identity number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Checked, then kept sealed; the register shows only a masked copy to the regulator."),
    )
    registration_number = forms.CharField(label=_("Registration number"), max_length=32)

    def clean_identity_number(self) -> str:
        return clean_identity_number(self.cleaned_data["identity_number"])

    def clean_registration_number(self) -> str:
        number = compact_number(self.cleaned_data["registration_number"])
        if not REGISTRATION_NUMBER.match(number) or not any(c.isdigit() for c in number):
            raise ValidationError(
                _("A registration number has letters, digits, dots and hyphens, and at least one digit.")
            )
        return number


class QualificationForm(forms.Form):
    role = forms.ChoiceField(label=_("Qualified as"), choices=Qualification.Role.choices)
    grade = forms.ChoiceField(label=_("Grade"), choices=Qualification.Grade.choices)
    schemes = forms.MultipleChoiceField(
        label=_("Schemes"), choices=Scheme.choices, widget=forms.CheckboxSelectMultiple
    )
    field_codes = forms.CharField(
        label=_("Technical field codes"),
        max_length=1000,
        required=False,
        help_text=_("Separated by commas or spaces, e.g. 19.05.01, 29.12"),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)

    def clean_field_codes(self) -> list[str]:
        codes = [
            c for c in FIELD_CODE_SEPARATORS.split(fold_width(self.cleaned_data["field_codes"]).upper()) if c
        ]
        wrong = [code for code in codes if not FIELD_CODE.match(code)]
        if wrong:
            raise ValidationError(_("Not a field code: %(codes)s."), params={"codes": ", ".join(wrong[:5])})
        if len(codes) > 100:
            raise ValidationError(_("At most 100 field codes."))
        return codes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _dates_in_order(cleaned, _("The qualification cannot end before it starts."))
        return cleaned


class EmploymentForm(forms.Form):
    body = forms.CharField(
        label=_("Employer's approval number"),
        max_length=32,
        help_text=_("The number of an approved (or suspended) body, e.g. CNCA-R-2002-001"),
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE)

    def clean_body(self) -> Body:
        code = compact_number(self.cleaned_data["body"])
        employer = listed_bodies().filter(number=code, status__in=EMPLOYING_STATUSES).first()
        if employer is None:
            raise ValidationError(_("No approved body has the number %(number)s."), params={"number": code})
        return employer


class PersonStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Change to"), choices=[])
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        moves = person_moves(person.status)
        self.is_final = not moves
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (value, label) for value, label in Person.Status.choices if value in moves
        ]
