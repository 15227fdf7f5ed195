"""The log as C2SP tlog-tiles serves it, under ``/log/``, and the alerts page for the regulator's staff."""

from __future__ import annotations

import gzip

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .access import can_view_alerts
from .merkle import decode_index, parse_level, parse_width
from .models import LogAlert

BINARY = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"
IMMUTABLE = "public, max-age=31536000, immutable"
CHECKPOINT_CACHE = "public, max-age=2"


def _text(body: str, cache: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type=TEXT)
    response["Cache-Control"] = cache
    return response


def _coordinates(index: str, width: str | None) -> tuple[int, int]:
    n, w = decode_index(index), parse_width(width)
    if n is None or w is None:
        raise Http404
    return n, w


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_checkpoint()
    if latest is None:
        raise Http404
    return _text(latest.note, CHECKPOINT_CACHE)


@require_safe
def tile(request: HttpRequest, level: str, index: str, width: str | None = None) -> HttpResponse:
    tile_level = parse_level(level)
    n, w = _coordinates(index, width)
    data = selectors.tile_data(tile_level, n, w) if tile_level is not None else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=BINARY)
    response["Cache-Control"] = IMMUTABLE
    return response


@require_safe
def entries(request: HttpRequest, index: str, width: str | None = None) -> HttpResponse:
    """An entry bundle, gzipped when the client accepts it (tlog-tiles asks that bundles be compressed)."""
    n, w = _coordinates(index, width)
    data = selectors.entry_bundle(n, w)
    if data is None:
        raise Http404
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    response = HttpResponse(gzip.compress(data, mtime=0) if accepts_gzip else data, content_type=BINARY)
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = IMMUTABLE
    return response


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    """The current verifier key, as ``golang.org/x/mod/sumdb/note`` reads it."""
    keys = [item for item in selectors.published_keys() if item.retired_at is None]
    if not keys:
        raise Http404
    return _text(keys[0].verifier_key + "\n", "public, max-age=60")


@require_safe
def keys(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(selectors.keys_document(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=60"
    return response


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    if not can_view_alerts(request.user):
        raise PermissionDenied
    alerts = LogAlert.objects.all()[:500]
    return render(
        request, "ledger/alert_list.html", {"alerts": alerts, "checkpoint": selectors.latest_checkpoint()}
    )
