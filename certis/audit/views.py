from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from certis.accounts.access import can_browse_audit
from certis.core.listing import paginate_sorted

from .filters import AuditEventFilter
from .models import AuditEvent


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_browse_audit(request.user):
        raise PermissionDenied
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.select_related("actor"))
    listing = paginate_sorted(
        request,
        events.qs,
        sort_fields={"time": "created_at", "event": "event_type", "target": "target_repr"},
        default_sort="-time",
    )
    return render(request, "audit/event_list.html", {"filter": events, "listing": listing})
