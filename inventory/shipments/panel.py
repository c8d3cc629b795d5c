"""The recycling section of the device page, registered by ``InventoryConfig.ready()``.

Shown to staff for a device that may be recycled (retired, offered) or was (recycled): its WEEE
shipment if it is in one, else a link to the shipments. One query, and none for other statuses.
"""

from config.roles import is_staff_member

from .. import lifecycle
from ..models import ShipmentItem, Status
from ..panels import register_panel
from .services import SHIPPABLE

SHOWN = SHIPPABLE | {Status.RECYCLED}


def shipment_panel_context(device, user):
    if device.status not in SHOWN or not is_staff_member(user):
        return None
    item = ShipmentItem.objects.filter(device=device).select_related("shipment").first()
    return {
        "device": device,
        "shipment": item.shipment if item else None,
        "can_ship": item is None and device.status in SHIPPABLE and lifecycle.can_transition(user),
    }


def register_shipment_panel():
    register_panel("shipments", "inventory/shipment_panel.html", shipment_panel_context, order=60)
