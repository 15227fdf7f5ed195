"""Turn a read notice (:mod:`certis.governance.files.notice`) into a plan, or revise a plan from a newer notice.

The reader finds the structure; this module matches unit names to organisations (in either script),
compares a notice with the plan already held, and writes in one transaction with its audit event.
Re-reading the same notice changes nothing; a revised notice is applied only when the caller confirms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from certis.accounts.models import Actor, Organisation
from certis.accounts.services import create_organisation
from certis.audit.models import EventType
from certis.audit.services import record
from certis.core.text import normalize

from ..files.notice import Notice
from ..files.notice import Task as NoticeTask
from ..models import Measure, Part, Plan, Position, Responsibility, Task

UNIT_KINDS = (Organisation.Kind.DEPARTMENT, Organisation.Kind.AFFILIATE)
_DEPARTMENT_ENDINGS = ("部", "室", "办", "委", "辦")


def source_digest(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").strip().encode()).hexdigest()


def find_plan_for(notice: Notice, source_text: str) -> tuple[Plan | None, bool]:
    """The plan this notice is, or revises; the flag says whether it is the very same notice."""
    same = Plan.objects.filter(source_sha256=source_digest(source_text)).first()
    if same:
        return same, True
    return Plan.objects.filter(title_key=normalize(notice.title)).order_by("-created_at").first(), False


def unit_kind(name: str) -> str:
    return Organisation.Kind.DEPARTMENT if name.endswith(_DEPARTMENT_ENDINGS) else Organisation.Kind.AFFILIATE


def existing_units(names: list[str]) -> dict[str, Organisation]:
    keys = {normalize(name) for name in names}
    return {
        unit.name_key: unit for unit in Organisation.objects.filter(kind__in=UNIT_KINDS, name_key__in=keys)
    }


def resolve_units(
    *, acting_user: Actor, names: tuple[str, ...], parent: Organisation | None
) -> dict[str, Organisation]:
    """Every unit name of the notice mapped (by its normalised key) to an organisation, creating new ones."""
    units = existing_units(list(names))
    for name in names:
        if normalize(name) not in units:
            units[normalize(name)] = create_organisation(
                acting_user=acting_user, name=name, kind=unit_kind(name), parent=parent
            )
    return units


# Snapshots: comparable descriptions of a task, from the notice and from the database.


def notice_task_snapshot(task: NoticeTask) -> dict[str, Any]:
    return {
        "part": task.part,
        "measure": task.measure,
        "text": task.text,
        "lead": [normalize(name) for name in task.lead],
        "support": [normalize(name) for name in task.support],
        "joint": [normalize(name) for name in task.joint],
        "collective": task.collective,
    }


def db_task_snapshot(task: Task) -> dict[str, Any]:
    by_role: dict[str, list[str]] = {role: [] for role in Responsibility.Role.values}
    for responsibility in task.responsibilities.all():
        by_role[responsibility.role].append(responsibility.unit.name_key)
    return {
        "part": task.part.number,
        "measure": task.measure.number if task.measure else 0,
        "text": task.text,
        **by_role,
        "collective": task.collective,
    }


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    def key(snapshot: dict[str, Any]) -> dict[str, Any]:
        return {**snapshot, "text": normalize(snapshot["text"])}

    return key(before) == key(after)


@dataclass
class TaskChange:
    number: int
    kind: str  # "added", "removed" or "changed"
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass
class PlanDiff:
    tasks: list[TaskChange] = field(default_factory=list)
    outline_changed: bool = False
    positions_changed: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.tasks or self.outline_changed or self.positions_changed)

    def as_json(self) -> dict[str, Any]:
        return {
            "outline_changed": self.outline_changed,
            "positions_changed": self.positions_changed,
            "tasks": [change.__dict__ for change in self.tasks],
        }


def _outline(parts: list[tuple[int, str]], measures: list[tuple[int, int, str]]) -> tuple[Any, ...]:
    return (
        [(number, normalize(title)) for number, title in parts],
        [(number, part, normalize(title)) for number, part, title in measures],
    )


def _positions_of_notice(notice: Notice) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    if notice.leading_group:
        group = notice.leading_group
        rows += [(Position.Body.LEADING_GROUP, Position.Role.LEADER, name, "") for name in group.leader]
        rows += [
            (Position.Body.LEADING_GROUP, Position.Role.DEPUTY_LEADER, name, "")
            for name in group.deputy_leaders
        ]
        rows += [(Position.Body.LEADING_GROUP, Position.Role.MEMBER, m.name, m.post) for m in group.members]
    if notice.office:
        rows += [(Position.Body.OFFICE, Position.Role.DIRECTOR, name, "") for name in notice.office.director]
        rows += [
            (Position.Body.OFFICE, Position.Role.DEPUTY_DIRECTOR, name, "")
            for name in notice.office.deputy_directors
        ]
    return rows


def diff_plan(plan: Plan, notice: Notice) -> PlanDiff:
    diff = PlanDiff()
    held = _outline(
        list(plan.parts.values_list("number", "title")),
        list(plan.measures.values_list("number", "part__number", "title")),
    )
    read = _outline(
        [(p.number, p.title) for p in notice.parts], [(m.number, m.part, m.title) for m in notice.measures]
    )
    diff.outline_changed = held != read
    held_positions = [
        (p.body, p.role, normalize(p.person_name), normalize(p.post)) for p in plan.positions.order_by("pk")
    ]
    read_positions = [(b, r, normalize(n), normalize(p)) for b, r, n, p in _positions_of_notice(notice)]
    diff.positions_changed = held_positions != read_positions
    current = {
        task.number: db_task_snapshot(task)
        for task in plan.tasks.filter(withdrawn_at__isnull=True)
        .select_related("part", "measure")
        .prefetch_related("responsibilities__unit")
    }
    incoming = {task.number: notice_task_snapshot(task) for task in notice.tasks}
    for number in sorted(current.keys() | incoming.keys()):
        before, after = current.get(number), incoming.get(number)
        if before is None:
            diff.tasks.append(TaskChange(number, "added", after=after))
        elif after is None:
            diff.tasks.append(TaskChange(number, "removed", before=before))
        elif not _same(before, after):
            diff.tasks.append(TaskChange(number, "changed", before=before, after=after))
    return diff


# Writing.


def _write_outline(plan: Plan, notice: Notice) -> tuple[dict[int, Part], dict[int, Measure]]:
    parts = {}
    for read_part in notice.parts:
        parts[read_part.number], _ = Part.objects.update_or_create(
            plan=plan, number=read_part.number, defaults={"title": read_part.title}
        )
    measures = {}
    for read_measure in notice.measures:
        measures[read_measure.number], _ = Measure.objects.update_or_create(
            plan=plan,
            number=read_measure.number,
            defaults={"title": read_measure.title, "part": parts[read_measure.part]},
        )
    return parts, measures


def _write_positions(plan: Plan, notice: Notice, units: dict[str, Organisation]) -> None:
    plan.positions.all().delete()
    members = {m.name: m for m in notice.leading_group.members} if notice.leading_group else {}
    Position.objects.bulk_create(
        Position(
            plan=plan,
            body=body,
            role=role,
            person_name=name,
            post=post,
            unit=units.get(normalize(members[name].unit)) if name in members and members[name].unit else None,
            order=order,
        )
        for order, (body, role, name, post) in enumerate(_positions_of_notice(notice))
    )


def _write_responsibilities(task: Task, read: NoticeTask, units: dict[str, Organisation]) -> None:
    task.responsibilities.all().delete()
    roles = [
        *((name, Responsibility.Role.LEAD) for name in read.lead),
        *((name, Responsibility.Role.SUPPORT) for name in read.support),
        *((name, Responsibility.Role.JOINT) for name in read.joint),
    ]
    seen: set[int] = set()
    rows = []
    for order, (name, role) in enumerate(roles):
        unit = units[normalize(name)]
        if unit.pk not in seen:
            seen.add(unit.pk)
            rows.append(Responsibility(task=task, unit=unit, role=role, order=order))
    Responsibility.objects.bulk_create(rows)


def _write_task(plan: Plan, read: NoticeTask, parts: dict[int, Part], measures: dict[int, Measure]) -> Task:
    task, _ = Task.objects.update_or_create(
        plan=plan,
        number=read.number,
        defaults={
            "part": parts[read.part],
            "measure": measures.get(read.measure),
            "text": read.text,
            "collective": read.collective,
            "withdrawn_at": None,
        },
    )
    return task


@transaction.atomic
def import_plan(
    *,
    acting_user: Actor,
    notice: Notice,
    source_text: str,
    source_name: str = "",
    issuer: Organisation | None = None,
) -> Plan:
    """A new plan from a notice: its units, leading group, office, parts, measures and tasks."""
    plan = Plan.objects.create(
        title=notice.title,
        title_key=normalize(notice.title),
        issuer=issuer,
        source_name=source_name,
        source_text=source_text,
        source_sha256=source_digest(source_text),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    units = resolve_units(acting_user=acting_user, names=notice.units(), parent=issuer)
    parts, measures = _write_outline(plan, notice)
    _write_positions(plan, notice, units)
    for read in notice.tasks:
        _write_responsibilities(_write_task(plan, read, parts, measures), read, units)
    record(
        EventType.PLAN_IMPORTED,
        actor=acting_user,
        target=plan,
        data={
            "source": source_name,
            "parts": len(notice.parts),
            "measures": len(notice.measures),
            "tasks": len(notice.tasks),
            "units": len(units),
        },
    )
    return plan


@transaction.atomic
def revise_plan(
    *, acting_user: Actor, plan: Plan, notice: Notice, source_text: str, source_name: str = ""
) -> PlanDiff:
    """Apply a revised notice to its plan. Dropped tasks are withdrawn, not deleted; reports stay."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    diff = diff_plan(plan, notice)
    units = resolve_units(acting_user=acting_user, names=notice.units(), parent=plan.issuer)
    parts, measures = _write_outline(plan, notice)
    _write_positions(plan, notice, units)
    by_number = {read.number: read for read in notice.tasks}
    for change in diff.tasks:
        if change.kind == "removed":
            plan.tasks.filter(number=change.number).update(withdrawn_at=timezone.now())
        else:
            read = by_number[change.number]
            _write_responsibilities(_write_task(plan, read, parts, measures), read, units)
    plan.parts.exclude(number__in=parts).filter(tasks__isnull=True).delete()
    plan.title, plan.title_key = notice.title, normalize(notice.title)
    plan.source_text, plan.source_sha256 = source_text, source_digest(source_text)
    plan.source_name = source_name or plan.source_name
    plan.revised_at = timezone.now()
    plan.save()
    record(EventType.PLAN_REVISED, actor=acting_user, target=plan, data=diff.as_json())
    return diff
