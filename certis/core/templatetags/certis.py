from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (``None`` removes one)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str) -> str:
    """A column header that sorts by ``key``, toggling the direction when it is already the sort."""
    listing = context.get("listing")
    current = listing.sort if listing else ""
    ascending = current == key
    descending = current == "-" + key
    target = "-" + key if ascending else key
    arrow = "▲" if ascending else "▼" if descending else ""
    href = query_replace(context, sort=target, page=None)
    aria = "ascending" if ascending else "descending" if descending else "none"
    return format_html('<a href="{}" aria-sort="{}">{} {}</a>', href, aria, label, arrow)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
