"""The register's models, one module per topic, re-exported here (``from inventory.models import Device``).

- ``register``: the catalogue, sites, departments and devices;
- ``journal``: the append-only ``Event`` (written only by ``inventory.journal``);
- ``repairs``: ``Repair``;
- ``review``: the review's thresholds (``ReviewSettings``) and findings (``Flag``).
"""

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
from .review import Flag, ReviewSettings

__all__ = [
    "AcquiredAs",
    "Category",
    "Department",
    "Device",
    "DeviceModel",
    "Event",
    "EventQuerySet",
    "Flag",
    "Ownership",
    "Repair",
    "ReviewSettings",
    "Site",
    "Status",
    "WeeeCategory",
    "normalize_asset_tag",
    "validate_asset_tag",
]
