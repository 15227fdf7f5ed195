"""The API: Django Ninja under /api/v1/, with its OpenAPI document at /api/openapi.json.

Apps add their routers here. Organisations' systems authenticate with a bearer token
(``Authorization: Bearer ct_…``) issued on the organisation's token page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

from certis import __version__
from certis.accounts.api_auth import TokenAuth
from certis.accounts.models import ApiToken
from certis.bodies.api import router as bodies_router
from certis.catalogue.api import router as catalogue_router
from certis.certificates.api import router as certificates_router
from certis.governance.api import router as governance_router

api = NinjaAPI(
    title="Certis API",
    version=__version__,
    description="Public and organisation endpoints of the Certis quality certification platform.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


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
