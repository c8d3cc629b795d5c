"""Template helpers shared by every app's list pages (issue 13: rows first, filters folded)."""

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def active_filters(form):
    """One line saying which filters are on ("Statut : En service · Site : Grenoble"), or "none"."""
    parts = []
    for field in form:
        if field.name in ("ordering", "page", "page_size"):
            continue
        value = field.value()
        if value in (None, "", [], ()):
            continue
        parts.append(f"{field.label}\u00a0: {_describe(field, value)}")
    return " · ".join(parts) if parts else _("none")


def _describe(field, value):
    values = value if isinstance(value, (list, tuple)) else [value]
    choices = getattr(field.field, "choices", None)
    if isinstance(field.field, forms.ModelChoiceField) and not hasattr(field.field.widget, "choices"):
        return ", ".join(str(field.field.widget.format_value(v)) for v in values)
    if choices is not None:
        labels = {str(key): label for key, label in choices}
        return ", ".join(str(labels.get(str(v), v)) for v in values)
    return ", ".join(str(v) for v in values)
