"""The home page: where the public starts and staff find their work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from certis.governance.selectors import home_summary


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", home_summary(request.user))
