"""Read side of repairs: the list, a device's repairs, its open repair."""

from ..models import Repair

__all__ = ["device_repairs", "open_repair_of", "repair_list"]


def repair_list():
    """Repairs with their device, model and site: one query per page of the list."""
    return Repair.objects.select_related(
        "device", "device__model", "device__model__category", "device__site", "opened_by", "closed_by"
    )


def open_repair_of(device):
    """The device's open repair, or None (at most one: a database constraint)."""
    return Repair.objects.filter(device=device, closed_at__isnull=True).first()


def device_repairs(device, limit=20):
    """The device's latest repairs, newest first (a bounded list for the device page)."""
    return list(Repair.objects.filter(device=device).select_related("opened_by", "closed_by")
                .order_by("-opened_at", "-id")[:limit])
