"""The online application, stage by stage: submit → accept (or return for supplementing) → technical review →
decision → approval issued → published in the register.

Every function takes keyword-only arguments with the acting person, locks the application, checks that the
person may act and that the application is at a stage where the act is possible, and changes nothing but
raises (``PermissionDenied`` for the wrong person, ``ValidationError`` with the reason otherwise) when either
fails. It writes its audit event in its transaction and notifies after commit.

``now`` defaults to the present; tests and imports of old files pass it to date the acts.

Where the register changes: the approval number is taken when the approval is issued (so it is printed on
the approval document), but the body enters the register, its scope grows or its particulars change only
when the approval is published. Until then the public register does not show it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Organisation, User
from certis.audit.models import EventType
from certis.audit.services import changes, record
from certis.core.files import sha256_of
from certis.core.identifiers import clean_uscc
from certis.core.text import normalize

from ..models import (
    Accreditation,
    Application,
    Body,
    Decision,
    Document,
    DocumentVersion,
    MissingItem,
    NumberSequence,
    ReviewAssignment,
    Scheme,
    ScopeEntry,
    StagePeriod,
)
from ..register import services as register
from ..register.lifecycle import CHANGEABLE_STATUSES
from ..register.services import Scope
from . import access
from .lifecycle import (
    APPROVING_KINDS,
    CLOSED_STAGES,
    FIRST_APPLICANTS,
    FIRST_STAGE,
    NEW_BODY_KINDS,
    is_for_body,
    is_open_to,
    next_stage,
)
from .notifications import notify
from .uploads import check_upload
from .workdays import Calendar, stage_limit

Kind = Application.Kind

CHANGEABLE = ("name", "address")


# --- helpers -------------------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("body", "applicant").get(pk=application.pk)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_stage(application: Application, action: str, what: str) -> None:
    if not is_open_to(action, application.stage):
        raise ValidationError(
            _("%(what)s is not possible while the application is at the stage “%(stage)s”.")
            % {"what": what, "stage": application.get_stage_display()}
        )


def _require_staff(user: User) -> None:
    _require(access.is_approval_staff(user), _("Only approval staff may do this."))


def _staff_takes(acting_user: User, application: Application, action: str, what: str) -> Application:
    """The application, locked, for a move that only approval staff make and that its stage allows."""
    _require_staff(acting_user)
    application = _locked(application)
    _require_stage(application, action, what)
    return application


def _require_applicant(user: User, organisation: Organisation | int) -> None:
    _require(
        access.acts_for(user, organisation),
        _("Only the staff and managers of the applying organisation may do this."),
    )


def _open_period(application: Application, stage: str, moment: dt.datetime, calendar: Calendar) -> None:
    """Start the clock of a stage; what is left of its limit discounts the stage's earlier periods."""
    limit = stage_limit(stage)
    left = overdue_from = None
    if limit is not None:
        used = sum(
            period.working_days or 0
            for period in application.periods.filter(stage=stage, ended_at__isnull=False)
        )
        left = limit - used
        start = _day(moment)
        overdue_from = calendar.add(start, left + 1) if left >= 0 else start
    StagePeriod.objects.create(
        application=application, stage=stage, started_at=moment, limit_days=left, overdue_from=overdue_from
    )


def _move(application: Application, to: str, moment: dt.datetime, ended_by: str) -> None:
    """Close the current stage's period and open the next one (none for a closed application)."""
    calendar = Calendar()
    current = application.periods.filter(ended_at__isnull=True).first()
    if current is not None:
        current.ended_at = moment
        current.working_days = max(0, calendar.between(_day(current.started_at), _day(moment)))
        current.ended_by = ended_by
        current.save(update_fields=["ended_at", "working_days", "ended_by"])
    application.stage = to
    if to in CLOSED_STAGES:
        application.closed_at = moment
    else:
        _open_period(application, to, moment, calendar)
    application.save(update_fields=["stage", "closed_at", "returned_from"])


def _event(event_type: EventType, user: User, application: Application, **data: Any) -> None:
    record(
        event_type,
        actor=user,
        target=application,
        organisation=application.applicant,
        data={"reference": application.reference, "stage": application.stage, **data},
    )


