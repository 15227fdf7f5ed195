"""Changes to people, organisations, roles and tokens. Each runs in one transaction with its audit event."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from certis.audit.models import EventType
from certis.audit.services import record
from certis.core.text import normalize

from .models import ApiToken, Membership, Notification, Organisation, User, hash_token


@transaction.atomic
def create_organisation(
    *, acting_user: User | None, name: str, kind: str, parent: Organisation | None = None
) -> Organisation:
    organisation = Organisation.objects.create(name=name.strip(), kind=kind, parent=parent)
    record(
        EventType.ORGANISATION_CREATED,
        actor=acting_user,
        target=organisation,
        data={"name": organisation.name, "kind": kind},
    )
    return organisation


def find_or_create_organisation(
    *, acting_user: User | None, name: str, kind: str, parent: Organisation | None = None
) -> tuple[Organisation, bool]:
    """The organisation of that kind whose name matches in either script, or a new one."""
    existing = Organisation.objects.filter(kind=kind, name_key=normalize(name)).first()
    if existing:
        return existing, False
    return create_organisation(acting_user=acting_user, name=name, kind=kind, parent=parent), True


@transaction.atomic
def create_user(
    *, acting_user: User | None, username: str, password: str, display_name: str = "", email: str = ""
) -> User:
    user = User.objects.create_user(
        username=username, password=password, display_name=display_name, email=email
    )
    record(EventType.USER_CREATED, actor=acting_user, target=user, data={"username": username})
    return user


@transaction.atomic
def grant_role(*, acting_user: User | None, user: User, organisation: Organisation, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        record(
            EventType.MEMBERSHIP_GRANTED,
            actor=acting_user,
            target=membership,
            organisation=organisation,
            data={"user": user.username, "organisation": organisation.name, "role": role},
        )
    return membership


@transaction.atomic
def issue_api_token(*, acting_user: User, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    secret = "ct_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=secret[3:11],
        key_hash=hash_token(secret),
        created_by=acting_user,
    )
    record(
        EventType.API_TOKEN_ISSUED,
        actor=acting_user,
        target=token,
        organisation=organisation,
        data={"name": name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, acting_user: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            EventType.API_TOKEN_REVOKED,
            actor=acting_user,
            target=token,
            organisation=token.organisation,
            data={"prefix": token.prefix},
        )
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, organisation__is_active=True)
        .first()
    )
    if token is not None:
        # Last use is bookkeeping, not a change anyone decided: no audit event.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def notify(*, recipients: Iterable[User], subject: str, body: str = "", link: str = "") -> int:
    """Tell people of something that waits on them: an in-app notice each, and a mail to those with an
    address. Call it after the change it reports has committed (``transaction.on_commit``), so that nobody is
    told of a change that rolled back. Returns how many people were told."""
    people = list({person.pk: person for person in recipients}.values())
    Notification.objects.bulk_create(
        Notification(recipient=person, message=subject[:300], link=link[:300]) for person in people
    )
    text = "\n\n".join(part for part in (subject, body, link) if part)
    mails: list[Any] = [
        (subject[:200], text, settings.DEFAULT_FROM_EMAIL, [person.email])
        for person in people
        if person.email
    ]
    if mails:
        send_mass_mail(mails, fail_silently=True)
    return len(people)


def mark_notifications_read(*, user: User, link: str) -> int:
    """A person opened the page a notice pointed at: it is read. Bookkeeping, not a decision: no audit event."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True, link=link).update(
        read_at=timezone.now()
    )
