"""How organisations' systems sign in to the API: a bearer token (``Authorization: Bearer ct_…``) issued on the
organisation's token page. A leaf module: every app's router imports it, and it imports no router."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .services import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate_token(token)
