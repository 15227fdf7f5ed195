"""The CCC ↔ HS code table: adding a line for a period, and ending it.

The same HS code may fall under several catalogue products (器具耦合器 and 插头插座 share 8536.6900.00: the
condition tells them apart), and a product under several codes; but one code and one product have at most
one line in force on any day, so the periods of a pair never overlap.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from certis.accounts.models import Actor
from certis.audit.models import EventType
from certis.audit.services import record
from certis.core.text import tidy

from ..hs import HsCodeError, format_hs_code, parse_hs_code
from ..models import HsMapping, LimitQuantity, Product


def _check_limits(quantity: str, low: Decimal | None, high: Decimal | None) -> None:
    if quantity and quantity not in LimitQuantity.values:
        raise ValidationError({"limit_quantity": _("Choose a quantity of the list.")})
    if (low is not None or high is not None) and not quantity:
        raise ValidationError({"limit_quantity": _("Say which quantity the limits are of.")})
    if quantity and low is None and high is None:
        raise ValidationError({"limit_max": _("Give at least one limit, or no quantity.")})
    if low is not None and high is not None and low > high:
        raise ValidationError({"limit_max": _("The upper limit is below the lower one.")})


def _overlapping(
    code: str, product: Product, start: dt.date, end: dt.date | None, exclude: int | None
) -> QuerySet[HsMapping]:
    """Lines of the same code and product whose period meets [start, end)."""
    lines = HsMapping.objects.filter(code=code, product=product).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=start)
    )
    if end is not None:
        lines = lines.filter(valid_from__lt=end)
    return lines.exclude(pk=exclude) if exclude else lines


@transaction.atomic
def add_hs_code(
    *,
    acting_user: Actor,
    product: Product,
    code: Any,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    condition: str = "",
    limit_quantity: str = "",
    limit_min: Decimal | None = None,
    limit_max: Decimal | None = None,
    notice: str = "",
) -> HsMapping:
    """A line of the table: ``code`` falls under ``product`` from ``valid_from`` until ``valid_until``."""
    try:
        digits = parse_hs_code(code)
    except HsCodeError as error:
        raise ValidationError({"code": error.message}) from None
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": _("The end of the period must be after its start.")})
    _check_limits(limit_quantity, limit_min, limit_max)
    Product.objects.select_for_update().get(pk=product.pk)  # lines of one product are added one at a time
    clash = _overlapping(digits, product, valid_from, valid_until, None).first()
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "%(code)s already falls under %(product)s from %(start)s; end that line first."
                )
                % {
                    "code": format_hs_code(digits),
                    "product": product.code,
                    "start": clash.valid_from.isoformat(),
                }
            }
        )
    mapping = HsMapping.objects.create(
        code=digits,
        product=product,
        valid_from=valid_from,
        valid_until=valid_until,
        condition=tidy(condition or ""),
        limit_quantity=limit_quantity or "",
        limit_min=limit_min,
        limit_max=limit_max,
        notice=tidy(notice or ""),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    record(
        EventType.HS_CODE_CHANGED,
        actor=acting_user,
        target=mapping,
        data={
            "action": "added",
            "code": digits,
            "product": product.code,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "condition": mapping.condition,
            "notice": mapping.notice,
        },
    )
    return mapping


@transaction.atomic
def end_hs_code(*, acting_user: Actor, mapping: HsMapping, valid_until: dt.date, notice: str) -> HsMapping:
    """The line no longer applies from ``valid_until`` (a new tariff edition, a product out of the catalogue)."""
    notice = tidy(notice or "")
    if not notice:
        raise ValidationError({"notice": _("Name the notice the change comes from.")})
    mapping = HsMapping.objects.select_for_update().get(pk=mapping.pk)
    if valid_until <= mapping.valid_from:
        raise ValidationError({"valid_until": _("The end of the period must be after its start.")})
    if mapping.valid_until is not None and mapping.valid_until <= valid_until:
        raise ValidationError(
            {"valid_until": _("The line already ends on %(day)s.") % {"day": mapping.valid_until.isoformat()}}
        )
    before = mapping.valid_until
    mapping.valid_until = valid_until
    mapping.save(update_fields=["valid_until"])
    record(
        EventType.HS_CODE_CHANGED,
        actor=acting_user,
        target=mapping,
        data={
            "action": "ended",
            "code": mapping.code,
            "product": mapping.product.code,
            "notice": notice,
            "before": {"valid_until": before},
            "after": {"valid_until": valid_until},
        },
    )
    return mapping
