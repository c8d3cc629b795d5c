"""Hand-built fleets with known histories for the reports tests.

Histories are written as journal lines at chosen dates (``journal.record``) and the device's
current status set to match, as an import with historical status dates would do.
"""

import datetime as dt

from django.utils import timezone

from inventory import journal
from inventory.models import Device, Event
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def history(device, *steps):
    """Journal ``steps`` — ``(date, to_status)`` pairs, oldest first — and set the final status."""
    status = device.status
    for day, to_status in steps:
        journal.record(device, Event.Kind.STATUS, from_status=status, to_status=to_status, at=at(day))
        status = to_status
    if steps:
        Device.objects.filter(pk=device.pk).update(status=status, status_changed_at=at(steps[-1][0]))
        device.refresh_from_db()
    return device


def device(start, *steps, model=None, **fields):
    """A device put in service on ``start`` with the later ``steps`` of its history."""
    fields.setdefault("purchase_date", start)
    made = DeviceFactory(model=model or DeviceModelFactory(), use_date=start, status="in_service", **fields)
    # Registered with its historical date, as an import must do (DOMAIN.md §2).
    journal.record(made, Event.Kind.CREATED, to_status="in_service", at=at(start))
    return history(made, *steps)


def laptop_model(**fields):
    return DeviceModelFactory(category=CategoryFactory(slug="laptop"), **fields)
