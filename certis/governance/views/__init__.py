"""The plan's pages, one module per group: ``plans``, ``tasks``, ``follow_ups``, ``oversight`` (dashboard and
assessment), ``excel`` (the tables out and back in) and ``notice`` (the office's notice upload). Views check
access, call a service or selector, and render; the helpers here are shared by them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .. import access
from ..models import Plan


def office_only(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise PermissionDenied


def latest_plan_for(request: HttpRequest) -> Plan:
    plan = access.plans_for(request.user).order_by("-created_at").first()
    if plan is None:
        raise Http404
    return plan
