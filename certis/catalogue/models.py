"""The CCC catalogue, the HS code table, self-declarations and import verification (items 13-15, 19-20).

The catalogue changes over time and its past stays readable: a catalogue product (:class:`Product`, known by
its code) has one :class:`ProductVersion` per stretch of time in which its name, scope, risk level, route,
rules and standards stayed the same. Every change is an :class:`Adjustment`, dated and tied to the notice it
comes from, that closes one version and opens the next. "The catalogue on a day" is the versions in force
that day; nothing is ever overwritten.

Periods are half-open: a version, an HS mapping or an adjustment's effect runs from ``valid_from`` (included)
to ``valid_until`` (excluded); no ``valid_until`` means "until further notice". A product removed from the
catalogue on 2026-07-01 is in the catalogue on 2026-06-30 and not on 2026-07-01.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certis.core.text import search_key

from .hs import format_hs_code


class Route(models.TextChoices):
    """How conformity of a catalogue product is shown."""

    THIRD_PARTY = "third_party", _("Third-party certification")
    SELF_DECLARATION = "self_declaration", _("Self-declaration")
    EITHER = "either", _("Third-party certification or self-declaration")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Category(models.Model):
    """A category of the catalogue (``07`` 家用和类似用途设备). A category is listed on a day when at least
    one of its products is in force that day, so categories carry no dates of their own."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)

    class Meta:
        verbose_name = _("catalogue category")
        verbose_name_plural = _("catalogue categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Product(models.Model):
    """A catalogue product, known by its code (``0718``) for good: what it is at any time is in its
    versions. CCC certificates name it by this code (``Certificate.product_code``)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )

    class Meta:
        verbose_name = _("catalogue product")
        verbose_name_plural = _("catalogue products")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Adjustment(models.Model):
    """One dated change to the catalogue, with its reason and the notice it comes from."""

    class Kind(models.TextChoices):
        ADD = "add", _("Added to the catalogue")
        REMOVE = "remove", _("Removed from the catalogue")
        CHANGE_ROUTE = "change_route", _("Route changed")
        CHANGE_SCOPE = "change_scope", _("Scope changed")
        CHANGE = "change", _("Other particulars changed")

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    notice = models.CharField(
        _("notice"), max_length=300, help_text=_("The announcement the change comes from, by its number.")
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue adjustment")
        verbose_name_plural = _("catalogue adjustments")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["effective_on"], name="adjustment_effective_idx")]

    def __str__(self) -> str:
        return f"{self.product.code} {self.get_kind_display()} {self.effective_on}"


class ProductVersion(models.Model):
    """What a catalogue product was from ``valid_from`` until ``valid_until`` (excluded; none: still)."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="versions", verbose_name=_("product")
    )
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    scope = models.TextField(
        _("scope"),
        help_text=_("What the product covers and what it does not (the catalogue's boundary text)."),
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    rules = models.CharField(_("implementation rules"), max_length=300, blank=True)
    standards = models.JSONField(_("standards"), default=list, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    opened_by = models.ForeignKey(
        Adjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="opened", db_index=False
    )
    closed_by = models.ForeignKey(
        Adjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="closed", db_index=False
    )

    class Meta:
        verbose_name = _("catalogue product version")
        verbose_name_plural = _("catalogue product versions")
        ordering = ["product", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(valid_until__isnull=True), name="product_one_open_version"
            ),
            models.UniqueConstraint(fields=["product", "valid_from"], name="product_version_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="product_version_dates",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until"], name="product_version_period_idx")]

    def __str__(self) -> str:
        return f"{self.product.code} {self.name} ({self.valid_from}–{self.valid_until or ''})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


# The particulars a version carries, in the order they are shown and compared.
PARTICULARS = ("name", "scope", "risk_level", "route", "rules", "standards")


