"""The registers of certification bodies, labs and certification personnel, and the online applications
that put bodies and labs on them (item 22 of the notice) and qualify personnel (item 45).

A body or lab appears in the public register once an approval has been issued and published for it; its
status afterwards (suspended, withdrawn, cancelled) is a state with a dated history, never a deleted row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certis.core.text import normalize


class Scheme(models.TextChoices):
    """The certification schemes a body may be approved for (and that certificates belong to)."""

    CCC = "ccc", _("China Compulsory Certification (CCC)")
    VOLUNTARY_PRODUCT = "voluntary_product", _("Voluntary product certification")
    SERVICE = "service", _("Service certification")
    MANAGEMENT_SYSTEM = "management_system", _("Management system certification")
    GREEN_PRODUCT = "green_product", _("Green product certification")
    ORGANIC = "organic", _("Organic product certification")


class Body(models.Model):
    """A certification body (认证机构) or an inspection and testing body (检验检测机构, "lab").

    ``number`` is the approval number (``CNCA-R-2002-001``) for a certification body or the qualification (CMA)
    number for a lab. It is assigned when the approval is issued and never given to another body.
    """

    class Kind(models.TextChoices):
        CERTIFICATION_BODY = "certification_body", _("Certification body")
        LAB = "lab", _("Inspection and testing body")

    class Status(models.TextChoices):
        APPLYING = "applying", _("Applying")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="register_entry"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=300)
    region = models.CharField(_("region"), max_length=50, db_index=True)
    number = models.CharField(_("approval number"), max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLYING)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    valid_until = models.DateField(_("approval valid until"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("head office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registered body")
        verbose_name_plural = _("registered bodies")
        ordering = ["number", "name"]
        indexes = [
            models.Index(fields=["kind", "status", "name_key"], name="body_register_idx"),
            models.Index(fields=["name_key"], name="body_name_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})" if self.number else self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_listed(self) -> bool:
        """Listed in the public register: once approved, for good (withdrawn bodies stay, with the reason)."""
        return self.number is not None and self.status != self.Status.APPLYING


class ScopeEntry(models.Model):
    """One line of a body's approved scope, or of the scope an application asks for.

    For a certification body: a scheme, a product category and the standards; for a lab: a test item and the
    standards it tests to. An entry belongs to the body once approved, or to an application while it is asked for.
    """

    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="scope")
    application = models.ForeignKey(
        "Application", null=True, blank=True, on_delete=models.CASCADE, related_name="scope"
    )
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices, blank=True)
    category = models.CharField(_("product category or test item"), max_length=200)
    standards = models.CharField(_("standards"), max_length=500, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("scope entry")
        verbose_name_plural = _("scope entries")
        ordering = ["scheme", "category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body__isnull=False) | Q(application__isnull=False), name="scope_entry_has_owner"
            )
        ]
        indexes = [models.Index(fields=["scheme", "body"], name="scope_scheme_idx")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.category}".strip()


class Accreditation(models.Model):
    """A body's accreditation (认可) by an accreditation body such as CNAS: what approval is conditioned on."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="accreditations")
    accreditation_body = models.CharField(_("accreditation body"), max_length=200)
    number = models.CharField(_("accreditation number"), max_length=64)
    scope = models.TextField(_("accredited scope"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["-valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation_body", "number"], name="accreditation_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="accreditation_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accreditation_body} {self.number}"


class StatusChange(models.Model):
    """One dated change of a body's status, with the reason and who decided it: the register's history."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=Body.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Body.Status.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["body", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.body}: {self.from_status} → {self.to_status} ({self.effective_on})"


class NumberSequence(models.Model):
    """The last approval number given out per prefix and year, so numbers are never reused, even after a
    body is withdrawn. Taken under a row lock."""

    prefix = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Person(models.Model):
    """Registered certification personnel (认证人员): auditors and inspectors who may sign.

    The identity number is kept three ways: an HMAC digest to find duplicates, the number encrypted for the few
    who need it, and a masked copy (``110101********1234``) for display. The plain number is never stored.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("In good standing")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Registration revoked")

    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    registration_number = models.CharField(_("registration number"), max_length=32, unique=True)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_sealed = models.TextField(editable=False)
    id_number_masked = models.CharField(_("identity number"), max_length=18, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification person")
        verbose_name_plural = _("certification personnel")
        ordering = ["registration_number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.registration_number})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Qualification(models.Model):
    """A person's registration as auditor or inspector, at a grade, for schemes and technical field codes."""

    class Role(models.TextChoices):
        AUDITOR = "auditor", pgettext_lazy("certification personnel", "Auditor")
        INSPECTOR = "inspector", _("Inspector")

    class Grade(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        QUALIFIED = "qualified", _("Qualified")
        SENIOR = "senior", _("Senior")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="qualifications")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    schemes = models.JSONField(_("schemes"), default=list)
    field_codes = models.JSONField(_("field codes"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["person", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="qualification_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_role_display()} {self.get_grade_display()}"


class Employment(models.Model):
    """Which body a person works for. One at a time: a person has at most one employment without an end."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="employments")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["person", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="employment_one_at_a_time"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.body}"


class Application(models.Model):
    """An application to the regulator, followed online from submission to publication in the register.

    Each stage has a time limit in working days. While the application is back with the applicant for
    supplementing, the clock of the stage it came from is paused: the stage's time is the sum of its
    :class:`StagePeriod` rows, and supplementing is a period of its own that counts against no limit.
    """

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Approval of a certification body")
        EXTENSION = "extension", _("Extension of scope")
        CHANGE = "change", _("Change of particulars")
        RENEWAL = "renewal", _("Renewal of approval")
        LAB_QUALIFICATION = "lab_qualification", _("Qualification of a lab (CMA)")

    class Stage(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
        SUPPLEMENTING = "supplementing", _("Returned for supplementing")
        REVIEW = "review", _("Technical review")
        DECISION = "decision", _("Awaiting decision")
        ISSUING = "issuing", _("Approved, approval being issued")
        ISSUED = "issued", _("Approval issued, awaiting publication")
        PUBLISHED = "published", _("Published in the register")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.SUBMITTED)
    returned_from = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    summary = models.TextField(_("summary of the application"), blank=True)
    changes = models.JSONField(_("particulars to change"), default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    approval_number = models.CharField(_("approval number"), max_length=32, blank=True)
    approval_valid_until = models.DateField(_("approval valid until"), null=True, blank=True)
    issued_on = models.DateField(_("approval issued on"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["stage", "kind"], name="application_stage_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind"],
                condition=Q(closed_at__isnull=True),
                name="application_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.body.name}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StagePeriod(models.Model):
    """A stretch of time an application spent in one stage. Working days are counted when the period ends.

    ``limit_days`` is what was left of the stage's limit when the period opened (the limit less the working
    days earlier periods of the same stage used), and ``overdue_from`` the first day on which the period is
    overdue; both are kept so that lists can flag and filter overdue applications in the database. A
    supplementing period has neither: its time counts against no limit.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="periods")
    stage = models.CharField(_("stage"), max_length=16, choices=Application.Stage.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("working days"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=32, blank=True)
    limit_days = models.SmallIntegerField(_("working days left of the limit"), null=True, blank=True)
    overdue_from = models.DateField(_("overdue from"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["application", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(ended_at__isnull=True), name="stage_period_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.stage} {self.started_at:%Y-%m-%d}"


class MissingItem(models.Model):
    """What an applicant must supply when the application is returned as incomplete."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="missing_items")
    description = models.CharField(_("what is missing"), max_length=300)
    requested_at = models.DateTimeField(default=timezone.now)
    supplied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return self.description


class ReviewAssignment(models.Model):
    """A reviewer assigned to an application's technical review, and their findings."""

    class Conclusion(models.TextChoices):
        PENDING = "pending", _("Not yet concluded")
        CONFORMS = "conforms", _("Conforms")
        NONCONFORMS = "nonconforms", _("Does not conform")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=Conclusion.choices, default=Conclusion.PENDING
    )
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_one_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.reviewer}"


class Decision(models.Model):
    """The regulator's decision on an application, by a named official, with reasons."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REFUSE = "refuse", _("Refuse")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.outcome}"


class Document(models.Model):
    """A document of an application (charter, quality manual, accreditation certificate…), with versions."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["application", "title"]
        constraints = [models.UniqueConstraint(fields=["application", "title"], name="document_unique_title")]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.version}"


class Holiday(models.Model):
    """A day that breaks the Monday-to-Friday rule: a public holiday, or a weekend day worked instead (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
