"""Score sheets: each unit's score for a period, computed from its tasks by the rule below.

The rule is shown on the score page, so it is written once here, in words and in code.

- Progress, 60 points: the mean completion of the unit's tasks; tasks it leads (or shares jointly)
  weigh 1, tasks it supports weigh 0.5.
- Timeliness, 25 points: the share of its lead and joint tasks that are not overdue at the period's end
  (a task is overdue when its deadline or a milestone has passed and it is not done).
- Reporting, 15 points: the share of its tasks with a report (lead/joint) or contribution (support)
  dated within the period.
- The office's adjustments are added with their reasons; the total stays between 0 and 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from certis.accounts.models import Organisation

from .models import AssessmentPeriod, ProgressReport, Responsibility, ScoreAdjustment
from .selectors import annotate_flags

WEIGHTS = {"progress": Decimal(60), "timeliness": Decimal(25), "reporting": Decimal(15)}
ROLE_WEIGHT: dict[str, Decimal] = {
    Responsibility.Role.LEAD: Decimal(1),
    Responsibility.Role.JOINT: Decimal(1),
    Responsibility.Role.SUPPORT: Decimal("0.5"),
}
RULE = [
    _(
        "Progress, 60 points: mean completion of the unit's tasks (lead and joint tasks weigh 1, supported tasks 0.5)."
    ),
    _(
        "Timeliness, 25 points: share of its lead and joint tasks not overdue at the end of the period "
        "(full marks for a unit that leads none)."
    ),
    _("Reporting, 15 points: share of its tasks with a report or contribution dated within the period."),
    _("Adjustments by the office are added with their written reasons; the total stays between 0 and 100."),
]
ONE_PLACE = Decimal("0.1")


@dataclass
class ScoreLine:
    unit: Organisation
    tasks: int = 0
    progress: Decimal = Decimal(0)
    timeliness: Decimal = Decimal(0)
    reporting: Decimal = Decimal(0)
    adjustment: Decimal = Decimal(0)
    adjustments: list[ScoreAdjustment] = field(default_factory=list)

    @property
    def computed(self) -> Decimal:
        return (self.progress + self.timeliness + self.reporting).quantize(ONE_PLACE, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return max(Decimal(0), min(Decimal(100), self.computed + self.adjustment)).quantize(ONE_PLACE)


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else Decimal(0)


def score_sheet(period: AssessmentPeriod) -> list[ScoreLine]:
    tasks = {
        task.pk: task
        for task in annotate_flags(period.plan.tasks.filter(withdrawn_at__isnull=True), today=period.ends_on)
    }
    reported = set(
        ProgressReport.objects.filter(
            task__plan=period.plan, reported_on__range=(period.starts_on, period.ends_on)
        ).values_list("task_id", "unit_id")
    )
    lines: dict[int, ScoreLine] = {}
    sums: dict[int, dict[str, Decimal]] = {}
    for responsibility in Responsibility.objects.filter(task_id__in=tasks).select_related("unit"):
        task = tasks[responsibility.task_id]
        line = lines.setdefault(responsibility.unit_id, ScoreLine(unit=responsibility.unit))
        acc = sums.setdefault(responsibility.unit_id, {k: Decimal(0) for k in ("w", "p", "n", "t", "r")})
        weight = ROLE_WEIGHT[responsibility.role]
        line.tasks += 1
        acc["w"] += weight
        acc["p"] += weight * task.percent_complete / 100
        acc["r"] += (responsibility.task_id, responsibility.unit_id) in reported
        if responsibility.reports_progress:
            acc["n"] += 1
            acc["t"] += not task.is_overdue  # type: ignore[attr-defined]
    for unit_id, line in lines.items():
        acc = sums[unit_id]
        line.progress = (WEIGHTS["progress"] * _ratio(acc["p"], acc["w"])).quantize(ONE_PLACE, ROUND_HALF_UP)
        timely = _ratio(acc["t"], acc["n"]) if acc["n"] else Decimal(1)
        line.timeliness = (WEIGHTS["timeliness"] * timely).quantize(ONE_PLACE, ROUND_HALF_UP)
        line.reporting = (WEIGHTS["reporting"] * _ratio(acc["r"], Decimal(line.tasks))).quantize(
            ONE_PLACE, ROUND_HALF_UP
        )
    for adjustment in period.adjustments.select_related("adjusted_by"):
        if adjustment.unit_id in lines:
            lines[adjustment.unit_id].adjustments.append(adjustment)
            lines[adjustment.unit_id].adjustment += adjustment.points
    return sorted(lines.values(), key=lambda line: (-line.total, line.unit.name))


def total_adjustment(period: AssessmentPeriod, unit: Organisation) -> Decimal:
    return period.adjustments.filter(unit=unit).aggregate(total=Sum("points"))["total"] or Decimal(0)
