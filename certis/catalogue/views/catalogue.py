"""The catalogue's pages: the catalogue on any day, what changed between two days, a product's history and
HS codes, the search of the HS table (public); adjusting the catalogue and the HS table (the regulator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certis.accounts.models import User
from certis.core.forms import add_service_errors, error_text
from certis.core.http import AuthenticatedRequest

from .. import access, selectors, services
from ..forms import AdjustmentForm, AsOfForm, ChangesForm, EndHsCodeForm, HsCodeForm, HsSearchForm
from ..models import Adjustment, HsMapping, Product


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    form = AsOfForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    day = form.day()
    text = form.cleaned_data.get("q", "") if form.is_bound and valid else ""
    route = form.cleaned_data.get("route", "") if form.is_bound and valid else ""
    groups = selectors.catalogue_on(day, text=text, route=route)
    context = {
        "form": form,
        "day": day,
        "groups": groups,
        "count": sum(len(group.versions) for group in groups),
        "can_adjust": access.can_adjust_catalogue(request.user),
        "recent": Adjustment.objects.select_related("product").order_by("-effective_on", "-id")[:10],
    }
    return render(request, "catalogue/index.html", context, status=200 if valid else 400)


@require_safe
def changes(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # Unless asked, the year up to the latest adjustment already in force, compared with today.
    latest = Adjustment.objects.filter(effective_on__lte=today).order_by("-effective_on").first()
    start = (latest.effective_on if latest else today) - dt.timedelta(days=365)
    form = ChangesForm(request.GET or {"start": start.isoformat(), "end": today.isoformat()})
    found = None
    if form.is_valid():
        found = selectors.differences(form.cleaned_data["start"], form.cleaned_data["end"])
    return render(
        request,
        "catalogue/changes.html",
        {"form": form, "found": found},
        status=200 if found is not None else 400,
    )


@require_safe
def product(request: HttpRequest, code: str) -> HttpResponse:
    history = selectors.product_history(code)
    if history is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "history": history,
        "current": history.on(today),
        "today": today,
        "can_adjust": access.can_adjust_catalogue(request.user),
        "hs_form": HsCodeForm(initial={"valid_from": today}),
    }
    return render(request, "catalogue/product.html", context)


@require_safe
def hs_search(request: HttpRequest) -> HttpResponse:
    form = HsSearchForm(request.GET or None)
    rows, more, day = None, False, timezone.localdate()
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["on"] or day
        rows, more = selectors.search_hs(form.cleaned_data["q"], day, include_past=form.cleaned_data["past"])
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "rows": rows, "more": more, "day": day, "cap": selectors.MAX_HS_RESULTS}
    return render(request, "catalogue/hs_search.html", context, status=status)


def _regulator_only(request: HttpRequest) -> None:
    if not access.can_adjust_catalogue(request.user):
        raise PermissionDenied


def _apply(form: AdjustmentForm, user: User) -> Adjustment:
    data = form.cleaned_data
    common = {
        "acting_user": user,
        "effective_on": data["effective_on"],
        "reason": data["reason"],
        "notice": data["notice"],
    }
    if data["kind"] == Adjustment.Kind.ADD:
        if data["category"] is None:
            raise ValidationError({"category": _("Choose the category of the new product.")})
        return services.add_product(
            code=data["code"],
            category=data["category"],
            name=data["name"],
            scope=data["scope"],
            risk_level=data["risk_level"],
            route=data["route"],
            rules=data["rules"],
            standards=form.standards_list() or [],
            **common,
        )
    product = Product.objects.filter(code=data["code"]).first()
    if product is None:
        raise ValidationError(
            {"code": _("No product of the catalogue has the code %(code)s.") % {"code": data["code"]}}
        )
    if data["kind"] == Adjustment.Kind.REMOVE:
        return services.remove_product(product=product, **common)
    changes: dict[str, Any] = {
        name: data[name] or None for name in ("name", "scope", "risk_level", "route", "rules")
    }
    return services.change_product(
        product=product, kind=data["kind"], standards=form.standards_list(), **changes, **common
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adjust(request: AuthenticatedRequest) -> HttpResponse:
    """Record an adjustment of the catalogue: the form names the kind, the product, the date and the notice."""
    _regulator_only(request)
    if request.method != "POST":
        initial = {"code": request.GET.get("code", "")[:8], "kind": request.GET.get("kind", "")[:16]}
        return render(request, "catalogue/adjust.html", {"form": AdjustmentForm(initial=initial)})
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            adjustment = _apply(form, request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s: %(code)s, effective on %(day)s.")
                % {
                    "kind": adjustment.get_kind_display(),
                    "code": adjustment.product.code,
                    "day": adjustment.effective_on.isoformat(),
                },
            )
            return redirect("catalogue:product", adjustment.product.code)
    return render(request, "catalogue/adjust.html", {"form": form}, status=400)


@login_required
@require_POST
def add_hs_code(request: AuthenticatedRequest, code: str) -> HttpResponse:
    _regulator_only(request)
    product = get_object_or_404(Product, code=code)
    form = HsCodeForm(request.POST)
    if form.is_valid():
        try:
            mapping = services.add_hs_code(acting_user=request.user, product=product, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("HS code %(code)s added.") % {"code": mapping.code})
            return redirect("catalogue:product", code)
    history = selectors.product_history(code)
    today = timezone.localdate()
    context = {
        "history": history,
        "current": history.on(today) if history else None,
        "today": today,
        "can_adjust": True,
        "hs_form": form,
    }
    return render(request, "catalogue/product.html", context, status=400)


@login_required
@require_POST
def end_hs_code(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _regulator_only(request)
    mapping = get_object_or_404(HsMapping.objects.select_related("product"), pk=pk)
    form = EndHsCodeForm(request.POST)
    if form.is_valid():
        try:
            services.end_hs_code(acting_user=request.user, mapping=mapping, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("HS code %(code)s ended.") % {"code": mapping.code})
    else:
        messages.error(request, error_text(form))
    return redirect("catalogue:product", mapping.product.code)
