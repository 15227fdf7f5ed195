"""Self-declarations (自我声明): a maker declares that a product on the self-declaration route conforms, on the
strength of a test report by a qualified lab; the platform gives it a number, and customs and the public
verify it like a certificate.

Its states and moves (valid → cancelled by the maker, valid → invalidated by the regulator; both final), and
who may make each, are in ``lifecycle``; these functions apply a move and keep the rules of the record itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, Organisation, User
from certis.audit.models import EventType
from certis.audit.services import record
from certis.bodies.models import Body
from certis.certificates.models import Holder
from certis.core.text import tidy

from .. import lifecycle
from ..lifecycle import DECLARABLE_ROUTES
from ..models import (
    DeclarationEvent,
    DeclarationSequence,
    Product,
    ProductVersion,
    SelfDeclaration,
    in_force_on,
)
from .catalogue import clean_standards

_MODEL_SPLIT = re.compile(r"[;；\n]+")
MAX_MODELS = 200


def declaration_number(year: int, sequence: int) -> str:
    """``SD2026000001``: SD, the year, and the year's sequence on seven digits."""
    return f"SD{year}{sequence:07d}"


def _next_number(year: int) -> str:
    try:
        with transaction.atomic():
            DeclarationSequence.objects.get_or_create(year=year)
    except IntegrityError:  # another declaration created the year's row at the same moment
        pass
    sequence = DeclarationSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return declaration_number(year, sequence.last)


def declarable_version(product: Product, day: dt.date) -> ProductVersion:
    """The product's version on ``day``, if a self-declaration may be made for it then."""
    version = ProductVersion.objects.filter(in_force_on(day), product=product).first()
    if version is None:
        raise ValidationError(
            {
                "product": _("Product %(code)s is not in the catalogue on %(day)s.")
                % {"code": product.code, "day": day.isoformat()}
            }
        )
    if version.route not in DECLARABLE_ROUTES:
        raise ValidationError(
            {
                "product": _("%(code)s %(name)s needs third-party certification: it cannot be self-declared.")
                % {"code": product.code, "name": version.name}
            }
        )
    return version


def _models(text: str) -> str:
    models = list(dict.fromkeys(tidy(part) for part in _MODEL_SPLIT.split(text or "") if tidy(part)))
    if not models:
        raise ValidationError({"models": _("Name at least one model.")})
    if len(models) > MAX_MODELS:
        raise ValidationError(
            {"models": _("At most %(count)d models in one declaration.") % {"count": MAX_MODELS}}
        )
    return "; ".join(models)


def _qualified_lab(lab: Body, day: dt.date) -> None:
    if lab.kind != Body.Kind.LAB or lab.status != Body.Status.APPROVED:
        raise ValidationError(
            {"lab": _("%(lab)s is not a qualified lab in the register.") % {"lab": lab.name}}
        )
    if lab.valid_until is not None and lab.valid_until < day:
        raise ValidationError(
            {
                "lab": _("The qualification of %(lab)s ended on %(day)s.")
                % {"lab": lab.name, "day": lab.valid_until}
            }
        )


def holder_of(organisation: Organisation) -> Holder:
    holder = Holder.objects.filter(organisation=organisation).first()
    if holder is None:
        raise ValidationError(
            _(
                "%(organisation)s has no unified social credit code in the registry yet; ask the regulator to "
                "link it before declaring."
            )
            % {"organisation": organisation.name}
        )
    return holder


