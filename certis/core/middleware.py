"""Chinese first, and the public pages' rate limit.

Chinese first: the interface speaks simplified Chinese unless the person chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language browser on a
government desktop would get English pages. Here only the language switch (its cookie) changes the
language; everyone else gets settings.LANGUAGE_CODE. Answers under ``settings.LANGUAGE_INDEPENDENT_PATHS``
(the public log's tiles and checkpoint, the JWKS: the same bytes in every language) get no ``Vary: Cookie``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from certis.core import ratelimit


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}
        self.same_in_every_language = tuple(getattr(settings, "LANGUAGE_INDEPENDENT_PATHS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.path_info.startswith(self.same_in_every_language):
            return response  # bytes for machines: no Vary, so a shared cache keeps one copy
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RateLimitMiddleware:
    """The public pages named in ``settings.RATE_LIMITED_VIEWS`` (view name → name of its rate setting) are
    limited per address with the API's limiter (``certis.core.ratelimit``); an address that reaches the limit
    on the pages has reached it on the API too, and the reverse. Past it: 429 with ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        rate_setting = settings.RATE_LIMITED_VIEWS.get(match.view_name) if match else None
        if rate_setting is None:
            return None
        verdict = ratelimit.hit(ratelimit.address_ident(request), rate_setting)
        if verdict.allowed:
            return None
        context = {"limit": verdict.limit, "period": verdict.period, "seconds": verdict.retry_after}
        response = render(request, "core/too_many_requests.html", context, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
