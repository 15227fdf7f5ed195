"""Forms of the online application pages. They collect and tidy input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from certis.accounts.access import Role, regulator_people
from certis.accounts.models import Organisation, User
from certis.core.apischema import RefusesControlCharacters
from certis.core.text import normalize

from ..models import Application, Body, Decision, ReviewAssignment, Scheme
from ..register.services import Scope
from .lifecycle import LISTED_KINDS, first_kinds_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
Kind = Application.Kind


class NewApplicationForm(RefusesControlCharacters, forms.Form):
    applicant = forms.ModelChoiceField(label=_("Applying organisation"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("The application is for"), choices=Kind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the application asks for, in a few sentences."),
    )
    name = forms.CharField(label=_("Name of the body"), max_length=200, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    region = forms.CharField(label=_("Region (province)"), max_length=50, required=False)
    new_name = forms.CharField(label=_("New name"), max_length=200, required=False)
    new_address = forms.CharField(label=_("New address"), max_length=300, required=False)
    scope = forms.CharField(
        label=_("Scope applied for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line each: scheme | product category or test item | standards, the scheme by its name "
            "(for example CCC, or Management system certification). Labs leave the scheme out: "
            "test item | standards."
        ),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applicant"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            field.initial = organisations.first()
            field.widget = forms.HiddenInput()

    def clean_scope(self) -> list[Scope]:
        lines = []
        for number, text in enumerate(self.cleaned_data.get("scope", "").splitlines(), start=1):
            parts = [part.strip() for part in text.replace("｜", "|").split("|")]
            if not any(parts):
                continue
            if len(parts) == 2:
                lines.append(Scope(category=parts[0], standards=parts[1]))
            elif len(parts) == 3:
                lines.append(Scope(scheme=scheme_code(parts[0]), category=parts[1], standards=parts[2]))
            elif len(parts) == 1:
                lines.append(Scope(category=parts[0]))
            else:
                raise forms.ValidationError(
                    _("Line %(line)d has too many parts; write scheme | category | standards."),
                    params={"line": number},
                )
        return lines


def scheme_code(text: str) -> str:
    """The scheme's code from its code, its label in either language, or "CCC"; the text itself if unknown
    (the service then says which line names no scheme)."""
    key = normalize(text)
    for code, _label in Scheme.choices:
        names = {code}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(Scheme(code).label))
        if key in {normalize(name) for name in names}:
            return code
    return text


class DocumentsField(forms.FileField):
    """Several files at once; each becomes a document titled by its file name."""

    widget: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})
        widget.allow_multiple_selected = True
        kwargs.setdefault("widget", widget)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(DocumentsField, self).clean(item, initial) for item in files]


def title_of(upload: Any) -> str:
    name = upload.name or ""
    return name.rsplit(".", 1)[0] if "." in name else name


class NewApplicationDocumentsForm(forms.Form):
    documents = DocumentsField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; each is titled by its file name."),
    )


class ConfirmForm(RefusesControlCharacters, forms.Form):
    """An act with nothing to fill in (accept, complete the review, issue, publish)."""

    def __init__(self, *args: Any, application: Application | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ReturnForm(ConfirmForm):
    missing = forms.CharField(
        label=_("What is missing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item a line."),
    )

    def clean_missing(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["missing"].splitlines() if line.strip()]


class SupplementForm(ConfirmForm):
    note = forms.CharField(
        label=_("Note to the approval staff"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(ConfirmForm):
    title = forms.CharField(
        label=_("Document title"),
        max_length=200,
        help_text=_("The same title as an earlier document uploads a new version of it."),
    )
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args: Any, application: Application | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if application is not None:
            self.fields["title"].widget.attrs["list"] = "document-titles"


class AssignReviewerForm(ConfirmForm):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, application: Application | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewers = regulator_people(Role.REVIEWER)
        if application is not None:
            reviewers = reviewers.exclude(reviews__application=application)
        self.fields["reviewer"].queryset = reviewers.order_by("username")  # type: ignore[attr-defined]


class FindingsForm(ConfirmForm):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[
            (ReviewAssignment.Conclusion.CONFORMS, ReviewAssignment.Conclusion.CONFORMS.label),
            (ReviewAssignment.Conclusion.NONCONFORMS, ReviewAssignment.Conclusion.NONCONFORMS.label),
        ],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(ConfirmForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(ConfirmForm):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccreditationForm(ConfirmForm):
    accreditation_body = forms.CharField(
        label=_("Accreditation body"), max_length=200, initial="中国合格评定国家认可委员会（CNAS）"
    )
    number = forms.CharField(label=_("Accreditation number"), max_length=64)
    scope = forms.CharField(
        label=_("Accredited scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)


class ApplicationFilterForm(RefusesControlCharacters, forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any stage")), *Application.Stage.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Kind.choices])
    q = forms.CharField(label=_("Reference or body"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


def _start_of_year() -> dt.date:
    return timezone.localdate().replace(month=1, day=1)


class FiguresForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["start"] = cleaned.get("start") or _start_of_year()
        cleaned["end"] = cleaned.get("end") or timezone.localdate()
        if cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (cleaned["end"] - cleaned["start"]).days > 366 * 10:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return cleaned


def kinds_for(organisation: Organisation) -> tuple[str, ...]:
    """What the organisation may apply for: a first approval before it is listed, the rest afterwards."""
    body = Body.objects.filter(organisation=organisation).first()
    if body is None or body.status == Body.Status.APPLYING:
        return first_kinds_for(organisation.kind)
    return LISTED_KINDS
