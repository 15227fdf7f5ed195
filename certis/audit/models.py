"""One audit event record for the whole platform, written by every service in its own transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    ORGANISATION_CREATED = "organisation.created", _("Organisation created")
    MEMBERSHIP_GRANTED = "membership.granted", _("Role granted")
    MEMBERSHIP_REVOKED = "membership.revoked", _("Role revoked")
    USER_CREATED = "user.created", _("User created")
    API_TOKEN_ISSUED = "api_token.issued", _("API token issued")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    PLAN_IMPORTED = "plan.imported", _("Plan imported")
    PLAN_REVISED = "plan.revised", _("Plan revised")
    PLAN_PUBLISHED = "plan.published", _("Plan published")
    PLAN_UNPUBLISHED = "plan.unpublished", _("Plan withdrawn from publication")
    TASK_SCHEDULED = "task.scheduled", _("Task deadline set")
    MILESTONE_ADDED = "milestone.added", _("Milestone added")
    MILESTONE_COMPLETED = "milestone.completed", _("Milestone completed")
    PROGRESS_REPORTED = "progress.reported", _("Progress reported")
    CONTRIBUTION_ADDED = "progress.contribution", _("Contribution added")
    PROGRESS_IMPORTED = "progress.imported", _("Progress imported from Excel")
    FOLLOW_UP_SENT = "follow_up.sent", _("Follow-up sent")
    FOLLOW_UP_REPLIED = "follow_up.replied", _("Follow-up replied")
    FOLLOW_UP_CLOSED = "follow_up.closed", _("Follow-up closed")
    ASSESSMENT_OPENED = "assessment.opened", _("Assessment period opened")
    SCORE_ADJUSTED = "assessment.adjusted", _("Score adjusted")
    BODY_REGISTERED = "body.registered", _("Body entered in the register")
    BODY_APPROVED = "body.approved", _("Body approved")
    BODY_STATUS_CHANGED = "body.status_changed", _("Body status changed")
    BODY_SCOPE_CHANGED = "body.scope_changed", _("Body scope changed")
    BODY_PARTICULARS_CHANGED = "body.particulars_changed", _("Body particulars changed")
    ACCREDITATION_RECORDED = "body.accreditation", _("Accreditation recorded")
    PERSON_REGISTERED = "person.registered", _("Person registered")
    PERSON_QUALIFIED = "person.qualified", _("Qualification recorded")
    PERSON_EMPLOYED = "person.employed", _("Employment recorded")
    PERSON_STATUS_CHANGED = "person.status_changed", _("Person status changed")
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_ACCEPTED = "application.accepted", _("Application accepted")
    APPLICATION_RETURNED = "application.returned", _("Application returned for supplementing")
    APPLICATION_SUPPLEMENTED = "application.supplemented", _("Application supplemented")
    APPLICATION_DOCUMENT = "application.document", _("Application document uploaded")
    REVIEWER_ASSIGNED = "application.reviewer_assigned", _("Reviewer assigned")
    REVIEW_CONCLUDED = "application.review_concluded", _("Review findings recorded")
    REVIEW_COMPLETED = "application.review_completed", _("Technical review completed")
    APPLICATION_DECIDED = "application.decided", _("Decision taken")
    APPROVAL_ISSUED = "application.issued", _("Approval issued")
    APPROVAL_PUBLISHED = "application.published", _("Approval published in the register")
    APPLICATION_WITHDRAWN = "application.withdrawn", _("Application withdrawn")
    CERTIFICATE_REPORTED = "certificate.reported", _("Certificate reported")
    CERTIFICATE_UPDATED = "certificate.updated", _("Certificate updated")
    CERTIFICATE_STATUS_CHANGED = "certificate.status_changed", _("Certificate status changed")
    CERTIFICATES_IMPORTED = "certificate.imported", _("Certificates imported from a file")
    CERTIFICATES_EXPIRED = "certificate.expired", _("Certificates expired")
    SIGNING_KEY_CREATED = "signing_key.created", _("Signing key created")
    SIGNING_KEY_ROTATED = "signing_key.rotated", _("Signing key rotated")
    SIGNING_KEY_REVOKED = "signing_key.revoked", _("Signing key revoked")
    MARKS_ISSUED = "marks.issued", _("Certification marks issued")
    SUSPECT_REPORTED = "suspect.reported", _("Suspected fake reported")
    SUSPECT_CLOSED = "suspect.closed", _("Report of a suspected fake closed")
    STANDARD_ADDED = "standard.added", _("Standard added")
    CATALOGUE_ADJUSTED = "catalogue.adjusted", _("CCC catalogue adjusted")
    HS_CODE_CHANGED = "catalogue.hs_code", _("HS code table changed")
    SELF_DECLARATION_MADE = "declaration.made", _("Self-declaration made")
    SELF_DECLARATION_STATUS_CHANGED = "declaration.status_changed", _("Self-declaration status changed")
    IMPORT_CHECKED = "import.checked", _("Import declaration checked")
    TRUST_CLASS_CHANGED = "holder.trust_class", _("Trusted class changed")
    LOG_KEY_CREATED = "log_key.created", _("Transparency log key created")
    LOG_KEY_ROTATED = "log_key.rotated", _("Transparency log key rotated")
    LOG_ALERT_RAISED = "log.alert", _("Transparency log mismatch found")


class AuditEvent(models.Model):
    """Who did what to which record, when, with the values before and after.

    ``target_type`` is the model label (``governance.task``) and ``target_id`` its key as text, so that one
    table holds events about every kind of record without a foreign key to each.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    event_type = models.CharField(_("event"), max_length=48, choices=EventType.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(_("target type"), max_length=64, db_index=True)
    target_id = models.CharField(_("target"), max_length=64)
    target_repr = models.CharField(_("target name"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.target_repr}"
