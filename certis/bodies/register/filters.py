"""Search and filters of the public registers, used by the register pages and the register API alike.

Names are matched on their comparison key (``name_key``, see :func:`certis.core.text.normalize`): a query in
traditional script finds a name entered in simplified, and full-width letters, case and spaces do not
matter. Numbers are matched on their compact upper-case form. On PostgreSQL, trigram indexes (migration
0002) serve these substring matches.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certis.core.identifiers import compact_number
from certis.core.text import fold_width, normalize, squash_spaces, to_simplified, to_traditional

from ..models import Body, Employment, Person, Qualification, Scheme, ScopeEntry
from .lifecycle import LISTED_STATUSES

_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


def _variants(value: str) -> set[str]:
    text = squash_spaces(value)
    return {text, to_simplified(text), to_traditional(text)} - {""}


def _text_field(label: Any, method: str, max_length: int = 100) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=label, method=method, max_length=max_length)


class BodyFilter(django_filters.FilterSet):
    """Filters of the register of bodies and labs. ``kind`` fixes the register (the pages); without it the
    ``kind`` filter is offered (the API)."""

    q = _text_field(_("Name or number"), "filter_text")
    number = _text_field(_("Number"), "filter_number", max_length=32)
    scheme = django_filters.ChoiceFilter(label=_("Scheme"), choices=Scheme.choices, method="filter_scheme")
    region = _text_field(_("Region"), "filter_region", max_length=50)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[(status.value, status.label) for status in LISTED_STATUSES]
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Body.Kind.choices)
    queryset: QuerySet[Body]

    class Meta:
        model = Body
        fields: list[str] = []

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind is not None:
            self.queryset = self.queryset.filter(kind=kind)
            del self.filters["kind"]
            if kind == Body.Kind.LAB:  # labs are qualified for test items, not for schemes
                del self.filters["scheme"]
                self.filters["number"].label = _("Qualification (CMA) number")
            else:
                self.filters["number"].label = _("Approval number")

    def filter_text(self, queryset: QuerySet[Body], name: str, value: str) -> QuerySet[Body]:
        key = normalize(value)
        if not key:
            return queryset
        condition = Q(name_key__contains=key)
        if _ASCII_ALNUM.search(fold_width(value)):  # a name in Chinese has no number in it to look for
            code = compact_number(value)
            condition |= Q(number__contains=code)
            if len(code) == 18:
                condition |= Q(uscc=code)
        return queryset.filter(condition)

    def filter_number(self, queryset: QuerySet[Body], name: str, value: str) -> QuerySet[Body]:
        code = compact_number(value)
        return queryset.filter(number__startswith=code) if code else queryset

    def filter_scheme(self, queryset: QuerySet[Body], name: str, value: str) -> QuerySet[Body]:
        if not value:
            return queryset
        held = ScopeEntry.objects.filter(scheme=value, removed_on__isnull=True)
        return queryset.filter(Exists(held.filter(body=OuterRef("pk"))))

    def filter_region(self, queryset: QuerySet[Body], name: str, value: str) -> QuerySet[Body]:
        variants = _variants(value)
        return queryset.filter(region__in=variants) if variants else queryset


class PersonFilter(django_filters.FilterSet):
    """Filters of the register of certification personnel."""

    q = _text_field(_("Name or registration number"), "filter_text")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Person.Status.choices)
    role = django_filters.ChoiceFilter(
        label=_("Qualified as"), choices=Qualification.Role.choices, method="filter_qualification"
    )
    scheme = django_filters.ChoiceFilter(
        label=_("Scheme"), choices=Scheme.choices, method="filter_qualification"
    )
    employer = _text_field(_("Employer's number"), "filter_employer", max_length=32)

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        key = normalize(value)
        if not key:
            return queryset
        condition = Q(name_key__contains=key)
        if _ASCII_ALNUM.search(fold_width(value)):
            condition |= Q(registration_number__contains=compact_number(value))
        return queryset.filter(condition)

    def filter_qualification(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        """People holding a qualification valid today, for the role or the scheme (both, when both are asked
        for: the same qualification must match)."""
        role, scheme = self.form.cleaned_data.get("role"), self.form.cleaned_data.get("scheme")
        if not value or (name == "scheme" and role):
            return queryset  # both asked for: the role's turn, which comes first, matched both
        valid = valid_qualifications(timezone.localdate())
        if role:
            valid = valid.filter(role=role)
        if scheme:
            # The schemes are a JSON list of plain codes, none a part of another: the quoted code in the JSON
            # text is the element. JSON containment (@>) would be neater but SQLite does not have it.
            valid = valid.filter(schemes__icontains=f'"{scheme}"')
        return queryset.filter(Exists(valid.filter(person=OuterRef("pk"))))

    def filter_employer(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        code = compact_number(value)
        if not code:
            return queryset
        employed = Employment.objects.filter(ended_on__isnull=True, body__number=code)
        return queryset.filter(Exists(employed.filter(person=OuterRef("pk"))))


def valid_qualifications(day: dt.date) -> QuerySet[Qualification]:
    return Qualification.objects.filter(valid_from__lte=day, valid_until__gte=day)
