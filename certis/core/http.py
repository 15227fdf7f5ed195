from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers

if TYPE_CHECKING:
    from certis.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind ``login_required``: its user is a real person."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets ``request.htmx``), so a view answers with
    the fragment it replaces rather than the whole page."""
    return bool(getattr(request, "htmx", False))


def speaks_the_callers_language(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The API's answers in the language the caller asks for: the language switch's cookie, else
    ``Accept-Language``, else Chinese. The pages follow the cookie only (``ChineseFirstLocaleMiddleware``: a
    browser's language is not a choice the person made); a system calling the API states the language it
    wants, as the document says. Applied to every operation (``NinjaAPI.add_decorator(..., mode="view")``), so
    refusals of parameters and tokens speak it too."""

    @functools.wraps(view)
    def speaking(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response

    return speaking
