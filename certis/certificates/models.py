"""The certificate registry (items 24, 26 and 27 of the notice): every certificate a body issues, reported by
the body, public to anyone, with a status history, and a signed code that shows whether a printed certificate
or mark is genuine.

A certificate is never deleted: withdrawn, cancelled and expired are states. Its number is unique within its
issuing body; ``number_key`` (the number half-width, upper-case, without spaces) is what lookups match on.
Holder names are kept as printed on the certificate (``holder_name``) and, per USCC, in :class:`Holder`, whose
``name_key`` serves the search by any part of the name in either script.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certis.bodies.models import Scheme
from certis.core.text import normalize, search_key


def number_key(number: str) -> str:
    """The comparison key of a certificate number or mark serial: half-width, upper case, no spaces."""
    return normalize(number).upper()


class Standard(models.Model):
    """A standard or normative document with its edition (``GB/T 19001-2016``, ``ISO 9001:2015``).

    Certificates name their standards by ``code``; a code that is not in this table is refused as an unknown
    standard, so that a typing error does not end up on a certificate the public relies on.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    code_key = models.CharField(max_length=64, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    schemes = models.JSONField(_("schemes"), default=list, blank=True)
    replaced_by = models.CharField(_("replaced by"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.code_key = number_key(self.code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Holder(models.Model):
    """An organisation that holds certificates, known by its USCC; its name is the latest one reported.

    There are about 1.1 million of them in the country. A holder may also be an organisation with logins
    (``organisation``), so that a certified firm sees its own certificates.
    """

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    organisation = models.OneToOneField(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holder",
        verbose_name=_("organisation"),
    )
    trusted = models.BooleanField(
        _("trusted class"),
        default=False,
        help_text=_("Firms in the trusted class are checked after release at customs, others before."),
    )

    class Meta:
        verbose_name = _("certificate holder")
        verbose_name_plural = _("certificate holders")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ImportJob(models.Model):
    """A file of certificates reported by a body: applied whole or not at all.

    ``rows_done`` counts the rows checked so far, for the progress bar; ``errors`` keeps the first bad rows for
    the page, and ``report`` the whole report of bad rows (row, field, reason) as a file to download.
    ``heartbeat_at`` is when the process running the job last showed it was alive.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel")
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        RUNNING = "running", _("Being checked")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected: nothing was applied")
        FAILED = "failed", _("Failed: nothing was applied")

    body = models.ForeignKey("bodies.Body", on_delete=models.PROTECT, related_name="import_jobs")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices, blank=True)
    file = models.FileField(_("file"), upload_to="certificates/imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("certificates added"), default=0)
    updated_count = models.PositiveIntegerField(_("certificates updated"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(_("first bad rows"), default=list, blank=True)
    report = models.FileField(_("report of bad rows"), upload_to="certificates/reports/%Y/%m/", blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Moved by the process running the job while it reads rows (at most about once a second); a running job
    # whose heartbeat stopped was lost with its process, and ``imports.reclaim_lost_jobs`` fails it.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate import")
        verbose_name_plural = _("certificate imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.body} {self.original_name or self.pk} ({self.status})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.rows_done / self.total_rows))


class Certificate(models.Model):
    """A certificate as issued and reported by its body, with the fields ISO/IEC 17021-1, 17065 and the Chinese
    certificate rules ask for. Which of the optional fields a certificate must carry depends on its scheme
    (``certis.certificates.schemes``).
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    # No index of their own: certificate_unique_number (body, number_key) and certificate_holder_idx
    # (holder, status) lead with them, and every index slows the bulk reporting of millions of rows.
    body = models.ForeignKey(
        "bodies.Body",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("issuing body"),
        db_index=False,
    )
    number = models.CharField(_("certificate number"), max_length=64)
    number_key = models.CharField(max_length=64, editable=False)
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    holder = models.ForeignKey(
        Holder,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
        db_index=False,
    )
    holder_name = models.CharField(_("holder's name"), max_length=200)
    holder_address = models.CharField(_("holder's address"), max_length=300)
    product = models.CharField(_("product"), max_length=200, blank=True)
    product_key = models.CharField(max_length=200, blank=True, editable=False)
    product_code = models.CharField(
        _("catalogue product code"),
        max_length=16,
        blank=True,
        help_text=_("For CCC certificates: the product's code in the CCC catalogue."),
    )
    product_models = models.TextField(_("models"), blank=True)
    product_models_key = models.TextField(blank=True, editable=False)
    trademark = models.CharField(_("trademark"), max_length=200, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    factory = models.CharField(_("factory"), max_length=300, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    standards = models.JSONField(_("standards"), default=list)
    mode = models.CharField(_("certification mode"), max_length=200, blank=True)
    sites = models.JSONField(
        _("sites"), default=list, blank=True, help_text=_("Sites covered, each with its own scope.")
    )
    first_issued_on = models.DateField(_("first issued on"))
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    signatory = models.ForeignKey(
        "bodies.Person",
        on_delete=models.PROTECT,
        related_name="signed_certificates",
        verbose_name=_("signatory"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.VALID)
    status_since = models.DateField(_("status since"))
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["body", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number_key"], name="certificate_unique_number"),
            models.CheckConstraint(
                condition=Q(issued_on__gte=models.F("first_issued_on")), name="certificate_issue_dates"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="certificate_expiry_after_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["number_key"], name="certificate_number_idx"),
            models.Index(fields=["holder", "status"], name="certificate_holder_idx"),
            models.Index(
                fields=["expires_on"],
                name="certificate_expiry_idx",
                condition=Q(status__in=["valid", "suspended"]),  # what the daily expiry looks for
            ),
            models.Index(fields=["product_code"], name="certificate_product_code_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: object, **kwargs: object) -> None:
        self.fill_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def fill_keys(self) -> None:
        """The comparison keys, also filled by the bulk importer, which does not call save()."""
        self.number_key = number_key(self.number)
        self.product_key = search_key(self.product)
        self.product_models_key = search_key(self.product_models)

    @property
    def is_current(self) -> bool:
        """Valid: the only status under which the certificate may be relied on."""
        return self.status == self.Status.VALID


class StatusEvent(models.Model):
    """One change of a certificate's status, in order, naming who made it and why."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=Certificate.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Certificate.Status.choices)
    effective_on = models.DateField(_("effective on"))
    until = models.DateField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    sanction = models.BooleanField(_("regulator's sanction"), default=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate status change")
        verbose_name_plural = _("certificate status changes")
        ordering = ["certificate", "id"]

    def __str__(self) -> str:
        return f"{self.certificate}: {self.from_status} → {self.to_status} ({self.effective_on})"


class SigningKey(models.Model):
    """An Ed25519 key the platform signs certificate codes with.

    One key is active at a time. Rotating makes a new key active and retires the old one: retired keys no
    longer sign but stay published at ``/.well-known/jwks.json``, so codes printed under them still verify. A
    revoked key (one that leaked) is no longer published, and codes under it answer "revoked key".
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active: signs new codes")
        RETIRED = "retired", _("Retired: verifies old codes")
        REVOKED = "revoked", _("Revoked: codes under it are refused")

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    private_sealed = models.TextField(editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="one_active_key")
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.status})"


class MarkBatch(models.Model):
    """A batch of certification marks (CCC marks) with consecutive serial numbers, issued for a certificate.

    A serial is a letter prefix and a number (``A1234567890``); the batch holds ``first``..``last`` under one
    prefix. A mark is genuine when its serial falls in a batch whose certificate is valid.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="mark_batches")
    prefix = models.CharField(_("serial prefix"), max_length=4)
    first = models.BigIntegerField(_("first serial"))
    last = models.BigIntegerField(_("last serial"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("batch of marks")
        verbose_name_plural = _("batches of marks")
        ordering = ["prefix", "first"]
        constraints = [
            models.CheckConstraint(condition=Q(last__gte=models.F("first")), name="mark_batch_range")
        ]
        indexes = [models.Index(fields=["prefix", "first", "last"], name="mark_batch_range_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.first}–{self.prefix}{self.last}"


class SuspectReport(models.Model):
    """A report of a suspected fake certificate or mark, from anyone; it reaches the regulator."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number or code checked"), max_length=2000)
    what_was_seen = models.TextField(_("where you saw it and what it said"))
    contact = models.CharField(_("how to reach you (optional)"), max_length=200, blank=True)
    verdict = models.CharField(_("answer given"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suspected fake report")
        verbose_name_plural = _("suspected fake reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number[:40]} ({self.created_at:%Y-%m-%d})"
