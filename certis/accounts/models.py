"""People, the organisations they belong to, their roles there, and API tokens for organisations."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from certis.core.text import normalize


class Organisation(models.Model):
    """A regulator department, an affiliated unit, a certification body, a lab, a firm or a customs office."""

    class Kind(models.TextChoices):
        REGULATOR = "regulator", _("Regulator")
        DEPARTMENT = "department", _("Department")
        AFFILIATE = "affiliate", _("Affiliated unit")
        LOCAL_BUREAU = "local_bureau", _("Local bureau")
        CERTIFICATION_BODY = "certification_body", _("Certification body")
        LAB = "lab", _("Inspection and testing body")
        CERTIFIED_FIRM = "certified_firm", _("Certified organisation")
        CUSTOMS = "customs", _("Customs")

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name_key"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class User(AbstractUser):
    """A person. What they may do comes from their memberships, not from Django's groups."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    organisations: models.ManyToManyField[Organisation, Membership] = models.ManyToManyField(
        Organisation, through="Membership", related_name="people"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


# Who acts in a service: a person, or None for Certis itself (the nightly tasks, migrations, demo data).
Actor = User | None
# Who asks in an access check: a person logged in, or an anonymous visitor.
Visitor = User | AnonymousUser


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")
        PLAN_OFFICE = "plan_office", _("Leading-group office staff")
        LEADING_GROUP = "leading_group", _("Leading-group member")
        AUDITOR = "auditor", _("Auditor")
        APPROVAL_STAFF = "approval_staff", _("Approval staff")
        APPROVAL_OFFICIAL = "approval_official", _("Approving official")
        REVIEWER = "reviewer", _("Technical reviewer")
        SUPERVISOR = "supervisor", _("Supervision staff")
        CUSTOMS_OFFICER = "customs_officer", _("Customs officer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token that lets an organisation's systems call the API. Only its hash is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name} ({self.prefix}…)"


class Notification(models.Model):
    """An in-app notice to a person; the same news usually goes by email too."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message
