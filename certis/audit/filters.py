from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from certis.core.text import to_simplified, to_traditional

from .models import AuditEvent, EventType


class AuditEventFilter(django_filters.FilterSet):
    event_type = django_filters.ChoiceFilter(label=_("Event"), choices=EventType.choices)
    actor = django_filters.CharFilter(label=_("Actor"), field_name="actor__username", lookup_expr="icontains")
    target = django_filters.CharFilter(label=_("Target"), method="filter_target")
    target_type = django_filters.CharFilter(label=_("Target type"), lookup_expr="exact")
    since = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_target(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        """Names are stored as the notice wrote them; 认可部 finds 認可部 and the other way round."""
        value = value.strip()
        if not value:
            return queryset
        spellings = {value, to_simplified(value), to_traditional(value)}
        return queryset.filter(reduce(or_, (Q(target_repr__icontains=spelling) for spelling in spellings)))
