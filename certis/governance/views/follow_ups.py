"""Follow-ups (督办): the list, a follow-up with its replies, closing it (the office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certis.accounts.access import organisations_of
from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest

from .. import access
from ..forms import (
    ReplyForm,
)
from ..models import FollowUp
from ..services import work as services
from . import office_only


@login_required
def follow_up_list(request: AuthenticatedRequest) -> HttpResponse:
    follow_ups = FollowUp.objects.select_related("task__plan").prefetch_related("recipients__unit")
    if not access.can_read_all(request.user):
        follow_ups = follow_ups.filter(recipients__unit__in=organisations_of(request.user)).distinct()
    state = request.GET.get("state", "open")
    if state == "open":
        follow_ups = follow_ups.filter(closed_at__isnull=True)
    elif state == "closed":
        follow_ups = follow_ups.filter(closed_at__isnull=False)
    return render(request, "governance/follow_up_list.html", {"follow_ups": follow_ups, "state": state})


def _follow_up_for(request: HttpRequest, follow_up_id: int) -> FollowUp:
    follow_up = get_object_or_404(FollowUp.objects.select_related("task__plan"), pk=follow_up_id)
    user = request.user
    if access.can_read_all(user):
        return follow_up
    sent_to_me = follow_up.recipients.filter(unit__in=organisations_of(user)).exists()
    if not sent_to_me or not access.plans_for(user).filter(pk=follow_up.task.plan_id).exists():
        raise Http404
    return follow_up


@login_required
def follow_up_detail(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    follow_up = _follow_up_for(request, follow_up_id)
    mine = follow_up.recipients.filter(unit__in=organisations_of(request.user), replied_at__isnull=True)
    form = ReplyForm(request.POST or None)
    recipient = mine.select_related("unit").first()
    if request.method == "POST":
        if recipient is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.reply_to_follow_up(
                    acting_user=request.user, recipient=recipient, reply=form.cleaned_data["reply"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Reply sent."))
                return redirect("governance:follow_up_detail", follow_up_id=follow_up.pk)
    context = {
        "follow_up": follow_up,
        "recipients": follow_up.recipients.select_related("unit", "replied_by"),
        "reply_form": form if recipient and not follow_up.closed_at else None,
        "replying_unit": recipient.unit if recipient else None,
        "can_manage": access.can_manage(request.user),
    }
    return render(request, "governance/follow_up_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def close_follow_up(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    office_only(request)
    follow_up = _follow_up_for(request, follow_up_id)
    services.close_follow_up(acting_user=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up closed."))
    return redirect("governance:follow_up_detail", follow_up_id=follow_up.pk)
