from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

GROUPING_LABELS = {
    "category": _("Category"),
    "model": _("Model"),
    "manufacturer": _("Manufacturer"),
    "supplier": _("Supplier"),
}


@register.filter
def years(value):
    """Years with one decimal, French style; an em dash when unknown (median beyond follow-up)."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",")


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f} %".replace(".", ",")


@register.simple_tag
def grouping_label(key):
    return GROUPING_LABELS.get(key, key)
