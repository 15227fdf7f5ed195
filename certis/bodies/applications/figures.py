"""The "five reductions" figures (五减: fewer steps, documents, days…) of online applications, by kind.

For a period, the applications that finished in it (approval published, or refused) give: how many there were,
the mean working days per stage and in total (supplementing, the applicant's time, shown apart and counted in
no total), the mean number of steps (stage periods: a return for supplementing adds steps) and of documents.
Withdrawn applications are counted, not timed. Sums and counts are computed in the database; only the division
into means happens here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Application, Document, StagePeriod
from .lifecycle import FINISHED_STAGES as FINISHED
from .lifecycle import TIMED_STAGES as TIMED
from .workdays import stage_limit

Stage = Application.Stage
# Short names of the timed stages, for table columns and the chart's legend.
STAGE_NAMES = {
    Stage.SUBMITTED: _("Acceptance"),
    Stage.REVIEW: _("Technical review"),
    Stage.DECISION: _("Decision"),
    Stage.ISSUING: _("Issue"),
    Stage.ISSUED: _("Publication"),
}
ALL = "all"


def _mean(total: Any, count: int) -> Decimal | None:
    if not count or total is None:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """The figures of one kind of application (or of all kinds)."""

    kind: str
    label: Any
    count: int = 0
    refused: int = 0
    withdrawn: int = 0
    stage_sums: dict[str, int] = field(default_factory=dict)
    stage_counts: dict[str, int] = field(default_factory=dict)
    timed_sum: int = 0
    supplementing_sum: int = 0
    periods: int = 0
    documents: int = 0
    versions: int = 0

    def stage_mean(self, stage: str) -> Decimal | None:
        return _mean(self.stage_sums.get(stage), self.stage_counts.get(stage, 0))

    @property
    def stages(self) -> list[tuple[str, Decimal | None]]:
        return [(stage, self.stage_mean(stage)) for stage in TIMED]

    @property
    def total(self) -> Decimal | None:
        return _mean(self.timed_sum, self.count)

    @property
    def supplementing(self) -> Decimal | None:
        return _mean(self.supplementing_sum, self.count)

    @property
    def steps(self) -> Decimal | None:
        return _mean(self.periods, self.count)

    @property
    def documents_mean(self) -> Decimal | None:
        return _mean(self.documents, self.count)

    @property
    def versions_mean(self) -> Decimal | None:
        return _mean(self.versions, self.count)


@dataclass
class Figures:
    start: dt.date
    end: dt.date
    rows: list[Row]

    @property
    def overall(self) -> Row:
        return self.rows[-1]

    def row(self, kind: str) -> Row:
        return next(row for row in self.rows if row.kind == kind)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return low, high


def closed_in(start: dt.date, end: dt.date) -> QuerySet[Application]:
    low, high = _bounds(start, end)
    return Application.objects.filter(closed_at__gte=low, closed_at__lt=high)


def five_reductions(start: dt.date, end: dt.date) -> Figures:
    """The figures of the applications that finished between ``start`` and ``end`` (both included)."""
    rows = {kind: Row(kind, label) for kind, label in Application.Kind.choices}
    overall = Row(ALL, _("All kinds"))
    closed = closed_in(start, end)
    finished = closed.filter(stage__in=FINISHED)
    for line in closed.values("kind").annotate(
        finished=Count("id", filter=Q(stage__in=FINISHED)),
        refused=Count("id", filter=Q(stage=Stage.REFUSED)),
        withdrawn=Count("id", filter=Q(stage=Stage.WITHDRAWN)),
    ):
        for row in (rows[line["kind"]], overall):
            row.count += line["finished"]
            row.refused += line["refused"]
            row.withdrawn += line["withdrawn"]
    periods = (
        StagePeriod.objects.filter(application__in=finished)
        .values("application__kind", "stage")
        .annotate(days=Sum("working_days"), applications=Count("application", distinct=True), n=Count("id"))
    )
    for line in periods:
        for row in (rows[line["application__kind"]], overall):
            stage, days = line["stage"], line["days"] or 0
            row.periods += line["n"]
            if stage == Stage.SUPPLEMENTING:
                row.supplementing_sum += days
                continue
            row.timed_sum += days
            row.stage_sums[stage] = row.stage_sums.get(stage, 0) + days
            row.stage_counts[stage] = row.stage_counts.get(stage, 0) + line["applications"]
    documents = (
        Document.objects.filter(application__in=finished)
        .values("application__kind")
        .annotate(document_count=Count("id", distinct=True), version_count=Count("versions"))
    )
    for line in documents:
        for row in (rows[line["application__kind"]], overall):
            row.documents += line["document_count"]
            row.versions += line["version_count"]
    return Figures(start, end, [*rows.values(), overall])


def limits() -> list[tuple[str, int | None]]:
    return [(stage, stage_limit(stage)) for stage in TIMED]


def total_limit() -> int:
    return sum(limit or 0 for _stage, limit in limits())


# --- the chart -----------------------------------------------------------------------------------------------

CHART_WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 960, 250, 18, 10


def chart(figures: Figures) -> dict[str, Any]:
    """Geometry of a stacked bar per kind (mean working days per stage), with the sum of the stage limits
    drawn as a line: drawn on the server as SVG, no script."""
    rows = [row for row in figures.rows if row.count]
    scale_max = float(max([total_limit(), *(float(row.total or 0) for row in rows)]) or 1)
    plot = CHART_WIDTH - LABEL_WIDTH - 50
    bars = []
    for index, row in enumerate(rows):
        y, x, segments = GAP + index * (BAR_HEIGHT + GAP), float(LABEL_WIDTH), []
        for number, (stage, mean) in enumerate(row.stages):
            width = float(mean or 0) / scale_max * plot
            if width > 0:
                segments.append(
                    {
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "stage": stage,
                        "index": number,
                        "days": mean,
                    }
                )
            x += width
        bars.append(
            {
                "label": row.label,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "segments": segments,
                "total": row.total,
                "end_x": round(x + 4, 1),
            }
        )
    limit_x = round(LABEL_WIDTH + total_limit() / scale_max * plot, 1)
    height = GAP + len(rows) * (BAR_HEIGHT + GAP) + 16
    return {
        "width": CHART_WIDTH,
        "height": height,
        "bars": bars,
        "label_x": LABEL_WIDTH - 6,
        "limit_x": limit_x,
        "limit": total_limit(),
        "axis_y": height - 4,
        "bar_height": BAR_HEIGHT,
        "legend": [(index, STAGE_NAMES[stage]) for index, stage in enumerate(TIMED)],
    }
