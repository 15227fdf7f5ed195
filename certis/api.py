"""The API: Django Ninja under /api/v1/, with its OpenAPI document at /api/openapi.json.

Apps add their routers here. Organisations' systems authenticate with a bearer token
(``Authorization: Bearer ct_…``) issued on the organisation's token page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError

from certis import __version__
from certis.accounts.api_auth import TokenAuth
from certis.accounts.models import ApiToken
from certis.bodies.api import router as bodies_router
from certis.catalogue.api import router as catalogue_router
from certis.certificates.api import router as certificates_router
from certis.core.apischema import BoundedJsonParser, document_errors
from certis.core.http import speaks_the_callers_language
from certis.governance.api import router as governance_router

api = NinjaAPI(
    title="Certis API",
    version=__version__,
    description="Public and organisation endpoints of the Certis quality certification platform.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=BoundedJsonParser(),
)


api.add_decorator(speaks_the_callers_language, mode="view")  # cookie, else Accept-Language, else Chinese

# Ninja's own refusals, in the language of the request; their shapes are Ninja's, as documented by
# certis.core.apischema.


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Send a valid API token: Authorization: Bearer ct_….")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # why the parser refused it, or what it means
        cause = exc.__cause__
        detail = str(cause) if isinstance(cause, HttpError) else _("The body is not valid JSON.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


class WhoAmI(Schema):
    organisation: str
    organisation_kind: str
    token_name: str


@api.get("/v1/whoami", auth=TokenAuth(), response=WhoAmI, tags=["accounts"])
def whoami(request: HttpRequest) -> dict[str, Any]:
    """The organisation that the bearer token belongs to."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return {
        "organisation": token.organisation.name,
        "organisation_kind": token.organisation.kind,
        "token_name": token.name,
    }


api.add_router("/v1/governance", governance_router)
api.add_router("/v1", bodies_router)
api.add_router("/v1", certificates_router)
api.add_router("/v1", catalogue_router)
document_errors(api)
