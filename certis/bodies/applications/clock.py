"""The clock of an application, as the applicant and the official see it: working days used in the current
stage, its limit, what is left, whether it is overdue, and the time of every stage.

The time of a stage is the sum of its periods (a return for supplementing splits a stage in two); the open
period counts up to ``today``. Supplementing counts against no limit: while the application is with the
applicant, the clock of the stage it came from is paused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..models import Application
from .lifecycle import OPEN_STAGES
from .workdays import Calendar, stage_limit

Stage = Application.Stage


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


@dataclass(frozen=True)
class StageTime:
    stage: str
    label: str
    days: int
    limit: int | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.days > self.limit


@dataclass(frozen=True)
class Clock:
    """An application's time as the applicant and the official see it.

    ``stage`` is the stage whose clock it is: while supplementing, the stage the application was returned
    from, with ``paused`` set. A paused clock is never overdue: the time is the applicant's.
    """

    stage: str | None
    limit: int | None
    used: int
    paused: bool
    due_on: dt.date | None
    stages: list[StageTime]
    total: int
    supplementing: int

    @property
    def left(self) -> int | None:
        return None if self.limit is None else self.limit - self.used

    @property
    def over_by(self) -> int:
        return max(0, -(self.left or 0))

    @property
    def overdue(self) -> bool:
        return not self.paused and self.limit is not None and self.used > self.limit

    @property
    def running(self) -> bool:
        return self.stage is not None and not self.paused


def clock(application: Application, today: dt.date | None = None, calendar: Calendar | None = None) -> Clock:
    """Working days per stage (an open period counts up to ``today``), the current stage's limit, what is left
    and whether it is overdue. Uses prefetched ``periods`` when the caller prefetched them."""
    today = today or timezone.localdate()
    calendar = calendar or Calendar()
    days = dict.fromkeys(OPEN_STAGES, 0)
    open_period = None
    for period in application.periods.all():
        if period.ended_at is None:
            open_period = period
            days[Stage(period.stage)] += max(0, calendar.between(_day(period.started_at), today))
        else:
            days[Stage(period.stage)] += period.working_days or 0
    stages = [StageTime(stage, str(stage.label), days[stage], stage_limit(stage)) for stage in OPEN_STAGES]
    total = sum(value for stage, value in days.items() if stage != Stage.SUPPLEMENTING)
    if open_period is None:
        return Clock(None, None, 0, False, None, stages, total, days[Stage.SUPPLEMENTING])
    paused = open_period.stage == Stage.SUPPLEMENTING
    stage = (
        Stage(application.returned_from) if paused and application.returned_from else Stage(open_period.stage)
    )
    limit = stage_limit(stage)
    used = days[stage]
    due_on = None
    if not paused and limit is not None:
        before = used - max(0, calendar.between(_day(open_period.started_at), today))
        due_on = calendar.add(_day(open_period.started_at), max(0, limit - before))
    return Clock(stage, limit, used, paused, due_on, stages, total, days[Stage.SUPPLEMENTING])
