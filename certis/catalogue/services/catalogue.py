"""Adjusting the CCC catalogue: adding a product, removing it, changing its route, its scope or its other
particulars, each as a dated :class:`Adjustment` with its reason and notice.

History is appended, never rewritten: an adjustment takes effect after the product's last change (an earlier
correction is itself a new adjustment). A change closes the version in force on its date and opens the next
one from that date; a removal closes it. An adjustment may be dated in the future (announced now, in force
later): the catalogue of today still shows the version before it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, User
from certis.audit.models import EventType
from certis.audit.services import record
from certis.certificates.models import Standard, number_key
from certis.core.text import squash_spaces, tidy
from certis.ledger.services import append

from ..models import PARTICULARS, Adjustment, Category, Product, ProductVersion, RiskLevel, Route

Kind = Adjustment.Kind
PRODUCT_CODE = re.compile(r"^[0-9]{4}$")
CATEGORY_CODE = re.compile(r"^[0-9]{2}$")
# What each kind of adjustment must change, and may change besides.
MUST: dict[str, set[str]] = {Kind.CHANGE_ROUTE: {"route"}, Kind.CHANGE_SCOPE: {"scope"}, Kind.CHANGE: set()}
MAY: dict[str, set[str]] = {
    Kind.CHANGE_ROUTE: {"route", "risk_level", "rules"},
    Kind.CHANGE_SCOPE: {"scope", "name"},
    Kind.CHANGE: set(PARTICULARS),
}


def particulars_of(version: ProductVersion | None) -> dict[str, Any]:
    if version is None:
        return {}
    return {name: getattr(version, name) for name in PARTICULARS}


def clean_standards(codes: Iterable[str]) -> list[str]:
    """The standards as the table spells them; an unknown one is refused, as on certificates."""
    wanted = [squash_spaces(code) for code in codes if code and code.strip()]
    known = dict(
        Standard.objects.filter(code_key__in=[number_key(code) for code in wanted]).values_list(
            "code_key", "code"
        )
    )
    unknown = [code for code in wanted if number_key(code) not in known]
    if unknown:
        raise ValidationError(
            {
                "standards": _("Unknown standard: %(codes)s. Add it to the table of standards first.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return list(dict.fromkeys(known[number_key(code)] for code in wanted))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """The particulars given, tidied and checked; absent ones stay absent."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in ("name", "scope", "rules"):
        if name in values and values[name] is not None:
            clean[name] = tidy(str(values[name]))
    for name in ("name", "scope"):
        if name in clean and not clean[name]:
            errors[name] = _("This field is required.")
    if values.get("route") is not None:
        clean["route"] = values["route"]
        if clean["route"] not in Route.values:
            errors["route"] = _("Choose a route of the list.")
    if values.get("risk_level") is not None:
        clean["risk_level"] = values["risk_level"]
        if clean["risk_level"] not in RiskLevel.values:
            errors["risk_level"] = _("Choose a risk level of the list.")
    if values.get("standards") is not None:
        try:
            clean["standards"] = clean_standards(values["standards"])
        except ValidationError as error:
            errors.update({key: " ".join(messages) for key, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return clean


def _reasons(reason: str, notice: str) -> tuple[str, str]:
    reason, notice = tidy(reason or ""), tidy(notice or "")
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for the adjustment.")
    if not notice:
        errors["notice"] = _("Name the notice the adjustment comes from.")
    if errors:
        raise ValidationError(errors)
    return reason, notice


def _record(
    adjustment: Adjustment, acting_user: Actor, before: dict[str, Any], after: dict[str, Any]
) -> None:
    changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
    adjustment.changes = {
        "before": {key: before.get(key) for key in changed},
        "after": {key: after.get(key) for key in changed},
    }
    adjustment.save(update_fields=["changes"])
    record(
        EventType.CATALOGUE_ADJUSTED,
        actor=acting_user,
        target=adjustment,
        data={
            "product": adjustment.product.code,
            "kind": adjustment.kind,
            "effective_on": adjustment.effective_on,
            "notice": adjustment.notice,
            "reason": adjustment.reason,
            **adjustment.changes,
        },
    )
    append(
        type=f"catalogue.{adjustment.kind}",
        subject={"catalogue_product": adjustment.product.code},
        fields={
            "effective_on": adjustment.effective_on,
            "notice": adjustment.notice,
            "reason": adjustment.reason,
            **adjustment.changes,
        },
    )


@transaction.atomic
def add_category(*, acting_user: Actor, code: str, name: str) -> Category:
    code, name = squash_spaces(code or ""), tidy(name or "")
    if not CATEGORY_CODE.match(code):
        raise ValidationError({"code": _("A category's code has two digits, such as 07.")})
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if Category.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Category %(code)s exists already.") % {"code": code}})
    category = Category.objects.create(code=code, name=name)
    record(
        EventType.CATALOGUE_ADJUSTED,
        actor=acting_user,
        target=category,
        data={"category": code, "name": name},
    )
    return category


@transaction.atomic
def add_product(
    *,
    acting_user: Actor,
    code: str,
    category: Category,
    name: str,
    scope: str,
    risk_level: str,
    route: str,
    effective_on: dt.date,
    reason: str,
    notice: str,
    rules: str = "",
    standards: Iterable[str] = (),
) -> Adjustment:
    """Put a product in the catalogue from ``effective_on``: a new code, or one removed before."""
    code = squash_spaces(code or "")
    if not PRODUCT_CODE.match(code):
        raise ValidationError({"code": _("A product's code has four digits, such as 0718.")})
    reason, notice = _reasons(reason, notice)
    values = _clean(
        {
            "name": name,
            "scope": scope,
            "risk_level": risk_level,
            "route": route,
            "rules": rules,
            "standards": list(standards),
        }
    )
    for required in ("name", "scope", "risk_level", "route"):
        if not values.get(required):
            raise ValidationError({required: _("This field is required.")})
    product, _created = Product.objects.get_or_create(code=code, defaults={"category": category})
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.category_id != category.pk:
        raise ValidationError(
            {
                "category": _("Product %(code)s belongs to category %(category)s.")
                % {"code": code, "category": product.category}
            }
        )
    latest = product.versions.order_by("-valid_from").first()
    if latest is not None and (latest.valid_until is None or latest.valid_until > effective_on):
        raise ValidationError(
            {
                "effective_on": _("Product %(code)s is in the catalogue on %(day)s already.")
                % {"code": code, "day": effective_on.isoformat()}
            }
        )
    adjustment = Adjustment.objects.create(
        product=product,
        kind=Kind.ADD,
        effective_on=effective_on,
        reason=reason,
        notice=notice,
        made_by=_user(acting_user),
    )
    version = ProductVersion.objects.create(
        product=product, valid_from=effective_on, opened_by=adjustment, **values
    )
    _record(adjustment, acting_user, {}, particulars_of(version))
    return adjustment


def _user(acting_user: Actor) -> User | None:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _version_to_adjust(product: Product, effective_on: dt.date) -> ProductVersion:
    latest = product.versions.order_by("-valid_from").first()
    in_force = (
        latest is not None
        and latest.valid_from <= effective_on
        and (latest.valid_until is None or latest.valid_until > effective_on)
    )
    if latest is None or not in_force:
        raise ValidationError(
            {
                "effective_on": _("Product %(code)s is not in the catalogue on %(day)s.")
                % {"code": product.code, "day": effective_on.isoformat()}
            }
        )
    if effective_on <= latest.valid_from:
        raise ValidationError(
            {
                "effective_on": _(
                    "Product %(code)s last changed on %(day)s; a new adjustment takes effect after it."
                )
                % {"code": product.code, "day": latest.valid_from.isoformat()}
            }
        )
    return latest


@transaction.atomic
def remove_product(
    *, acting_user: Actor, product: Product, effective_on: dt.date, reason: str, notice: str
) -> Adjustment:
    """Take the product out of the catalogue from ``effective_on`` (the day before is its last day in it)."""
    reason, notice = _reasons(reason, notice)
    product = Product.objects.select_for_update().get(pk=product.pk)
    version = _version_to_adjust(product, effective_on)
    adjustment = Adjustment.objects.create(
        product=product,
        kind=Kind.REMOVE,
        effective_on=effective_on,
        reason=reason,
        notice=notice,
        made_by=_user(acting_user),
    )
    version.valid_until, version.closed_by = effective_on, adjustment
    version.save(update_fields=["valid_until", "closed_by"])
    _record(adjustment, acting_user, particulars_of(version), {})
    return adjustment


@transaction.atomic
def change_product(
    *,
    acting_user: Actor,
    product: Product,
    kind: str,
    effective_on: dt.date,
    reason: str,
    notice: str,
    **changes: Any,
) -> Adjustment:
    """Change the product's route, scope or other particulars from ``effective_on``.

    ``changes`` holds the particulars that change (``route=…``, ``scope=…``, ``name=…``, ``risk_level=…``,
    ``rules=…``, ``standards=[…]``); a kind allows only its own (a route change may also set the risk level
    and the rules, a scope change the name)."""
    if kind not in MUST:
        raise ValidationError({"kind": _("Choose the kind of adjustment.")})
    reason, notice = _reasons(reason, notice)
    given = {key: value for key, value in changes.items() if value is not None}
    not_allowed = set(given) - MAY[kind]
    if not_allowed:
        raise ValidationError(
            _("A “%(kind)s” adjustment cannot change %(fields)s.")
            % {"kind": Kind(kind).label, "fields": ", ".join(sorted(not_allowed))}
        )
    values = _clean(given)
    product = Product.objects.select_for_update().get(pk=product.pk)
    version = _version_to_adjust(product, effective_on)
    before = particulars_of(version)
    after = before | values
    changed = {key for key in PARTICULARS if before[key] != after[key]}
    missing = MUST[kind] - changed
    if not changed or missing:
        field = next(iter(missing), None)
        message = _("The adjustment changes nothing: give the new value.")
        raise ValidationError({field: message} if field else message)
    adjustment = Adjustment.objects.create(
        product=product,
        kind=kind,
        effective_on=effective_on,
        reason=reason,
        notice=notice,
        made_by=_user(acting_user),
    )
    until = version.valid_until
    version.valid_until, version.closed_by = effective_on, adjustment
    version.save(update_fields=["valid_until", "closed_by"])
    ProductVersion.objects.create(
        product=product, valid_from=effective_on, valid_until=until, opened_by=adjustment, **after
    )
    _record(adjustment, acting_user, before, after)
    return adjustment


def change_route(*, route: str, **kwargs: Any) -> Adjustment:
    return change_product(kind=Kind.CHANGE_ROUTE, route=route, **kwargs)


def change_scope(*, scope: str, **kwargs: Any) -> Adjustment:
    return change_product(kind=Kind.CHANGE_SCOPE, scope=scope, **kwargs)
