"""Tables with paging and sorting, shared by every list page.

A page names the columns it allows sorting on; anything else in ``?sort=`` falls back to the default, so a
hand-edited address never reaches the database as an arbitrary ORDER BY. Large tables count with a cap
(:class:`CappedPaginator`): an exact COUNT(*) over millions of rows would cost more than the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

# Counting stops here: an exact COUNT(*) over the 60,000 labs would cost more than the page itself.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Listing:
    page: Page[Any]
    sort: str
    total: int

    @property
    def rows(self) -> Any:
        return self.page.object_list

    @property
    def count_is_exact(self) -> bool:
        return getattr(self.page.paginator, "count_is_exact", True)


def capped_count(rows: QuerySet[Any]) -> tuple[int, bool]:
    """How many rows there are, counting no further than COUNT_CAP; and whether that is the exact number."""
    counted = rows.order_by()[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted <= COUNT_CAP


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # pages of rows or of records
    """Pages counted up to COUNT_CAP rows: past it the last page is the one at the cap, and the page says
    there are more (narrowing the search is then more use than paging on)."""

    count_is_exact = True

    @cached_property
    def count(self) -> int:
        total, self.count_is_exact = capped_count(cast(QuerySet[Any], self.object_list))
        return total


def paginate_sorted(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    sort_fields: dict[str, Any],
    default_sort: str,
    per_page: int = 50,
    capped: bool = False,
) -> Listing:
    """One page of ``queryset`` in the order ``?sort=`` asks for, among ``sort_fields`` (a column or a tuple
    of columns each); ``capped`` counts no further than COUNT_CAP."""
    sort = request.GET.get("sort", default_sort)
    key = sort.removeprefix("-")
    if key not in sort_fields:
        sort, key = default_sort, default_sort.removeprefix("-")
    columns = sort_fields[key]
    columns = (columns,) if isinstance(columns, str) else columns
    prefix = "-" if sort.startswith("-") else ""
    ordered = queryset.order_by(*(prefix + column for column in columns), prefix + "pk")
    paginator = (CappedPaginator if capped else Paginator)(ordered, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(page=page, sort=sort, total=paginator.count)
