"""``/.well-known/jwks.json``: the public keys that certificate and mark codes are signed with, for anyone
to verify codes themselves (``certis verify-code CODE --jwks FILE`` does it offline)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from certis.certificates.signing import published_jwks

JWKS_MAX_AGE = 300  # seconds: a rotated key is published within five minutes


@require_safe
def jwks(request: HttpRequest) -> JsonResponse:
    """Active and retired keys (public members only); revoked keys are left out."""
    response = JsonResponse(published_jwks(), content_type="application/jwk-set+json")
    response["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
