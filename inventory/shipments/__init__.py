"""WEEE shipments (DOMAIN.md §7), a room of inventory: the only way a device reaches ``recycled``.

Public interface::

    create_shipment(actor=…, **register_fields)     # a draft collection slip
    add_devices(shipment, asset_tags)               # → (added, refusals)
    remove_device(shipment, device)
    set_weights(shipment, {weee_category: kg})
    dispatch(shipment, actor=…, confirm=True)       # every device → recycled, atomically
    recycled_tonnes(year)                           # what the REEN annual report prints

Pages (``views``), the API (``api.ShipmentViewSet``) and the register CSV (``register``) call these
services; the admin (``admin.ShipmentAdmin``) only reads.
"""

from .services import add_devices, create_shipment, dispatch, recycled_tonnes, remove_device, set_weights

__all__ = ["add_devices", "create_shipment", "dispatch", "recycled_tonnes", "remove_device", "set_weights"]
