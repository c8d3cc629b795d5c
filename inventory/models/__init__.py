"""The register's models, one module per topic, re-exported here (``from inventory.models import Device``).

- ``register``: the catalogue, sites, departments and devices;
- ``journal``: the append-only ``Event`` (written only by ``inventory.journal``);
- ``repairs``: ``Repair``;
- ``exits``: ``Exit``, a device leaving by sale, transfer, take-back, return, theft or destruction;
- ``review``: the review's thresholds (``ReviewSettings``) and findings (``Flag``);
- ``imports``: saved import mappings and background file jobs;
- ``shipments``: WEEE ``Shipment`` (collection slip, register line), its ``ShipmentWeight`` and
  ``ShipmentItem`` rows: the only way to ``recycled``.
"""

from .exits import Exit
from .imports import FileJob, ImportProfile
from .journal import Event, EventQuerySet
from .register import (
    AcquiredAs,
    Category,
    Department,
    Device,
    DeviceModel,
    Ownership,
    Site,
    Status,
    WeeeCategory,
    normalize_asset_tag,
    validate_asset_tag,
)
from .repairs import Repair
from .review import CategoryReviewSettings, Flag, ReviewSettings
from .shipments import Shipment, ShipmentItem, ShipmentWeight

__all__ = [
    "AcquiredAs",
    "Category",
    "CategoryReviewSettings",
    "Department",
    "Device",
    "DeviceModel",
    "Event",
    "Exit",
    "EventQuerySet",
    "FileJob",
    "Flag",
    "ImportProfile",
    "Ownership",
    "Repair",
    "ReviewSettings",
    "Shipment",
    "ShipmentItem",
    "ShipmentWeight",
    "Site",
    "Status",
    "WeeeCategory",
    "normalize_asset_tag",
    "validate_asset_tag",
]
