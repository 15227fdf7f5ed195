"""The filters of the management list and the forms of the lifecycle moves.

The forms check only the shape of what was typed; the rules of a move (which status may follow which, the
end of a suspension after its start, who lifts a sanction) are the service's, whose errors the views put back
next to the fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certis.bodies.models import Scheme
from certis.certificates import lifecycle
from certis.certificates.models import Certificate, number_key
from certis.core.identifiers import compact_number
from certis.core.text import fold_width, search_key

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")
MAX_DAYS = 3650


class ManageFilter(django_filters.FilterSet):
    """Filters of the list of certificates a person manages. ``body`` (by approval number) is offered only to
    people who manage the certificates of more than one body."""

    q = django_filters.CharFilter(label=_("Number, holder or USCC"), method="filter_text", max_length=200)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Certificate.Status.choices)
    scheme = django_filters.ChoiceFilter(label=_("Scheme"), choices=Scheme.choices)
    expiring_within = django_filters.NumberFilter(
        label=_("Expiring within (days)"),
        method="filter_expiring",
        min_value=0,
        max_value=MAX_DAYS,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Suspended past their end date"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    body = django_filters.CharFilter(label=_("Body's approval number"), method="filter_body", max_length=32)

    class Meta:
        model = Certificate
        fields: list[str] = []

    def __init__(self, *args: Any, several_bodies: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not several_bodies:
            del self.filters["body"]
        self.filters["expiring_within"].field.widget.attrs.update({"min": 0, "max": MAX_DAYS})

    def filter_text(self, queryset: QuerySet[Certificate], name: str, value: str) -> QuerySet[Certificate]:
        key = search_key(value)
        if not key:
            return queryset
        condition = Q(holder__name_key__contains=key)
        if _ASCII_ALNUM.search(fold_width(value)):  # a holder's name in Chinese has no number in it
            code = number_key(value)
            condition |= Q(number_key__startswith=code)
            if len(compact_number(value)) == 18:
                condition |= Q(holder__uscc=compact_number(value))
        return queryset.filter(condition)

    def filter_expiring(
        self, queryset: QuerySet[Certificate], name: str, value: Any
    ) -> QuerySet[Certificate]:
        """Certificates still in force (valid or suspended) whose expiry date falls within the next N days."""
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(
            status__in=lifecycle.LIVE,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=int(value)),
        )

    def filter_overdue(self, queryset: QuerySet[Certificate], name: str, value: Any) -> QuerySet[Certificate]:
        """Suspensions whose end date has passed without the body reinstating or withdrawing the certificate."""
        if not value:
            return queryset
        return queryset.filter(status=Certificate.Status.SUSPENDED, suspended_until__lt=timezone.localdate())

    def filter_body(self, queryset: QuerySet[Certificate], name: str, value: str) -> QuerySet[Certificate]:
        code = compact_number(value)
        return queryset.filter(body__number=code) if code else queryset


class MoveForm(forms.Form):
    """Reinstate, withdraw or cancel: the reason, shown with the certificate's status."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the certificate's status, to the public too."),
    )


class SuspendForm(MoveForm):
    until = forms.DateField(
        label=_("Suspended until"),
        widget=DATE,
        help_text=_(
            "The suspension ends on this day unless the certificate is reinstated or withdrawn before."
        ),
    )


def move_form(move: str, data: Any = None, **kwargs: Any) -> MoveForm:
    form_class = SuspendForm if move == "suspend" else MoveForm
    return form_class(data, prefix=move, **kwargs)
