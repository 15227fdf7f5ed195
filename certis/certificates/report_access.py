"""Who may report certificates for which body, and see which import jobs: the staff and managers of a
certification body (``access.reporting_bodies``), for that body only.

Someone who reports for no body gets 403 on every reporting page; someone who reports for a body gets 404
for another body's pages and jobs (their ids are not confirmed to outsiders).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from certis.bodies.models import Body

from .access import reporting_bodies
from .models import ImportJob


def bodies_or_403(user: Any) -> QuerySet[Body]:
    bodies = reporting_bodies(user)
    if not bodies.exists():
        raise PermissionDenied
    return bodies


def get_reporting_body(user: Any, body_id: int) -> Body:
    body = bodies_or_403(user).select_related("organisation").filter(pk=body_id).first()
    if body is None:
        raise Http404
    return body


def jobs_for(user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(body__in=reporting_bodies(user))


def get_job_for_user(user: Any, job_id: int) -> ImportJob:
    bodies_or_403(user)
    job = jobs_for(user).select_related("body", "uploaded_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
