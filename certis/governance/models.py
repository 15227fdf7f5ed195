"""The leading group's implementation plan: its parts, measures and tasks, who answers for each, and how
the work goes (progress reports, follow-ups, assessment).

Units are ``accounts.Organisation`` rows of kind department or affiliate, so that a person's membership of a
unit is what lets them report on its tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certis.accounts.models import Organisation


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(max_length=500, db_index=True, editable=False)
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("issuer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_text = models.TextField(_("notice text"))
    source_sha256 = models.CharField(max_length=64, db_index=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Position(models.Model):
    """A seat in the leading group or its office, as the notice names it."""

    class Body(models.TextChoices):
        LEADING_GROUP = "leading_group", _("Leading group")
        OFFICE = "office", _("Office of the leading group")

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY_LEADER = "deputy_leader", _("Deputy leader")
        MEMBER = "member", _("Member")
        DIRECTOR = "director", _("Director")
        DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="positions")
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    person_name = models.CharField(_("person's name"), max_length=50)
    post = models.CharField(_("post"), max_length=100, blank=True)
    unit = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "body", "order"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person_name}"


class Part(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="part_unique_number")]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="measure_unique_number")]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class Task(models.Model):
    """One numbered task of the plan.

    ``status``, ``percent_complete`` and ``last_reported_at`` repeat the newest report of a lead or joint unit
    (on a joint task, each unit reports on the whole task) so that
    lists and dashboards need no subquery per row; only the reporting service writes them.
    A task that a revised notice drops is marked ``withdrawn_at``, never deleted, so its history stays.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="tasks")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("task"))
    collective = models.BooleanField(
        _("all relevant units"), default=False, help_text=_("The notice also names all relevant units.")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    last_reported_at = models.DateField(_("last report"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"


class ResponsibilityRole(models.TextChoices):
    """A unit's place in a task. Named for itself (not ``Role``): the API document names enums by class name."""

    LEAD = "lead", _("Lead")
    SUPPORT = "support", _("Support")
    JOINT = "joint", _("Joint")


class Responsibility(models.Model):
    Role = ResponsibilityRole
    # Who reports the task's progress (and so moves its status); the others contribute. See ``lifecycle``.
    REPORTING_ROLES = (ResponsibilityRole.LEAD, ResponsibilityRole.JOINT)

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="responsibility_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"

    @property
    def reports_progress(self) -> bool:
        """Lead units, and every unit of a joint task, report the task's progress; support units contribute."""
        return self.role in self.REPORTING_ROLES


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["task", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A lead unit's report on its task, or a supporting unit's contribution (no status of its own)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Progress report")
        CONTRIBUTION = "contribution", _("Contribution")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="progress_reports")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    text = models.TextField(_("what was done"))
    reported_on = models.DateField(_("date"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-created_at"]
        indexes = [models.Index(fields=["task", "kind", "reported_on"])]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.unit} · {self.reported_on}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"governance/evidence/{instance.report.task.plan_id}/{instance.report.task.number}/{filename}"


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class FollowUp(models.Model):
    """督办: the office chases a task's units for a reply by a date."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="follow_ups")
    message = models.TextField(_("message"))
    due_on = models.DateField(_("reply due"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.task} · {self.due_on}"


class FollowUpRecipient(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="follow_ups")
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["follow_up", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["follow_up", "unit"], name="follow_up_unique_unit")]

    def __str__(self) -> str:
        return f"{self.follow_up} → {self.unit}"


class AssessmentPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assessment_periods")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="period_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScoreAdjustment(models.Model):
    """The office's written correction of a computed score; adjustments add up and are never edited."""

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.PROTECT, related_name="adjustments")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("reason"))
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    adjusted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["adjusted_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.points:+}"
