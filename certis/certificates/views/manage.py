"""Pages where certification bodies and the regulator manage certificates: the list of those a person
manages, a certificate's page with every field and its full history, and the lifecycle moves.

Access: ``access`` says which certificates a person manages (others' are 404), ``manage_access`` which moves
they make and in what capacity; someone who manages no certificate at all gets 403. The moves call the
lifecycle services, whose refusals come back as form errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from certis.certificates import lifecycle
from certis.certificates.access import (
    acting_organisation,
    capacity,
    check_move,
    get_certificate_for_user,
    is_supervisor,
    managed_certificates,
    open_moves,
    reporting_bodies,
)
from certis.certificates.forms.manage import ManageFilter, MoveForm, move_form
from certis.certificates.lifecycle import MOVES
from certis.certificates.models import Certificate, StatusEvent
from certis.certificates.services import registry as services
from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest
from certis.core.listing import paginate_sorted

SORTS: dict[str, str | tuple[str, ...]] = {
    "number": "number_key",
    "holder": ("holder_name", "number_key"),
    "scheme": ("scheme", "number_key"),
    "status": ("status", "number_key"),
    "issued": ("issued_on", "number_key"),
    "expires": ("expires_on", "number_key"),
    "body": ("body__number", "number_key"),
}
LIST_COLUMNS = (
    "id",
    "number",
    "scheme",
    "holder_name",
    "product",
    "status",
    "status_since",
    "suspended_until",
    "issued_on",
    "expires_on",
    "body__name",
    "body__number",
)


def _managers_only(request: HttpRequest) -> tuple[bool, int]:
    """Whether the person is supervision staff, and how many bodies they report for; 403 when neither."""
    supervisor = is_supervisor(request.user)
    bodies = 0 if supervisor else len(reporting_bodies(request.user).values_list("pk", flat=True)[:2])
    if not supervisor and not bodies:
        raise PermissionDenied
    return supervisor, bodies


@login_required
@require_safe
def certificate_list(request: HttpRequest) -> HttpResponse:
    supervisor, bodies = _managers_only(request)
    rows = managed_certificates(request.user).select_related("body").only(*LIST_COLUMNS)
    search = ManageFilter(request.GET, queryset=rows, several_bodies=supervisor or bodies > 1)
    valid = search.is_valid()
    listing = paginate_sorted(
        request,
        search.qs if valid else rows.none(),
        sort_fields=SORTS,
        default_sort="number",
        capped=True,
    )
    context = {
        "filter": search,
        "listing": listing,
        "show_body": supervisor or bodies > 1,
        "is_supervisor": supervisor,
        "today": timezone.localdate(),
    }
    if getattr(request, "htmx", False):
        return render(request, "certificates/manage_list_rows.html", context)
    return render(request, "certificates/manage_list.html", context, status=200 if valid else 400)


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    _managers_only(request)
    return get_certificate_for_user(request.user, pk)


def _history(certificate: Certificate) -> list[StatusEvent]:
    return list(
        StatusEvent.objects.filter(certificate=certificate)
        .select_related("actor", "actor_organisation")
        .order_by("id")
    )


def _page(
    request: HttpRequest, certificate: Certificate, *, failed: tuple[str, MoveForm] | None = None
) -> HttpResponse:
    """The certificate's page. ``failed`` is a move just refused or mistyped, with its bound form: shown in
    place if the move is still open to the person, else its errors are shown above the moves."""
    history = _history(certificate)
    who = capacity(request.user, certificate)
    sanctioned = lifecycle.sanctioned(certificate, history)
    moves: list[dict[str, Any]] = []
    refused: list[str] = []
    for move, as_regulator in open_moves(certificate, who, sanctioned=sanctioned):
        form = failed[1] if failed and failed[0] == move.name else move_form(move.name)
        moves.append({"move": move, "as_regulator": as_regulator, "form": form})
    if failed and failed[0] not in {entry["move"].name for entry in moves}:
        refused = [str(message) for errors in failed[1].errors.values() for message in errors]
    context = {
        "certificate": certificate,
        "history": history,
        "moves": moves,
        "refused": refused,
        "sanctioned": sanctioned,
        "as_body": who.as_body,
        "as_regulator": who.as_regulator,
        "today": timezone.localdate(),
    }
    return render(request, "certificates/manage_detail.html", context, status=400 if failed else 200)


@login_required
@require_safe
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _certificate(request, pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_status(request: AuthenticatedRequest, pk: int, move: str) -> HttpResponse:
    """One lifecycle move. GET shows its form alone; a refused or invalid POST shows the certificate's page
    again, the refusal next to the form (status 400); a successful one goes back to the page."""
    if move not in MOVES:
        raise Http404
    certificate = _certificate(request, pk)
    as_regulator = check_move(request.user, certificate, move)
    form = move_form(move, request.POST if request.method == "POST" else None)
    if request.method != "POST":
        refused = lifecycle.refusal(
            certificate,
            MOVES[move].status,
            sanction=as_regulator,
            is_sanctioned=lifecycle.sanctioned(certificate),
        )
        context = {"certificate": certificate, "move": MOVES[move], "form": form, "refused": refused}
        context |= {"as_regulator": as_regulator, "today": timezone.localdate()}
        return render(request, "certificates/manage_move.html", context)
    if form.is_valid():
        try:
            changed = _make_move(request, certificate, move, form.cleaned_data, as_regulator=as_regulator)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(number)s is now %(status)s.")
                % {"number": changed.number, "status": changed.get_status_display()},
            )
            return redirect(reverse("certificates:manage_detail", args=[certificate.pk]))
    certificate.refresh_from_db()
    return _page(request, certificate, failed=(move, form))


def _make_move(
    request: AuthenticatedRequest,
    certificate: Certificate,
    move: str,
    data: dict[str, Any],
    *,
    as_regulator: bool,
) -> Certificate:
    return services.change_status(
        acting_user=request.user,
        certificate=certificate,
        status=MOVES[move].status,
        reason=data["reason"],
        until=data.get("until"),
        sanction=as_regulator,
        organisation=acting_organisation(request.user, certificate, as_regulator=as_regulator),
    )
