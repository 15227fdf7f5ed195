"""Every change to a plan's work: schedules, progress, follow-ups, publication and score adjustments.

Each function takes keyword-only arguments with the acting person, runs in one transaction, writes its
audit event there, and checks the person's right to act (so the API, importers and views share one rule).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Organisation, User, Visitor
from certis.audit.models import EventType
from certis.audit.services import changes, record

from .. import access, lifecycle
from ..models import (
    AssessmentPeriod,
    Evidence,
    FollowUp,
    FollowUpRecipient,
    Milestone,
    Plan,
    ProgressReport,
    Responsibility,
    ScoreAdjustment,
    Task,
    TaskStatus,
)
from .notifications import notify_follow_up


def _require_office(user: Visitor) -> None:
    if not access.can_manage(user):
        raise PermissionDenied(_("Only the leading-group office may do this."))


@transaction.atomic
def set_plan_published(*, acting_user: User, plan: Plan, published: bool) -> Plan:
    _require_office(acting_user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published != published:
        plan.is_published = published
        plan.save(update_fields=["is_published"])
        event = EventType.PLAN_PUBLISHED if published else EventType.PLAN_UNPUBLISHED
        record(event, actor=acting_user, target=plan)
    return plan


@transaction.atomic
def schedule_task(*, acting_user: User, task: Task, deadline: dt.date | None) -> Task:
    _require_office(acting_user)
    task = Task.objects.select_for_update().get(pk=task.pk)
    before = {"deadline": task.deadline}
    task.deadline = deadline
    task.save(update_fields=["deadline"])
    record(
        EventType.TASK_SCHEDULED, actor=acting_user, target=task, data=changes(before, {"deadline": deadline})
    )
    return task


@transaction.atomic
def add_milestone(*, acting_user: User, task: Task, title: str, due_on: dt.date) -> Milestone:
    _require_office(acting_user)
    milestone = Milestone.objects.create(task=task, title=title, due_on=due_on)
    record(EventType.MILESTONE_ADDED, actor=acting_user, target=task, data={"title": title, "due_on": due_on})
    return milestone


@transaction.atomic
def complete_milestone(*, acting_user: User, milestone: Milestone, completed_on: dt.date) -> Milestone:
    task = milestone.task
    if not (access.can_manage(acting_user) or access.reporting_units(acting_user, task)):
        raise PermissionDenied(_("Only the office or the task's lead unit may complete its milestones."))
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on"])
    record(
        EventType.MILESTONE_COMPLETED,
        actor=acting_user,
        target=task,
        data={"title": milestone.title, "completed_on": completed_on},
    )
    return milestone


def _check_report_values(status: str, percent: int, reported_on: dt.date, text: str) -> None:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Say what was done.")
    if status not in TaskStatus.values:
        errors["status"] = _("Unknown status.")
    if not 0 <= percent <= 100:
        errors["percent_complete"] = _("The percentage must be between 0 and 100.")
    elif mismatch := lifecycle.percent_mismatch(status, percent):
        errors["percent_complete"] = mismatch
    if reported_on > timezone.localdate():
        errors["reported_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _attach(report: ProgressReport, files: list[UploadedFile]) -> None:
    for upload in files:
        Evidence.objects.create(
            report=report, file=upload, original_name=upload.name or "", size=upload.size or 0
        )


def _pick_unit(units: list[Organisation], unit: Organisation | None, message: str) -> Organisation:
    if unit is None and len(units) == 1:
        return units[0]
    if unit is not None and unit in units:
        return unit
    raise PermissionDenied(message)


@transaction.atomic
def report_progress(
    *,
    acting_user: User,
    task: Task,
    status: str,
    percent_complete: int,
    text: str,
    reported_on: dt.date,
    unit: Organisation | None = None,
    files: list[UploadedFile] | None = None,
) -> ProgressReport:
    """The lead (or joint) unit's report; the task's current status follows the newest report."""
    unit = _pick_unit(
        access.reporting_units(acting_user, task),
        unit,
        _("Only the task's lead or joint units report its progress."),
    )
    _check_report_values(status, percent_complete, reported_on, text)
    task = Task.objects.select_for_update().get(pk=task.pk)
    lifecycle.check_takes_reports(task)
    report = ProgressReport.objects.create(
        task=task,
        unit=unit,
        kind=ProgressReport.Kind.REPORT,
        status=status,
        percent_complete=percent_complete,
        text=text,
        reported_on=reported_on,
        reported_by=acting_user,
    )
    _attach(report, files or [])
    before = {"status": task.status, "percent_complete": task.percent_complete}
    if lifecycle.report_moves_task(task, reported_on):
        task.status, task.percent_complete, task.last_reported_at = status, percent_complete, reported_on
        task.save(update_fields=["status", "percent_complete", "last_reported_at"])
    after = {"status": task.status, "percent_complete": task.percent_complete}
    record(
        EventType.PROGRESS_REPORTED,
        actor=acting_user,
        target=task,
        organisation=unit,
        data={**changes(before, after), "report": report.pk, "files": len(files or [])},
    )
    return report


@transaction.atomic
def add_contribution(
    *,
    acting_user: User,
    task: Task,
    text: str,
    reported_on: dt.date,
    unit: Organisation | None = None,
    files: list[UploadedFile] | None = None,
) -> ProgressReport:
    unit = _pick_unit(
        access.contributing_units(acting_user, task),
        unit,
        _("Only the task's supporting units add contributions."),
    )
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("The date cannot be in the future.")})
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    lifecycle.check_takes_reports(task)
    report = ProgressReport.objects.create(
        task=task,
        unit=unit,
        kind=ProgressReport.Kind.CONTRIBUTION,
        text=text,
        reported_on=reported_on,
        reported_by=acting_user,
    )
    _attach(report, files or [])
    record(
        EventType.CONTRIBUTION_ADDED,
        actor=acting_user,
        target=task,
        organisation=unit,
        data={"report": report.pk, "files": len(files or [])},
    )
    return report


@transaction.atomic
def send_follow_up(
    *, acting_user: User, task: Task, message: str, due_on: dt.date, units: list[Organisation] | None = None
) -> FollowUp:
    """督办: by default every unit of the task is asked to reply."""
    _require_office(acting_user)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The reply date cannot be in the past.")})
    task_units = [r.unit for r in task.responsibilities.select_related("unit")]
    chosen = units if units else task_units
    strangers = [unit.name for unit in chosen if unit not in task_units]
    if strangers:
        raise ValidationError({"units": _("Not units of this task: %s") % "、".join(strangers)})
    follow_up = FollowUp.objects.create(task=task, message=message, due_on=due_on, sent_by=acting_user)
    FollowUpRecipient.objects.bulk_create(
        FollowUpRecipient(follow_up=follow_up, unit=unit) for unit in chosen
    )
    record(
        EventType.FOLLOW_UP_SENT,
        actor=acting_user,
        target=task,
        data={"follow_up": follow_up.pk, "due_on": due_on, "units": [unit.name for unit in chosen]},
    )
    transaction.on_commit(lambda: notify_follow_up(follow_up.pk))
    return follow_up


@transaction.atomic
def reply_to_follow_up(*, acting_user: User, recipient: FollowUpRecipient, reply: str) -> FollowUpRecipient:
    recipient = FollowUpRecipient.objects.select_for_update().select_related("follow_up").get(pk=recipient.pk)
    if not acting_user.memberships.filter(organisation=recipient.unit_id).exists():
        raise PermissionDenied(_("Only the unit the follow-up was sent to may reply."))
    if recipient.follow_up.closed_at:
        raise ValidationError(_("This follow-up is closed."))
    recipient.reply, recipient.replied_at, recipient.replied_by = reply, timezone.now(), acting_user
    recipient.save(update_fields=["reply", "replied_at", "replied_by"])
    record(
        EventType.FOLLOW_UP_REPLIED,
        actor=acting_user,
        target=recipient.follow_up,
        organisation=recipient.unit,
        data={"unit": recipient.unit.name},
    )
    return recipient


@transaction.atomic
def close_follow_up(*, acting_user: User, follow_up: FollowUp) -> FollowUp:
    _require_office(acting_user)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.closed_at is None:
        follow_up.closed_at = timezone.now()
        follow_up.save(update_fields=["closed_at"])
        record(EventType.FOLLOW_UP_CLOSED, actor=acting_user, target=follow_up)
    return follow_up


@transaction.atomic
def open_assessment_period(
    *, acting_user: User, plan: Plan, name: str, starts_on: dt.date, ends_on: dt.date
) -> AssessmentPeriod:
    _require_office(acting_user)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period ends before it starts.")})
    period = AssessmentPeriod.objects.create(
        plan=plan, name=name, starts_on=starts_on, ends_on=ends_on, created_by=acting_user
    )
    record(
        EventType.ASSESSMENT_OPENED,
        actor=acting_user,
        target=period,
        data={"from": starts_on, "until": ends_on},
    )
    return period


@transaction.atomic
def adjust_score(
    *, acting_user: User, period: AssessmentPeriod, unit: Organisation, points: Decimal, reason: str
) -> ScoreAdjustment:
    _require_office(acting_user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    if not Responsibility.objects.filter(task__plan=period.plan_id, unit=unit).exists():
        raise ValidationError({"unit": _("This unit has no tasks in the plan.")})
    adjustment = ScoreAdjustment.objects.create(
        period=period, unit=unit, points=points, reason=reason.strip(), adjusted_by=acting_user
    )
    record(
        EventType.SCORE_ADJUSTED,
        actor=acting_user,
        target=period,
        organisation=unit,
        data={"unit": unit.name, "points": points, "reason": reason.strip()},
    )
    return adjustment
