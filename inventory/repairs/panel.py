"""The repairs section of the device page, registered by ``InventoryConfig.ready()``."""

from config.roles import is_staff_member

from ..models import Repair
from ..panels import register_panel
from .queries import device_repairs
from .services import OPENABLE_FROM


def repair_panel_context(device, user):
    """Context of the repairs section of the device page: two queries, whatever the history."""
    if not is_staff_member(user):
        return None
    repairs = device_repairs(device)
    total = Repair.objects.filter(device=device).count()
    return {
        "device": device,
        "repairs": repairs,
        "total": total,
        "open_repair": next((r for r in repairs if r.is_open), None),
        "can_open": user.has_perm("inventory.add_repair") and device.status in OPENABLE_FROM,
        "can_close": user.has_perm("inventory.change_repair"),
    }


def register_repair_panel():
    register_panel("repairs", "inventory/repair_panel.html", repair_panel_context, order=10)
