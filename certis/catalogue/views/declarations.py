"""Self-declaration pages: the public lookup by number and a declaration's page; the maker's list, new
declaration, cancelling and publishing; the regulator's invalidation."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certis.accounts.access import REGULATOR_KINDS, organisations_of
from certis.accounts.models import Organisation
from certis.certificates.models import number_key
from certis.core.forms import add_service_errors, error_text
from certis.core.http import AuthenticatedRequest
from certis.core.listing import CappedPaginator

from .. import access, lifecycle, services
from ..forms import DeclarationForm, ReasonForm
from ..models import Product, SelfDeclaration
from ..selectors import versions_on

PER_PAGE = 50


@require_safe
def lookup(request: HttpRequest) -> HttpResponse:
    """Verify a self-declaration by its number, as a certificate is verified."""
    number = request.GET.get("number", "").replace("\x00", "").strip()[:64]
    if not number:
        return render(request, "catalogue/declaration_lookup.html", {"number": ""})
    declaration = SelfDeclaration.objects.filter(number_key=number_key(number)).first()
    if declaration is not None and access.can_see_declaration(request.user, declaration):
        return redirect("catalogue:declaration", declaration.number)
    return render(
        request, "catalogue/declaration_lookup.html", {"number": number, "not_found": True}, status=404
    )


@require_safe
def detail(request: HttpRequest, number: str) -> HttpResponse:
    declaration = access.get_declaration_for_user(request.user, number_key(number))
    moves = lifecycle.offered_moves(request.user, declaration)
    context = {
        "declaration": declaration,
        "events": declaration.events.select_related("actor_organisation").order_by("id"),
        "can_cancel": moves[lifecycle.CANCEL.name],
        "can_set_visibility": declaration.status not in lifecycle.FINAL
        and lifecycle.may_set_visibility(request.user, declaration),
        "can_invalidate": moves[lifecycle.INVALIDATE.name],
        "reason_form": ReasonForm(),
    }
    return render(request, "catalogue/declaration.html", context)


def _makers_only(request: HttpRequest) -> QuerySet[Organisation]:
    organisations = access.maker_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    return organisations


@login_required
@require_safe
def my_declarations(request: AuthenticatedRequest) -> HttpResponse:
    organisations = _makers_only(request)
    declarations = (
        SelfDeclaration.objects.filter(organisation__in=organisations)
        .select_related("product", "organisation")
        .order_by("-declared_on", "-id")
    )
    page = CappedPaginator(declarations, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "catalogue/my_declarations.html", {"page": page, "organisations": organisations})


def _declarable_products() -> list[tuple[str, str]]:
    versions = versions_on(timezone.localdate()).filter(route__in=lifecycle.DECLARABLE_ROUTES)
    return [(v.product.code, f"{v.product.code} {v.name}") for v in versions]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_declaration(request: AuthenticatedRequest) -> HttpResponse:
    organisations = list(_makers_only(request))
    form = DeclarationForm(request.POST or None, products=_declarable_products())
    if request.method == "POST" and form.is_valid():
        organisation = _chosen(organisations, request.POST.get("organisation"))
        data = form.cleaned_data
        try:
            declaration = services.make_self_declaration(
                acting_user=request.user,
                organisation=organisation,
                product=Product.objects.get(code=data["product"]),
                product_name=data["product_name"],
                models=data["models"],
                standards=form.standards_list(),
                test_report_number=data["test_report_number"],
                lab=data["lab"],
                declarant_name=data["declarant_name"],
                trademark=data["trademark"],
                is_public=data["is_public"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Self-declaration %(number)s made.") % {"number": declaration.number})
            return redirect("catalogue:declaration", declaration.number)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "organisations": organisations}
    return render(request, "catalogue/declaration_form.html", context, status=status)


def _chosen(organisations: list[Organisation], wanted: str | None) -> Organisation:
    """The organisation picked on the form, among the person's own; the only one if there is one."""
    for organisation in organisations:
        if str(organisation.pk) == str(wanted):
            return organisation
    if len(organisations) == 1:
        return organisations[0]
    raise PermissionDenied


def _state_change(
    request: AuthenticatedRequest,
    number: str,
    move: lifecycle.Move,
    change: Callable[[SelfDeclaration, str], SelfDeclaration],
) -> HttpResponse:
    declaration = access.get_declaration_for_user(request.user, number_key(number))
    if not lifecycle.may_make(request.user, declaration, move):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        declaration = change(declaration, form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Self-declaration %(number)s is now %(status)s.")
            % {"number": declaration.number, "status": declaration.get_status_display()},
        )
    return redirect("catalogue:declaration", declaration.number)


@login_required
@require_POST
def cancel(request: AuthenticatedRequest, number: str) -> HttpResponse:
    return _state_change(
        request,
        number,
        lifecycle.CANCEL,
        lambda d, reason: services.cancel_self_declaration(
            acting_user=request.user, declaration=d, reason=reason
        ),
    )


@login_required
@require_POST
def invalidate(request: AuthenticatedRequest, number: str) -> HttpResponse:
    regulator = organisations_of(request.user).filter(kind__in=REGULATOR_KINDS).first()
    return _state_change(
        request,
        number,
        lifecycle.INVALIDATE,
        lambda d, reason: services.invalidate_self_declaration(
            acting_user=request.user, declaration=d, reason=reason, organisation=regulator
        ),
    )


@login_required
@require_POST
def visibility(request: AuthenticatedRequest, number: str) -> HttpResponse:
    declaration = access.get_declaration_for_user(request.user, number_key(number))
    if not lifecycle.may_set_visibility(request.user, declaration):
        raise PermissionDenied
    public = request.POST.get("is_public") == "1"
    services.set_declaration_public(acting_user=request.user, declaration=declaration, is_public=public)
    messages.success(
        request, _("The declaration is now public.") if public else _("The declaration is now hidden.")
    )
    return redirect("catalogue:declaration", declaration.number)
