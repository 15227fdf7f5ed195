"""Working days: Monday to Friday, except where the Holiday table says otherwise (public holidays are off,
weekend days worked in exchange, 调休, are on).

Counting follows the way time limits are read: ``working_days_between(start, end)`` is the number of working
days *after* ``start`` up to and including ``end``, so a stage that starts on a Monday has used one working day
by Tuesday, and the day an application arrives does not count against its limit. Counts add up:
``between(a, b) + between(b, c) == between(a, c)``.

A :class:`Calendar` loads the Holiday rows of a year once; pages that count many clocks share one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from ..models import Holiday

ONE_DAY = dt.timedelta(days=1)


class Calendar:
    """The working-day overrides of the Holiday table, read a year at a time and kept for the calendar's life."""

    def __init__(self) -> None:
        self._years: dict[int, dict[dt.date, bool]] = {}

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._years:
            rows = Holiday.objects.filter(date__year=year).values_list("date", "is_working_day")
            self._years[year] = dict(rows)
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        override = self._year(day.year).get(day)
        return override if override is not None else day.weekday() < 5

    def between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.between(end, start)
        count = _weekdays_after(start, end)
        for year in range(start.year, end.year + 1):
            for day, working in self._year(year).items():
                if start < day <= end and working != (day.weekday() < 5):
                    count += 1 if working else -1
        return count

    def add(self, day: dt.date, days: int) -> dt.date:
        if days < 0:
            raise ValueError("Count working days forward only.")
        while days:
            day += ONE_DAY
            if self.is_working_day(day):
                days -= 1
        return day


def _weekdays_after(start: dt.date, end: dt.date) -> int:
    """Mondays to Fridays in (start, end], by arithmetic rather than a walk through every day."""
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    day = start + dt.timedelta(days=weeks * 7)
    for _ in range(rest):
        day += ONE_DAY
        count += day.weekday() < 5
    return count


def is_working_day(day: dt.date, calendar: Calendar | None = None) -> bool:
    return (calendar or Calendar()).is_working_day(day)


def working_days_between(start: dt.date, end: dt.date, calendar: Calendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` comes first)."""
    return (calendar or Calendar()).between(start, end)


def add_working_days(day: dt.date, days: int, calendar: Calendar | None = None) -> dt.date:
    """The first day by which ``days`` working days have passed since ``day`` (``day`` itself when 0)."""
    return (calendar or Calendar()).add(day, days)


def stage_limit(stage: str) -> int | None:
    """The stage's time limit in working days, or None for a stage that has none (supplementing, closed)."""
    limits: dict[str, int] = settings.BODIES_STAGE_LIMITS
    return limits.get(str(stage))
