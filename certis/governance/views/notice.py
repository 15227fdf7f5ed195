"""The office's notice upload: read, preview (or compare with the plan held), then confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certis.accounts.models import Organisation
from certis.core.http import AuthenticatedRequest
from certis.core.text import normalize

from .. import access
from ..files.notice import NoticeError, read_notice
from ..forms import ConfirmNoticeForm, NoticeUploadForm
from ..services.plan_import import (
    diff_plan,
    existing_units,
    find_plan_for,
    import_plan,
    revise_plan,
    source_digest,
)


def _issuer() -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.REGULATOR).order_by("pk").first()


@login_required
def upload_notice(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_manage(request.user):
        raise PermissionDenied
    if request.method == "POST" and "digest" in request.POST:
        return _confirm(request)
    form = NoticeUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.errors else 200
        return render(request, "governance/notice_upload.html", {"form": form}, status=status)
    return _preview(request, form.cleaned_data["text"], form.cleaned_data["source_name"])


def _preview(request: AuthenticatedRequest, text: str, source_name: str) -> HttpResponse:
    try:
        notice = read_notice(text)
    except NoticeError as error:
        context = {"form": NoticeUploadForm(), "problems": error.problems}
        return render(request, "governance/notice_upload.html", context, status=400)
    plan, same = find_plan_for(notice, text)
    if same and plan is not None:
        messages.info(request, _("This notice is already imported; nothing changed."))
        return redirect("governance:plan_detail", plan_id=plan.pk)
    known = existing_units(list(notice.units()))
    preview: dict[str, Any] = {
        "notice": notice,
        "plan": plan,
        "diff": diff_plan(plan, notice) if plan else None,
        "new_units": [name for name in notice.units() if normalize(name) not in known],
        "confirm": ConfirmNoticeForm(
            initial={"text": text, "source_name": source_name, "digest": source_digest(text)}
        ),
    }
    return render(request, "governance/notice_preview.html", preview)


def _confirm(request: AuthenticatedRequest) -> HttpResponse:
    form = ConfirmNoticeForm(request.POST)
    if not form.is_valid() or source_digest(form.cleaned_data["text"]) != form.cleaned_data["digest"]:
        messages.error(request, _("The notice changed between preview and confirmation; upload it again."))
        return redirect("governance:upload_notice")
    text, source_name = form.cleaned_data["text"], form.cleaned_data["source_name"]
    try:
        notice = read_notice(text)
    except NoticeError:
        messages.error(request, _("The notice could not be read; upload it again."))
        return redirect("governance:upload_notice")
    plan, same = find_plan_for(notice, text)
    if plan is not None and same:
        messages.info(request, _("This notice is already imported; nothing changed."))
    elif plan is not None:
        revise_plan(
            acting_user=request.user, plan=plan, notice=notice, source_text=text, source_name=source_name
        )
        messages.success(request, _("The plan was revised from the new notice."))
    else:
        plan = import_plan(
            acting_user=request.user,
            notice=notice,
            source_text=text,
            source_name=source_name,
            issuer=_issuer(),
        )
        messages.success(
            request,
            _("Imported %(tasks)d tasks in %(parts)d parts.")
            % {"tasks": len(notice.tasks), "parts": len(notice.parts)},
        )
    return redirect("governance:plan_detail", plan_id=plan.pk)