def _notify_after_commit(application: Application, event: str, reviewer_id: int | None = None) -> None:
    pk = application.pk
    transaction.on_commit(lambda: notify(pk, event, reviewer_id))


def next_reference(year: int) -> str:
    """``SQ-2026-000123``: the year's next application reference, taken under a row lock."""
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(prefix="SQ", year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"SQ-{year}-{sequence.last:06d}"


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- submission ----------------------------------------------------------------------------------------------


@dataclass
class Particulars:
    """A new body's particulars, as the applicant gives them."""

    name: str = ""
    uscc: str = ""
    address: str = ""
    region: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def check(self) -> None:
        for key, message in (
            ("name", _("Give the body's name.")),
            ("address", _("Give the body's address.")),
            ("region", _("Give the body's region (province).")),
        ):
            if not getattr(self, key).strip():
                self.errors[key] = [message]
        try:
            self.uscc = clean_uscc(self.uscc)
        except ValidationError as error:
            self.errors["uscc"] = error.messages


def _check_scope(kind: str, body_kind: str, scope: Sequence[Scope], body: Body | None) -> list[str]:
    problems: list[str] = []
    if kind in (Kind.APPROVAL, Kind.LAB_QUALIFICATION, Kind.EXTENSION) and not scope:
        problems.append(_("List at least one line of the scope applied for."))
    held = set()
    if body is not None and kind == Kind.EXTENSION:
        held = {(s.scheme, normalize(s.category)) for s in body.scope.filter(removed_on__isnull=True)}
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(scope, start=1):
        key = (line.scheme, normalize(line.category))
        if not line.category.strip():
            problems.append(
                _("Line %(line)d of the scope names no category or test item.") % {"line": number}
            )
        elif body_kind == Body.Kind.CERTIFICATION_BODY and line.scheme not in Scheme.values:
            problems.append(_("Line %(line)d of the scope names no certification scheme.") % {"line": number})
        elif key in seen:
            problems.append(_("Line %(line)d of the scope repeats an earlier line.") % {"line": number})
        elif key in held:
            problems.append(
                _("Line %(line)d of the scope (%(category)s) is already in the body's approved scope.")
                % {"line": number, "category": line.category}
            )
        seen.add(key)
    return problems


def _check_changes(body: Body, requested: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    if set(requested) - set(CHANGEABLE):
        return {}, [_("Only the name and the address can be changed by application.")]
    cleaned = {key: (requested.get(key) or "").strip() for key in CHANGEABLE}
    cleaned = {key: value for key, value in cleaned.items() if value and value != getattr(body, key)}
    if not cleaned:
        return {}, [_("Give the new name or the new address (different from the current one).")]
    return cleaned, []


def _kind_problem(kind: str, applicant: Organisation, body: Body | None) -> str:
    """Why this organisation cannot make this kind of application, or ""."""
    if kind in FIRST_APPLICANTS and applicant.kind != FIRST_APPLICANTS[kind]:
        if kind == Kind.APPROVAL:
            return _("Only a certification body applies for approval; a lab applies for qualification.")
        return _("Only an inspection and testing body (lab) applies for qualification.")
    if kind in NEW_BODY_KINDS and body is not None and body.status != Body.Status.APPLYING:
        return _("%(body)s is already approved: apply for renewal, extension of scope or a change.") % {
            "body": body.name
        }
    if kind not in NEW_BODY_KINDS and (body is None or body.status not in CHANGEABLE_STATUSES):
        return _("Only an approved body or lab may apply for renewal, extension of scope or a change.")
    if body is not None:
        open_one = body.applications.filter(kind=kind, closed_at__isnull=True).first()
        if open_one is not None:
            return _(
                "Application %(reference)s of this kind is still open; follow that one or withdraw it."
            ) % {"reference": open_one.reference}
    return ""


@dataclass
class _Checked:
    body: Body | None
    body_kind: str
    scope: list[Scope]
    changes: dict[str, str]


def _check_submission(
    kind: str,
    applicant: Organisation,
    scope: Sequence[Scope],
    particulars: Particulars,
    changes_requested: dict[str, str],
) -> _Checked:
    """Every problem of the submission at once, before anything is written."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what the application is for.")})
    body = Body.objects.filter(organisation=applicant).first()
    errors: dict[str, list[str]] = {}
    if problem := _kind_problem(kind, applicant, body):
        errors["kind"] = [problem]
    if body is not None:
        body_kind = body.kind
    else:
        body_kind = NEW_BODY_KINDS.get(Kind(kind), Body.Kind.CERTIFICATION_BODY)
        if kind in NEW_BODY_KINDS:
            particulars.check()
            errors |= particulars.errors
    if scope_problems := _check_scope(kind, body_kind, scope, body):
        errors["scope"] = scope_problems
    requested: dict[str, str] = {}
    if kind == Kind.CHANGE and body is not None:
        requested, change_problems = _check_changes(body, changes_requested)
        if change_problems:
            errors["changes"] = change_problems
    if errors:
        raise ValidationError(errors)
    return _Checked(body, body_kind, list(scope), requested)


@transaction.atomic
def submit_application(
    *,
    acting_user: User,
    applicant: Organisation,
    kind: str,
    summary: str = "",
    scope: Sequence[Scope] = (),
    particulars: Particulars | None = None,
    changes_requested: dict[str, str] | None = None,
    documents: Iterable[tuple[str, Any]] = (),
    now: dt.datetime | None = None,
) -> Application:
    """A body applies for approval, renewal, extension of scope or a change; a lab for qualification.

    A first application (approval, lab qualification) by an organisation not yet in the register enters it
    there as applying, with the particulars given; it is not public until its approval is published.
    """
    _require_applicant(acting_user, applicant)
    particulars = particulars or Particulars()
    checked = _check_submission(kind, applicant, scope, particulars, changes_requested or {})
    moment = _now(now)
    body = checked.body or register.register_body(
        acting_user=acting_user,
        kind=checked.body_kind,
        name=particulars.name,
        uscc=particulars.uscc,
        address=particulars.address,
        region=particulars.region,
        organisation=applicant,
    )
    application = Application.objects.create(
        reference=next_reference(_day(moment).year),
        kind=kind,
        body=body,
        applicant=applicant,
        summary=summary.strip(),
        changes=checked.changes,
        submitted_by=acting_user,
        submitted_at=moment,
    )
    ScopeEntry.objects.bulk_create(
        ScopeEntry(
            application=application,
            scheme=line.scheme,
            category=line.category.strip(),
            standards=line.standards.strip(),
        )
        for line in checked.scope
    )
    _open_period(application, FIRST_STAGE, moment, Calendar())
    versions = [_add_version(application, title, upload, acting_user, moment) for title, upload in documents]
    _event(
        EventType.APPLICATION_SUBMITTED,
        acting_user,
        application,
        kind=kind,
        body=body.name,
        scope=len(checked.scope),
        changes=checked.changes,
        documents=[f"{v.document.title} v{v.version}" for v in versions],
    )
    _notify_after_commit(application, "submitted")
    return application


# --- documents -----------------------------------------------------------------------------------------------


def _add_version(
    application: Application, title: str, upload: Any, user: User, moment: dt.datetime
) -> DocumentVersion:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("A document title has at most 200 characters.")})
    extension = check_upload(upload)
    document, _created = Document.objects.get_or_create(application=application, title=title)
    document = Document.objects.select_for_update().get(pk=document.pk)
    last = document.versions.aggregate(last=Max("version"))["last"] or 0
    return DocumentVersion.objects.create(
        document=document,
        version=last + 1,
        file=File(upload, name=f"{uuid.uuid4().hex}.{extension}"),
        original_name=(upload.name or "")[:255],
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=user,
        uploaded_at=moment,
    )


@transaction.atomic
def upload_document(
    *, acting_user: User, application: Application, title: str, file: Any, now: dt.datetime | None = None
) -> DocumentVersion:
    """A new document, or a new version of the document with that title. The applicant uploads before
    acceptance and while supplementing; approval staff while the application is open."""
    application = _locked(application)
    if access.is_approval_staff(acting_user):
        _require_stage(application, "staff_upload", _("Uploading a document"))
    else:
        _require_applicant(acting_user, application.applicant_id)
        _require_stage(application, "upload", _("Uploading a document"))
    version = _add_version(application, title, file, acting_user, _now(now))
    _event(
        EventType.APPLICATION_DOCUMENT,
        acting_user,
        application,
        title=version.document.title,
        version=version.version,
        size=version.size,
        sha256=version.sha256,
    )
    return version


# --- acceptance and supplementing ----------------------------------------------------------------------------


@transaction.atomic
def accept_application(
    *, acting_user: User, application: Application, now: dt.datetime | None = None
) -> Application:
    application = _staff_takes(acting_user, application, "accept", _("Accepting the application"))
    _move(application, next_stage(application, "accept"), _now(now), "accepted")
    _event(EventType.APPLICATION_ACCEPTED, acting_user, application)
    _notify_after_commit(application, "accepted")
    return application


@transaction.atomic
def return_application(
    *, acting_user: User, application: Application, missing: Sequence[str], now: dt.datetime | None = None
) -> Application:
    """Return the application as incomplete, listing what is missing. The stage's clock stops until the
    applicant resubmits."""
    _require_staff(acting_user)
    items = [item.strip() for item in missing if item.strip()]
    if not items:
        raise ValidationError({"missing": _("List what is missing, one item a line.")})
    if any(len(item) > 300 for item in items):
        raise ValidationError({"missing": _("Each missing item has at most 300 characters.")})
    application = _locked(application)
    _require_stage(application, "return", _("Returning the application"))
    application.returned_from = application.stage
    moment = _now(now)
    _move(application, next_stage(application, "return"), moment, "returned")
    MissingItem.objects.bulk_create(
        MissingItem(application=application, description=item, requested_at=moment) for item in items
    )
    _event(
        EventType.APPLICATION_RETURNED,
        acting_user,
        application,
        returned_from=application.returned_from,
        missing=items,
    )
    _notify_after_commit(application, "returned")
    return application


@transaction.atomic
def supplement_application(
    *,
    acting_user: User,
    application: Application,
    note: str = "",
    documents: Iterable[tuple[str, Any]] = (),
    now: dt.datetime | None = None,
) -> Application:
    """The applicant resubmits: the application goes back to the stage it was returned from, whose clock
    runs again from where it stopped."""
    application = _locked(application)
    _require_applicant(acting_user, application.applicant_id)
    _require_stage(application, "supplement", _("Resubmitting the application"))
    moment = _now(now)
    versions = [_add_version(application, title, upload, acting_user, moment) for title, upload in documents]
    back_to = next_stage(application, "supplement")
    application.returned_from = ""
    _move(application, back_to, moment, "supplemented")
    application.missing_items.filter(supplied_at__isnull=True).update(supplied_at=moment)
    _event(
        EventType.APPLICATION_SUPPLEMENTED,
        acting_user,
        application,
        note=note.strip(),
        documents=[f"{v.document.title} v{v.version}" for v in versions],
    )
    _notify_after_commit(application, "supplemented")
    return application


# --- technical review ----------------------------------------------------------------------------------------


@transaction.atomic
def assign_reviewer(
    *, acting_user: User, application: Application, reviewer: User, now: dt.datetime | None = None
) -> ReviewAssignment:
    application = _staff_takes(acting_user, application, "assign_reviewer", _("Assigning a reviewer"))
    if not access.is_reviewer(reviewer):
        raise ValidationError(
            {"reviewer": _("%(person)s is not a technical reviewer.") % {"person": reviewer}}
        )
    if access.acts_for(reviewer, application.applicant_id):
        raise ValidationError(
            {
                "reviewer": _("%(person)s works for the applicant and cannot review its application.")
                % {"person": reviewer}
            }
        )
    if application.reviews.filter(reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("%(person)s is already assigned.") % {"person": reviewer}})
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=acting_user, assigned_at=_now(now)
    )
    _event(EventType.REVIEWER_ASSIGNED, acting_user, application, reviewer=reviewer.get_username())
    _notify_after_commit(application, "reviewer_assigned", reviewer.pk)
    return assignment


@transaction.atomic
def record_findings(
    *,
    acting_user: User,
    application: Application,
    findings: str,
    conclusion: str,
    now: dt.datetime | None = None,
) -> ReviewAssignment:
    """The assigned reviewer's findings and conclusion; they may revise them until the review is completed."""
    application = _locked(application)
    assignment = (
        application.reviews.filter(reviewer=acting_user).first() if acting_user.is_authenticated else None
    )
    if assignment is None:
        raise PermissionDenied(_("Only a reviewer assigned to this application may record findings."))
    _require_stage(application, "record_findings", _("Recording findings"))
    errors = {}
    if not findings.strip():
        errors["findings"] = _("Write down the findings.")
    if conclusion not in (ReviewAssignment.Conclusion.CONFORMS, ReviewAssignment.Conclusion.NONCONFORMS):
        errors["conclusion"] = _("Conclude: conforms or does not conform.")
    if errors:
        raise ValidationError(errors)
    before = {"conclusion": assignment.conclusion}
    assignment.findings, assignment.conclusion = findings.strip(), conclusion
    assignment.concluded_at = _now(now)
    assignment.save(update_fields=["findings", "conclusion", "concluded_at"])
    _event(
        EventType.REVIEW_CONCLUDED,
        acting_user,
        application,
        **changes(before, {"conclusion": conclusion}),
        findings=assignment.findings,
    )
    return assignment


@transaction.atomic
def complete_review(
    *, acting_user: User, application: Application, now: dt.datetime | None = None
) -> Application:
    """Close the technical review once every assigned reviewer has concluded; the file goes to the official."""
    application = _staff_takes(acting_user, application, "complete_review", _("Completing the review"))
    reviews = list(application.reviews.all())
    if not reviews:
        raise ValidationError(_("Assign at least one reviewer before completing the review."))
    pending = [str(r.reviewer) for r in reviews if r.conclusion == ReviewAssignment.Conclusion.PENDING]
    if pending:
        raise ValidationError(
            _("These reviewers have not concluded yet: %(names)s.") % {"names": "、".join(pending)}
        )
    _move(application, next_stage(application, "complete_review"), _now(now), "review_completed")
    _event(
        EventType.REVIEW_COMPLETED,
        acting_user,
        application,
        conclusions={r.reviewer.get_username(): r.conclusion for r in reviews},
    )
    _notify_after_commit(application, "review_completed")
    return application


# --- decision, issue, publication ----------------------------------------------------------------------------


def _check_accreditation(application: Application, day: dt.date) -> None:
    """A certification body is approved (renewed, extended) only while accredited."""
    body = application.body
    if body.kind != Body.Kind.CERTIFICATION_BODY or application.kind == Kind.CHANGE:
        return
    if register.accreditation_valid_on(body, day) is None:
        latest = body.accreditations.order_by("-valid_until").first()
        if latest is None:
            message = _(
                "%(body)s has no accreditation on record; a certification body is approved only when accredited."
            )
        else:
            message = _(
                "The accreditation of %(body)s (%(number)s) is not valid on %(day)s: it runs from %(start)s to "
                "%(end)s. Record a valid accreditation before approving."
            )
        values = {"body": body.name, "day": day.isoformat()}
        if latest is not None:
            values |= {
                "number": latest.number,
                "start": latest.valid_from.isoformat(),
                "end": latest.valid_until.isoformat(),
            }
        raise ValidationError({"outcome": message % values})


@transaction.atomic
def decide(
    *,
    acting_user: User,
    application: Application,
    outcome: str,
    reasons: str,
    now: dt.datetime | None = None,
) -> Decision:
    """The approving official's decision, with reasons; a refusal closes the application."""
    _require(access.is_official(acting_user), _("Only an approving official may decide an application."))
    application = _locked(application)
    _require_stage(application, "decide", _("Deciding"))
    errors = {}
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = _("Choose to approve or to refuse.")
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons for the decision.")
    if errors:
        raise ValidationError(errors)
    moment = _now(now)
    if outcome == Decision.Outcome.APPROVE:
        _check_accreditation(application, _day(moment))
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons.strip(),
        official=acting_user,
        decided_at=moment,
    )
    approved = outcome == Decision.Outcome.APPROVE
    _move(application, next_stage(application, "decide", outcome), moment, f"decided_{outcome}")
    _event(
        EventType.APPLICATION_DECIDED,
        acting_user,
        application,
        outcome=outcome,
        reasons=decision.reasons,
        official=acting_user.get_username(),
    )
    _notify_after_commit(application, "approved" if approved else "refused")
    return decision


@transaction.atomic
def issue_approval(
    *,
    acting_user: User,
    application: Application,
    valid_until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Issue the approval: the number (a new body's next one, or the body's own), the dates, the document."""
    application = _staff_takes(acting_user, application, "issue", _("Issuing the approval"))
    moment = _now(now)
    issued_on = _day(moment)
    body = Body.objects.select_for_update().get(pk=application.body_id)
    until: dt.date | None
    if application.kind in APPROVING_KINDS:
        number = body.number or register.next_number(body.kind, issued_on.year)
        years = settings.BODIES_APPROVAL_VALID_YEARS
        until = valid_until or _add_years(issued_on, years) - dt.timedelta(days=1)
    else:
        number, until = body.number or "", body.valid_until
    if until is not None and until <= issued_on:
        raise ValidationError({"valid_until": _("The approval must be valid after the day it is issued.")})
    application.approval_number, application.approval_valid_until = number, until
    application.issued_on = issued_on
    application.save(update_fields=["approval_number", "approval_valid_until", "issued_on"])
    _move(application, next_stage(application, "issue"), moment, "issued")
    _event(EventType.APPROVAL_ISSUED, acting_user, application, number=number, valid_until=until)
    _notify_after_commit(application, "issued")
    return application


def _requested_scope(application: Application) -> list[Scope]:
    return [
        Scope(category=line.category, scheme=line.scheme, standards=line.standards)
        for line in application.scope.all()
    ]


def _apply_to_register(acting_user: User, application: Application) -> dict[str, Any]:
    body = application.body
    issued_on = application.issued_on or timezone.localdate()
    if application.kind in APPROVING_KINDS:
        register.approve_body(
            acting_user=acting_user,
            body=body,
            scope=_requested_scope(application),
            approved_on=issued_on,
            valid_until=application.approval_valid_until,
            number=None if body.number else application.approval_number,
            reason=_("Approval issued on application %(reference)s") % {"reference": application.reference},
        )
        return {"number": application.approval_number}
    if application.kind == Kind.EXTENSION:
        added = register.extend_scope(
            acting_user=acting_user,
            body=body,
            scope=_requested_scope(application),
            granted_on=issued_on,
            application=application.reference,
        )
        return {"scope_added": added}
    register.change_particulars(
        acting_user=acting_user, body=body, particulars=application.changes, application=application.reference
    )
    return {"changed": sorted(application.changes)}


@transaction.atomic
def publish_approval(
    *, acting_user: User, application: Application, now: dt.datetime | None = None
) -> Application:
    """Publish the issued approval: the body enters the register (or its entry grows or changes) now."""
    application = _staff_takes(acting_user, application, "publish", _("Publishing the approval"))
    effect = _apply_to_register(acting_user, application)
    _move(application, next_stage(application, "publish"), _now(now), "published")
    _event(EventType.APPROVAL_PUBLISHED, acting_user, application, **effect)
    _notify_after_commit(application, "published")
    return application


@transaction.atomic
def withdraw_application(
    *, acting_user: User, application: Application, reason: str = "", now: dt.datetime | None = None
) -> Application:
    """The applicant withdraws the application before it is decided."""
    application = _locked(application)
    _require_applicant(acting_user, application.applicant_id)
    _require_stage(application, "withdraw", _("Withdrawing the application"))
    application.returned_from = ""
    _move(application, next_stage(application, "withdraw"), _now(now), "withdrawn")
    _event(EventType.APPLICATION_WITHDRAWN, acting_user, application, reason=reason.strip())
    _notify_after_commit(application, "withdrawn")
    return application


@transaction.atomic
def record_accreditation(
    *, acting_user: User, application: Application, **accreditation: Any
) -> Accreditation:
    """Approval staff record the applying body's accreditation, as verified with the accreditation body."""
    application = _staff_takes(
        acting_user, application, "record_accreditation", _("Recording an accreditation")
    )
    if not is_for_body("record_accreditation", application.body.kind):
        raise ValidationError(_("Only certification bodies are approved on an accreditation."))
    return register.record_accreditation(acting_user=acting_user, body=application.body, **accreditation)
