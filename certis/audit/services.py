"""Write audit events. Call :func:`record` inside the service's transaction, never after it."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from .models import AuditEvent, EventType


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals and lazy strings become plain JSON values, so every backend stores the same thing."""
    plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return plain


def record(
    event_type: EventType,
    *,
    actor: Any,
    target: models.Model,
    data: dict[str, Any] | None = None,
    organisation: Any = None,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit events are written inside the service's transaction.")
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_organisation=organisation,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        data=_jsonable(data or {}),
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The before/after pairs of the fields that changed."""
    changed = {key for key in after if before.get(key) != after.get(key)}
    return {
        "before": {key: before.get(key) for key in sorted(changed)},
        "after": {key: after[key] for key in sorted(changed)},
    }
