"""The device page's "review findings" panel: accept or dismiss each open flag there."""

from ..models import Flag
from ..panels import register_panel
from .base import get_rule

TEMPLATE = "inventory/flag_device_panel.html"


def review_panel_context(device, user):
    """Open flags of the device with their recommendation (one query); None hides the panel."""
    if not user.has_perm("inventory.change_flag"):
        return None
    flags = list(Flag.objects.filter(device=device, resolved_at__isnull=True).order_by("rule"))
    if not flags:
        return None
    for flag in flags:
        rule = get_rule(flag.rule)
        flag.rule_label = rule.label if rule else flag.rule
        flag.recommendation = rule.recommendation if rule else ""
    return {"device": device, "flags": flags}


def register_review_panel():
    register_panel("review", TEMPLATE, review_panel_context, order=10)