def in_force_on(day: object, prefix: str = "") -> Q:
    """The condition "in force on ``day``" on a model with ``valid_from`` and ``valid_until``."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": day})
    )


class LimitQuantity(models.TextChoices):
    """What a structured condition of an HS mapping limits."""

    RATED_VOLTAGE = "rated_voltage", _("Rated voltage (V)")
    RATED_POWER = "rated_power", _("Rated power (W)")
    RATED_CURRENT = "rated_current", _("Rated current (A)")
    CAPACITY = "capacity", _("Capacity (L)")


class HsMapping(models.Model):
    """A line of the CCC ↔ HS code table: a 10-digit HS code that falls under a catalogue product during a
    period, perhaps only under a condition (``额定电压不超过250V``), kept as text and, where it is a limit on a
    quantity, also as numbers that a system can compare."""

    code = models.CharField(_("HS code"), max_length=10)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="hs_mappings", verbose_name=_("catalogue product")
    )
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=300, blank=True)
    limit_quantity = models.CharField(
        _("limited quantity"), max_length=16, choices=LimitQuantity.choices, blank=True
    )
    limit_min = models.DecimalField(_("at least"), max_digits=12, decimal_places=3, null=True, blank=True)
    limit_max = models.DecimalField(_("at most"), max_digits=12, decimal_places=3, null=True, blank=True)
    notice = models.CharField(_("notice"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("HS code mapping")
        verbose_name_plural = _("HS code table")
        ordering = ["code", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="hs_mapping_dates",
            ),
        ]
        indexes = [models.Index(fields=["code", "valid_from"], name="hs_mapping_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} → {self.product.code} ({self.valid_from}–{self.valid_until or ''})"

    @property
    def display_code(self) -> str:
        """The code as the tariff prints it (``8516.6010.00``)."""
        return format_hs_code(self.code)


class DeclarationStatus(models.TextChoices):
    """The states of a self-declaration; its moves between them are in ``lifecycle``. Named for itself (not
    ``Status``) because the API document names its enums by their class names."""

    VALID = "valid", _("Valid")
    CANCELLED = "cancelled", _("Cancelled by the maker")
    INVALIDATED = "invalidated", _("Invalidated by the regulator")


class SelfDeclaration(models.Model):
    """A maker's declaration that a product on the self-declaration route conforms (自我声明), backed by a
    test report of a qualified lab. Verified like a certificate, by its number. Its life: ``lifecycle``."""

    Status = DeclarationStatus

    number = models.CharField(_("declaration number"), max_length=32, unique=True)
    number_key = models.CharField(max_length=32, unique=True, editable=False)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="self_declarations",
        verbose_name=_("catalogue product"),
    )
    product_name = models.CharField(_("product name"), max_length=200)
    product_models = models.TextField(_("models"))
    product_models_key = models.TextField(editable=False)
    trademark = models.CharField(_("trademark"), max_length=200, blank=True)
    standards = models.JSONField(_("standards"), default=list)
    test_report_number = models.CharField(_("test report number"), max_length=64)
    lab = models.ForeignKey(
        "bodies.Body",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lab that issued the report"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("maker")
    )
    holder = models.ForeignKey(
        "certificates.Holder",
        on_delete=models.PROTECT,
        related_name="self_declarations",
        verbose_name=_("declarant"),
    )
    declarant_name = models.CharField(
        _("signed by"), max_length=100, help_text=_("The person who signs for the maker.")
    )
    declared_on = models.DateField(_("declared on"))
    is_public = models.BooleanField(_("public"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.VALID)
    status_since = models.DateField(_("status since"))
    status_reason = models.TextField(_("reason"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("self-declaration")
        verbose_name_plural = _("self-declarations")
        ordering = ["-declared_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status"], name="declaration_maker_idx")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: object, **kwargs: object) -> None:
        from certis.certificates.models import number_key

        self.number_key = number_key(self.number)
        self.product_models_key = search_key(self.product_models)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def model_list(self) -> list[str]:
        return [part.strip() for part in self.product_models.split(";") if part.strip()]


class DeclarationEvent(models.Model):
    """One step of a self-declaration's life (made, cancelled, invalidated), dated, with who and why."""

    declaration = models.ForeignKey(SelfDeclaration, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=16, choices=SelfDeclaration.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=SelfDeclaration.Status.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("self-declaration event")
        verbose_name_plural = _("self-declaration events")
        ordering = ["declaration", "id"]

    def __str__(self) -> str:
        return f"{self.declaration}: {self.from_status or '—'} → {self.to_status} ({self.effective_on})"


class DeclarationSequence(models.Model):
    """The last self-declaration number given out per year; taken under a row lock, never reused."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Verdict(models.TextChoices):
    NOT_IN_CATALOGUE = "not_in_catalogue", _("Not in the catalogue")
    COVERED = "covered", _("Covered")
    MISSING = "missing", _("Certificate or declaration missing")
    INVALID = "invalid", _("Invalid")
    EXEMPT = "exempt", _("Exempt")


class Lane(models.TextChoices):
    AFTER_RELEASE = "after_release", _("Checked after release")
    BEFORE_RELEASE = "before_release", _("Checked before release")


class ImportCheck(models.Model):
    """One customs declaration checked against the catalogue, the HS table, certificates and
    self-declarations, with the verdict of each of its lines."""

    class Source(models.TextChoices):
        API = "api", _("API")
        FORM = "form", _("Form")
        EXCEL = "excel", _("Excel file")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("customs office")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    reference = models.CharField(_("declaration reference"), max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    declared_on = models.DateField(_("declared on"))
    lane = models.CharField(_("lane"), max_length=16, choices=Lane.choices)
    line_count = models.PositiveIntegerField(_("lines"))
    counts = models.JSONField(_("lines by verdict"), default=dict)
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import check")
        verbose_name_plural = _("import checks")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="import_check_office_idx")]

    def __str__(self) -> str:
        return f"{self.reference or self.pk} ({self.declared_on})"


class ImportCheckLine(models.Model):
    """One line of a checked declaration, as it was declared, and its verdict."""

    import_check = models.ForeignKey(ImportCheck, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField(_("line"))
    hs_code = models.CharField(_("HS code"), max_length=64, blank=True)
    product_name = models.CharField(_("product name"), max_length=200, blank=True)
    product_model = models.CharField(_("model"), max_length=200, blank=True)
    quantity = models.CharField(_("quantity"), max_length=32, blank=True)
    number = models.CharField(_("certificate or declaration number"), max_length=64, blank=True)
    importer_uscc = models.CharField(_("importer's USCC"), max_length=32, blank=True)
    exemption = models.CharField(_("exemption"), max_length=200, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    reason_code = models.CharField(_("reason code"), max_length=32)
    reason = models.TextField(_("reason"))
    lane = models.CharField(_("lane"), max_length=16, choices=Lane.choices)
    product_codes = models.JSONField(_("catalogue products"), default=list, blank=True)
    document_kind = models.CharField(_("document"), max_length=16, blank=True)
    duplicate_of = models.PositiveIntegerField(_("same as line"), null=True, blank=True)

    class Meta:
        verbose_name = _("import check line")
        verbose_name_plural = _("import check lines")
        ordering = ["import_check", "line"]
        constraints = [
            models.UniqueConstraint(fields=["import_check", "line"], name="import_check_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.import_check_id}/{self.line}: {self.verdict}"


class TrustClassChange(models.Model):
    """A change of a firm's trusted class (the fast lane at customs), and who or what made it."""

    class Source(models.TextChoices):
        REGULATOR = "regulator", _("The regulator's decision")
        CREDIT = "credit", _("Credit classification")

    holder = models.ForeignKey(
        "certificates.Holder", on_delete=models.PROTECT, related_name="+", verbose_name=_("firm")
    )
    trusted = models.BooleanField(_("trusted class"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted class change")
        verbose_name_plural = _("trusted class changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.holder_id}: {self.trusted} ({self.source})"
