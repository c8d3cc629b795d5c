"""The device page's "review findings" panel: accept or dismiss each open flag there."""

from ..models import Flag
from ..panels import register_panel
from .base import label_flags

TEMPLATE = "inventory/flag_device_panel.html"


def review_panel_context(device, user):
    """Open flags of the device with their recommendation (one query); None hides the panel."""
    if not user.has_perm("inventory.change_flag"):
        return None
    flags = list(Flag.objects.filter(device=device, resolved_at__isnull=True).order_by("rule"))
    if not flags:
        return None
    return {"device": device, "flags": label_flags(flags)}


def register_review_panel():
    register_panel("review", TEMPLATE, review_panel_context, order=10)
