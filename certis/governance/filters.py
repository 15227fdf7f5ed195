from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from certis.accounts.models import Organisation

from .models import Measure, Part, Plan, Task, TaskStatus


class TaskFilter(django_filters.FilterSet):
    """Filters for a plan's tasks, on the outline and the matrix. Choices come from the plan itself."""

    part = django_filters.ModelChoiceFilter(label=_("Part"), queryset=Part.objects.none())
    measure = django_filters.ModelChoiceFilter(label=_("Measure"), queryset=Measure.objects.none())
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Organisation.objects.none(), method="filter_unit"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices)
    flag = django_filters.ChoiceFilter(
        label=_("Flag"),
        choices=[("overdue", _("Overdue")), ("stalled", _("Stalled"))],
        method="filter_flag",
    )
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["part"].queryset = plan.parts.all()
        self.filters["measure"].queryset = plan.measures.all()
        self.filters["unit"].queryset = (
            Organisation.objects.filter(responsibilities__task__plan=plan).distinct().order_by("name")
        )

    def filter_unit(self, queryset: QuerySet[Task], name: str, value: Organisation) -> QuerySet[Task]:
        return queryset.filter(responsibilities__unit=value) if value else queryset

    def filter_flag(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(**{f"is_{value}": True}) if value in ("overdue", "stalled") else queryset

    def filter_text(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        from certis.core.text import to_simplified, to_traditional

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value)
            | Q(text__icontains=to_traditional(value))
            | Q(text__icontains=to_simplified(value))
        )
