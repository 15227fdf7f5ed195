"""Queries of the public registers, shared by the register pages and the register API.

List pages fetch their rows in a fixed number of queries, whatever the number of rows: the count, the page's
bodies, then their current scope and the reasons of their status in one query each, read as plain values
(people: their qualifications and current employment). The identity-number columns of a person are never
read for the public.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from ..models import Accreditation, Body, Employment, Person, Qualification, Scheme, ScopeEntry, StatusChange
from .lifecycle import LISTED_STATUSES

IDENTITY_COLUMNS = ("id_number_digest", "id_number_sealed", "id_number_masked")


def _is_plain(value: str) -> bool:
    """Whether a number taken from an address can be looked up: PostgreSQL refuses NUL characters."""
    return bool(value) and "\x00" not in value and len(value) <= 64


def listed_bodies() -> QuerySet[Body]:
    """Bodies and labs in the public register: given a number and past applying (see ``Body.is_listed``)."""
    return Body.objects.filter(number__isnull=False, status__in=LISTED_STATUSES)


def current_scope() -> QuerySet[ScopeEntry]:
    return ScopeEntry.objects.filter(removed_on__isnull=True).order_by("scheme", "category", "pk")


def history() -> QuerySet[StatusChange]:
    return StatusChange.objects.order_by("effective_on", "pk")


def describe_rows(bodies: list[Body]) -> list[Body]:
    """Give each body of a page of the register what its row shows, in two queries for the whole page:
    ``schemes`` (codes) and ``scheme_labels`` of its current scope, its first ``test_items`` (with
    ``more_items`` when there are more), and ``status_reason``, the reason of the last change when the body
    is not approved (why it is suspended, withdrawn or cancelled)."""
    labels = dict(Scheme.choices)
    by_body: dict[int, list[tuple[str, str]]] = {body.pk: [] for body in bodies}
    lines = current_scope().filter(body_id__in=by_body).order_by("body_id", "scheme", "category", "pk")
    for body_id, scheme, category in lines.values_list("body_id", "scheme", "category"):
        by_body[body_id].append((scheme, category))
    reasons = dict.fromkeys((body.pk for body in bodies if body.status != Body.Status.APPROVED), "")
    if reasons:
        changes = history().filter(body_id__in=reasons).values_list("body_id", "reason")
        reasons.update(changes)  # oldest first: the last one stays
    for body in bodies:
        scope = by_body[body.pk]
        body.schemes = sorted({scheme for scheme, _category in scope if scheme})  # type: ignore[attr-defined]
        body.scheme_labels = [labels.get(s, s) for s in body.schemes]  # type: ignore[attr-defined]
        body.test_items = [category for _scheme, category in scope[:3]]  # type: ignore[attr-defined]
        body.more_items = len(scope) > 3  # type: ignore[attr-defined]
        body.status_reason = reasons.get(body.pk, "")  # type: ignore[attr-defined]
    return bodies


def get_listed_body(number: str) -> Body:
    """A listed body or lab by its number, with its head office; 404 when not (or not yet) listed."""
    if not _is_plain(number):
        raise Http404
    body = listed_bodies().select_related("parent").filter(number=number).first()
    if body is None:
        raise Http404
    return body


def body_page(body: Body) -> dict[str, object]:
    """Everything the register shows about one body, each part in one query."""
    parent = body.parent if body.parent is not None and body.parent.is_listed else None
    return {
        "body": body,
        "head_office": parent,
        "scope": list(current_scope().filter(body=body)),
        "removed_scope": list(body.scope.filter(removed_on__isnull=False).order_by("-removed_on", "pk")),
        "accreditations": list(Accreditation.objects.filter(body=body).order_by("-valid_until", "pk")),
        "history": list(history().filter(body=body)),
        "branches": list(listed_bodies().filter(parent=body).order_by("number")),
    }


def registered_people(*, with_identity: bool = False) -> QuerySet[Person]:
    people = Person.objects.all()
    return people if with_identity else people.defer(*IDENTITY_COLUMNS)


def current_employments() -> QuerySet[Employment]:
    return Employment.objects.filter(ended_on__isnull=True).select_related("body")


def with_person_rows(people: QuerySet[Person]) -> QuerySet[Person]:
    """People with ``all_qualifications`` (latest first) and ``current_employments`` (none or one)."""
    return people.prefetch_related(
        Prefetch(
            "qualifications",
            queryset=Qualification.objects.order_by("-valid_until", "pk"),
            to_attr="all_qualifications",
        ),
        Prefetch("employments", queryset=current_employments(), to_attr="current_employments"),
    )


def get_person(registration_number: str, *, with_identity: bool = False) -> Person:
    if not _is_plain(registration_number):
        raise Http404
    person = (
        with_person_rows(registered_people(with_identity=with_identity))
        .filter(registration_number=registration_number)
        .first()
    )
    if person is None:
        raise Http404
    return person


def employment_history(person: Person) -> list[Employment]:
    return list(person.employments.select_related("body").order_by("-started_on", "-pk"))
