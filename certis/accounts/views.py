from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certis.core.http import AuthenticatedRequest

from . import services
from .access import Role
from .forms import ApiTokenForm, LoginForm
from .models import ApiToken, Membership, Organisation


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def _managed_organisation(request: AuthenticatedRequest, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    is_manager = Membership.objects.filter(
        user=request.user, organisation=organisation, role=Role.MANAGER
    ).exists()
    if not (is_manager or request.user.is_superuser):
        raise PermissionDenied
    return organisation


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    return render(request, "accounts/profile.html", {"memberships": memberships})


@login_required
def api_tokens(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = _managed_organisation(request, organisation_id)
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.issue_api_token(
            acting_user=request.user, organisation=organisation, name=form.cleaned_data["name"]
        )
        messages.success(request, _("Token issued. Copy it now: it will not be shown again."))
        form = ApiTokenForm()
    tokens = organisation.api_tokens.order_by("-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {"organisation": organisation, "tokens": tokens, "form": form, "secret": secret},
    )


@login_required
@require_POST
def revoke_api_token(request: AuthenticatedRequest, organisation_id: int, token_id: int) -> HttpResponse:
    organisation = _managed_organisation(request, organisation_id)
    token = get_object_or_404(ApiToken, pk=token_id, organisation=organisation)
    services.revoke_api_token(acting_user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:api_tokens", organisation_id=organisation.pk)
