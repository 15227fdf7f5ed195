"""Pages of the public registers of bodies, labs and certification personnel, and the regulator's pages
that keep them. Views check access, call a selector or a service, and render; see ``access``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from certis.core.forms import add_service_errors
from certis.core.http import AuthenticatedRequest, is_htmx
from certis.core.listing import paginate_sorted

from ..models import Body, Person, Scheme
from . import services as register
from .access import can_keep_register, sees_masked_identity
from .filters import BodyFilter, PersonFilter
from .forms import (
    AccreditationForm,
    BodyStatusForm,
    EmploymentForm,
    PersonForm,
    PersonStatusForm,
    QualificationForm,
)
from .lifecycle import body_moves
from .selectors import (
    body_page,
    describe_rows,
    employment_history,
    get_listed_body,
    get_person,
    listed_bodies,
    registered_people,
    with_person_rows,
)

BODY_SORTS: dict[str, str | tuple[str, ...]] = {
    "number": "number",
    "name": "name_key",
    "region": ("region", "number"),
    "status": ("status", "number"),
}
PERSON_SORTS: dict[str, str | tuple[str, ...]] = {
    "number": "registration_number",
    "name": ("name_key", "registration_number"),
    "status": ("status", "registration_number"),
}


def _search_page(
    request: HttpRequest,
    search: Any,
    sorts: dict[str, Any],
    template: str,
    describe: Callable[[list[Any]], list[Any]] | None = None,
    **context: Any,
) -> HttpResponse:
    """A register's search page; an htmx request gets only the results. Bad filters: 400, no rows, and
    the errors next to the fields (to htmx, which swaps only successful answers, the errors come with 200)."""
    valid = search.is_valid()
    queryset = search.qs if valid else search.queryset.none()
    listing = paginate_sorted(request, queryset, sort_fields=sorts, default_sort="number", capped=True)
    if describe is not None:
        listing.page.object_list = describe(list(listing.page.object_list))
    context |= {"filter": search, "listing": listing}
    if is_htmx(request):
        return render(request, template.replace(".html", "_rows.html"), context)
    return render(request, template, context, status=200 if valid else 400)


@require_safe
def body_list(request: HttpRequest) -> HttpResponse:
    return _body_register(request, Body.Kind.CERTIFICATION_BODY)


@require_safe
def lab_list(request: HttpRequest) -> HttpResponse:
    return _body_register(request, Body.Kind.LAB)


def _body_register(request: HttpRequest, kind: str) -> HttpResponse:
    search = BodyFilter(request.GET, queryset=listed_bodies(), kind=kind)
    is_lab = kind == Body.Kind.LAB
    return _search_page(
        request,
        search,
        BODY_SORTS,
        "bodies/register/body_list.html",
        describe_rows,
        is_lab=is_lab,
        detail_url="register:lab_detail" if is_lab else "register:body_detail",
    )


@require_safe
def body_detail(request: HttpRequest, number: str) -> HttpResponse:
    body = get_listed_body(number)
    context = body_page(body) | {
        "is_lab": body.kind == Body.Kind.LAB,
        "can_keep": can_keep_register(request.user),
        "can_change_status": bool(body_moves(body.status)),
    }
    return render(request, "bodies/register/body_detail.html", context)


@require_safe
def person_list(request: HttpRequest) -> HttpResponse:
    search = PersonFilter(request.GET, queryset=with_person_rows(registered_people()))
    return _search_page(
        request,
        search,
        PERSON_SORTS,
        "bodies/register/person_list.html",
        can_keep=can_keep_register(request.user),
        scheme_labels=dict(Scheme.choices),
    )


@require_safe
def person_detail(request: HttpRequest, registration_number: str) -> HttpResponse:
    sees_identity = sees_masked_identity(request.user)
    person = get_person(registration_number, with_identity=sees_identity)
    current = person.current_employments[0] if person.current_employments else None  # type: ignore[attr-defined]
    context = {
        "person": person,
        "employment": current,
        "sees_identity": sees_identity,
        "can_keep": can_keep_register(request.user),
        "employments": employment_history(person) if sees_identity else None,
        "scheme_labels": dict(Scheme.choices),
    }
    return render(request, "bodies/register/person_detail.html", context)


# The regulator's pages that keep the registers.


def _keepers_only(request: HttpRequest) -> None:
    if not can_keep_register(request.user):
        raise PermissionDenied


def _keep(
    request: HttpRequest, form: Form, act: Callable[[dict[str, Any]], tuple[str, str]], **context: Any
) -> HttpResponse:
    """Run ``act`` (a service call that returns the message to show and the page to go to) on a valid form;
    otherwise show the form again, with each error next to its field and status 400."""
    if form.is_bound and form.is_valid():
        try:
            message, done = act(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except IntegrityError:  # a concurrent change won the race the service's checks could not see
            form.add_error(None, _("The record changed while you were saving; nothing was saved. Try again."))
        else:
            messages.success(request, message)
            return redirect(done)
    context |= {"form": form}
    return render(request, "bodies/register/keep_form.html", context, status=400 if form.errors else 200)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _body_url(body: Body) -> str:
    name = "register:lab_detail" if body.kind == Body.Kind.LAB else "register:body_detail"
    return reverse(name, args=[body.number])


def _person_url(person: Person) -> str:
    return reverse("register:person_detail", args=[person.registration_number])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_body_status(request: AuthenticatedRequest, number: str) -> HttpResponse:
    _keepers_only(request)
    body = get_listed_body(number)
    form = BodyStatusForm(_posted(request), body=body)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        changed = register.change_body_status(acting_user=request.user, body=body, **data)
        message = _("%(body)s is now %(status)s.") % {"body": changed, "status": changed.get_status_display()}
        return message, _body_url(changed)

    return _keep(
        request,
        form,
        act,
        title=_("Change the status of %(body)s") % {"body": body.name},
        body=body,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_accreditation(request: AuthenticatedRequest, number: str) -> HttpResponse:
    _keepers_only(request)
    body = get_listed_body(number)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        accreditation = register.record_accreditation(acting_user=request.user, body=body, **data)
        return _("Accreditation %(number)s recorded.") % {"number": accreditation}, _body_url(body)

    return _keep(
        request,
        AccreditationForm(_posted(request)),
        act,
        title=_("Record an accreditation of %(body)s") % {"body": body.name},
        body=body,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register_person(request: AuthenticatedRequest) -> HttpResponse:
    _keepers_only(request)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        person = register.register_person(acting_user=request.user, **data)
        message = _("%(person)s registered; the identity number is kept as %(masked)s.") % {
            "person": person,
            "masked": person.id_number_masked,
        }
        return message, _person_url(person)

    return _keep(request, PersonForm(_posted(request)), act, title=_("Register a person"))


def _person_form_page(
    request: AuthenticatedRequest,
    registration_number: str,
    make_form: Callable[[Person], Form],
    service: Callable[..., Any],
    *,
    title: str,
    message: str,
) -> HttpResponse:
    _keepers_only(request)
    person = get_person(registration_number, with_identity=True)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        service(acting_user=request.user, person=person, **data)
        return message % {"person": person}, _person_url(person)

    return _keep(
        request,
        make_form(person),
        act,
        title=title % {"person": person.name},
        person=person,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_qualification(request: AuthenticatedRequest, registration_number: str) -> HttpResponse:
    return _person_form_page(
        request,
        registration_number,
        lambda person: QualificationForm(_posted(request)),
        register.qualify_person,
        title=_("Record a qualification of %(person)s"),
        message=_("Qualification of %(person)s recorded."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_employment(request: AuthenticatedRequest, registration_number: str) -> HttpResponse:
    return _person_form_page(
        request,
        registration_number,
        lambda person: EmploymentForm(_posted(request)),
        register.employ_person,
        title=_("Record an employment of %(person)s"),
        message=_("Employment of %(person)s recorded."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_person_status(request: AuthenticatedRequest, registration_number: str) -> HttpResponse:
    return _person_form_page(
        request,
        registration_number,
        lambda person: PersonStatusForm(_posted(request), person=person),
        register.change_person_status,
        title=_("Change the status of %(person)s"),
        message=_("Status of %(person)s changed."),
    )
