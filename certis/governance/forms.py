from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certis.accounts.models import Organisation

from .models import TaskStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def check_size(upload: Any) -> Any:
    if upload is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            params={
                "size": round(upload.size / 1_048_576, 1),
                "limit": round(settings.MAX_UPLOAD_BYTES / 1_048_576, 1),
            },
        )
    return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [check_size(super(MultipleFileField, self).clean(item, initial)) for item in files]


class NoticeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Notice file"), required=False, help_text=_("A UTF-8 (or GB18030) text file of the notice.")
    )
    text = forms.CharField(
        label=_("Or paste the notice"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean_file(self) -> Any:
        return check_size(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload:
            cleaned["text"] = decode_text(upload.read())
            cleaned["source_name"] = upload.name
        elif not cleaned.get("text", "").strip():
            raise ValidationError(_("Choose a file or paste the notice's text."))
        else:
            cleaned.setdefault("source_name", "")
        return cleaned


def decode_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is not text in UTF-8 or GB18030. Save the notice as plain text and try again.")
    )


class ConfirmNoticeForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput)
    source_name = forms.CharField(required=False, widget=forms.HiddenInput)
    digest = forms.CharField(widget=forms.HiddenInput)


class ProgressReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Evidence files"), required=False)  # type: ignore[assignment]
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, units: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0]
            self.fields["unit"].widget = forms.HiddenInput()


class ContributionForm(ProgressReportForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["status"], self.fields["percent_complete"]


class ScheduleForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label=pgettext_lazy("follow-up", "Message"), widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(label=_("Reply due"), widget=DATE)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to send to every unit of the task."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))


class AssessmentPeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)


class AdjustmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())
    points = forms.DecimalField(
        label=_("Points (+/-)"), max_digits=5, decimal_places=1, min_value=-100, max_value=100
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ExcelUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self) -> Any:
        upload = check_size(self.cleaned_data["file"])
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook (.xlsx)."))
        return upload
