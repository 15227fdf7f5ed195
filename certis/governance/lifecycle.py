"""The life of a task of the plan: its statuses, what moves it, who may, and the rules between them. The
reporting service, the progress table's import, the dashboards and the score sheet read it here.

- A task starts ``not_started``. Its status and percentage move only by a progress report of a unit that
  reports on it (a lead unit, or any unit of a joint task; supporting units add contributions, which move
  nothing), or of office staff filing on such a unit's behalf (``access.reporting_units``).
- Any status may follow any other (work resumes after ``blocked``, a ``done`` task may be reopened), but the
  status and the percentage agree: ``done`` is 100 percent, ``not_started`` 0.
- The task shows its newest report: a report dated before the one shown is kept but moves nothing.
- A task that a revised notice withdrew takes no more reports or contributions.
- A ``done`` task is never overdue or stalled.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Responsibility, Task, TaskStatus

Status = TaskStatus
INITIAL = TaskStatus.NOT_STARTED
FINISHED = TaskStatus.DONE
REPORTING_ROLES = Responsibility.REPORTING_ROLES


def percent_mismatch(status: str, percent: int) -> str:
    """Why a status and a percentage contradict each other, or "" when they agree."""
    if status == TaskStatus.DONE and percent != 100:
        return _("A task that is done is 100 percent complete.")
    if status == TaskStatus.NOT_STARTED and percent != 0:
        return _("A task not started is 0 percent complete.")
    return ""


def check_takes_reports(task: Task) -> None:
    """Refuse a report or contribution on a task a revised notice withdrew."""
    if task.withdrawn_at is not None:
        raise ValidationError(_("This task was withdrawn by a revised notice; it takes no more reports."))


def report_moves_task(task: Task, reported_on: dt.date) -> bool:
    """Whether a report of that day becomes the task's shown status (it is not older than the one shown)."""
    return task.last_reported_at is None or reported_on >= task.last_reported_at


def unfinished() -> Q:
    """The tasks that may still be overdue or stalled."""
    return ~Q(status=FINISHED)
