"""The trusted class of firms (the fast lane at customs): set by the regulator now, by credit classification
later (``TrustClassChange.Source.CREDIT``, for the credit app to call with ``acting_user=None``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, Organisation
from certis.audit.models import EventType
from certis.audit.services import record
from certis.certificates.models import Holder
from certis.core.text import tidy

from ..models import TrustClassChange


@transaction.atomic
def set_trust_class(
    *,
    acting_user: Actor,
    holder: Holder,
    trusted: bool,
    reason: str,
    source: str = TrustClassChange.Source.REGULATOR,
    organisation: Organisation | None = None,
) -> TrustClassChange:
    """Put the firm in the trusted class or take it out, with the reason; every change is kept."""
    reason = tidy(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change of class.")})
    if source not in TrustClassChange.Source.values:
        raise ValidationError({"source": _("Choose where the decision comes from.")})
    holder = Holder.objects.select_for_update().get(pk=holder.pk)
    if holder.trusted == trusted:
        message = (
            _("%(name)s is in the trusted class already.")
            if trusted
            else _("%(name)s is not in the trusted class.")
        )
        raise ValidationError({"trusted": message % {"name": holder.name}})
    Holder.objects.filter(pk=holder.pk).update(trusted=trusted)
    change = TrustClassChange.objects.create(
        holder=holder,
        trusted=trusted,
        source=source,
        reason=reason,
        changed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    record(
        EventType.TRUST_CLASS_CHANGED,
        actor=acting_user,
        target=holder,
        organisation=organisation,
        data={
            "uscc": holder.uscc,
            "before": {"trusted": not trusted},
            "after": {"trusted": trusted},
            "source": source,
            "reason": reason,
        },
    )
    return change
