"""Tables with paging and sorting, shared by every list page.

A page names the columns it allows sorting on; anything else in ``?sort=`` falls back to the default, so a
hand-edited address never reaches the database as an arbitrary ORDER BY.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Listing:
    page: Page[Any]
    sort: str
    total: int

    @property
    def rows(self) -> Any:
        return self.page.object_list


def paginate_sorted(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    sort_fields: dict[str, str | tuple[str, ...]],
    default_sort: str,
    per_page: int = 50,
) -> Listing:
    sort = request.GET.get("sort", default_sort)
    key = sort.removeprefix("-")
    if key not in sort_fields:
        sort, key = default_sort, default_sort.removeprefix("-")
    columns = sort_fields[key]
    columns = (columns,) if isinstance(columns, str) else columns
    prefix = "-" if sort.startswith("-") else ""
    ordered = queryset.order_by(*(prefix + column for column in columns), prefix + "pk")
    paginator = Paginator(ordered, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(page=page, sort=sort, total=paginator.count)
