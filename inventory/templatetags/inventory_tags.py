"""Sortable column headers driven by the FilterSet's ``ordering`` parameter."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _current(request):
    return request.GET.get("ordering", "")


@register.simple_tag
def sort_query(request, key):
    query = request.GET.copy()
    for name in ("page", "after", "before"):  # a cursor belongs to one order
        query.pop(name, None)
    query["ordering"] = f"-{key}" if _current(request) == key else key
    return query.urlencode()


@register.simple_tag
def sort_arrow(request, key):
    current = _current(request)
    if current == key:
        return " ▲"
    if current == f"-{key}":
        return " ▼"
    return ""


@register.simple_tag
def sort_aria(request, key):
    current = _current(request)
    if current == key:
        return mark_safe(' aria-sort="ascending"')  # noqa: S308 (a constant)
    if current == f"-{key}":
        return mark_safe(' aria-sort="descending"')  # noqa: S308 (a constant)
    return ""