@transaction.atomic
def make_self_declaration(
    *,
    acting_user: User,
    organisation: Organisation,
    product: Product,
    product_name: str,
    models: str,
    standards: Iterable[str],
    test_report_number: str,
    lab: Body,
    declarant_name: str,
    trademark: str = "",
    is_public: bool = True,
    declared_on: dt.date | None = None,
) -> SelfDeclaration:
    """Record the maker's declaration and give it its number; a person makes it (``declared_by``), never the system."""
    day = declared_on or timezone.localdate()
    holder = holder_of(organisation)
    version = declarable_version(product, day)
    errors: dict[str, str] = {}
    values = {
        "product_name": tidy(product_name or "") or version.name,
        "test_report_number": tidy(test_report_number or ""),
        "declarant_name": tidy(declarant_name or ""),
        "trademark": tidy(trademark or ""),
    }
    for name in ("test_report_number", "declarant_name"):
        if not values[name]:
            errors[name] = _("This field is required.")
    try:
        product_models = _models(models)
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    try:
        clean = clean_standards(standards)
        if not clean:
            errors["standards"] = _("Name the standards the product conforms to.")
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    try:
        _qualified_lab(lab, day)
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    declaration = SelfDeclaration.objects.create(
        number=_next_number(day.year),
        product=product,
        product_models=product_models,
        standards=clean,
        lab=lab,
        organisation=organisation,
        holder=holder,
        declared_on=day,
        is_public=is_public,
        status=lifecycle.INITIAL,
        status_since=day,
        declared_by=acting_user,
        **values,
    )
    DeclarationEvent.objects.create(
        declaration=declaration,
        from_status="",
        to_status=lifecycle.INITIAL,
        effective_on=day,
        actor=acting_user,
        actor_organisation=organisation,
    )
    record(
        EventType.SELF_DECLARATION_MADE,
        actor=acting_user,
        target=declaration,
        organisation=organisation,
        data={
            "number": declaration.number,
            "product": product.code,
            "models": product_models,
            "lab": lab.number,
            "public": is_public,
        },
    )
    return declaration


def _move(
    declaration: SelfDeclaration,
    move: lifecycle.Move,
    *,
    acting_user: Actor,
    organisation: Organisation | None,
    reason: str,
) -> SelfDeclaration:
    reason = tidy(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason; it is shown with the declaration's status.")})
    declaration = SelfDeclaration.objects.select_for_update().get(pk=declaration.pk)
    lifecycle.check_move(declaration, move)
    today = timezone.localdate()
    before, to = declaration.status, move.to
    declaration.status, declaration.status_since, declaration.status_reason = to, today, reason
    declaration.save(update_fields=["status", "status_since", "status_reason"])
    DeclarationEvent.objects.create(
        declaration=declaration,
        from_status=before,
        to_status=to,
        effective_on=today,
        reason=reason,
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        actor_organisation=organisation,
    )
    record(
        EventType.SELF_DECLARATION_STATUS_CHANGED,
        actor=acting_user,
        target=declaration,
        organisation=organisation,
        data={"before": {"status": before}, "after": {"status": to}, "reason": reason},
    )
    return declaration


@transaction.atomic
def cancel_self_declaration(
    *, acting_user: Actor, declaration: SelfDeclaration, reason: str
) -> SelfDeclaration:
    """The maker withdraws its declaration (the product is no longer made, the models changed…)."""
    return _move(
        declaration,
        lifecycle.CANCEL,
        acting_user=acting_user,
        organisation=declaration.organisation,
        reason=reason,
    )


@transaction.atomic
def invalidate_self_declaration(
    *,
    acting_user: Actor,
    declaration: SelfDeclaration,
    reason: str,
    organisation: Organisation | None = None,
) -> SelfDeclaration:
    """The regulator declares it invalid (a failed spot check, a false test report…)."""
    return _move(
        declaration, lifecycle.INVALIDATE, acting_user=acting_user, organisation=organisation, reason=reason
    )


@transaction.atomic
def set_declaration_public(
    *, acting_user: Actor, declaration: SelfDeclaration, is_public: bool
) -> SelfDeclaration:
    """The maker chooses whether the public may look the declaration up (customs and the regulator always may)."""
    declaration = SelfDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.is_public == is_public:
        return declaration
    declaration.is_public = is_public
    declaration.save(update_fields=["is_public"])
    record(
        EventType.SELF_DECLARATION_STATUS_CHANGED,
        actor=acting_user,
        target=declaration,
        organisation=declaration.organisation,
        data={"before": {"public": not is_public}, "after": {"public": is_public}},
    )
    return declaration
