"""Write side of the register (besides status changes, which live in ``lifecycle``).

Each function is one domain verb, atomic, and journals what it changes.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import journal
from .models import Device, Event, Site, normalize_asset_tag

# The write verbs of the register (docs/architecture.md, "Where is each verb").
__all__ = ["add_note", "assign_device", "move_device", "move_devices", "register_device", "update_device"]

TRACKED_FIELDS = (
    "site",
    "department",
    "assignee",
    "serial_number",
    "model",
    "warranty_end",
    "purchase_date",
    "purchase_price",
    "acquired_as",
    "supplier",
    "order_reference",
    "planned_renewal_year",
    "replacement_price",
)


@transaction.atomic
def register_device(*, actor=None, **fields):
    """Create a device (status ``in_stock`` unless the import says otherwise) and journal it."""
    fields["asset_tag"] = normalize_asset_tag(fields.get("asset_tag"))
    device = Device(**fields)
    if device.model_id:
        device.manufacturer = device.model.manufacturer
    device.full_clean()
    device.save()
    journal.record(device, Event.Kind.CREATED, to_status=device.status, actor=actor, note=_("Registered"))
    return device


@transaction.atomic
def update_device(*, device, actor=None, note="", **changes):
    """Change a device's facts (not its status) and journal each changed field."""
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if "status" in changes:
        raise ValidationError({"status": _("Change the status through a transition, not an edit.")})
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    if "model" in changes:
        locked.manufacturer = locked.model.manufacturer
    locked.full_clean()
    locked.save()
    changed = {
        name: [str(before[name] or ""), str(getattr(locked, name) or "")]
        for name in changes
        if before[name] != getattr(locked, name)
    }
    if changed:
        kind = (
            Event.Kind.MOVED
            if set(changed) == {"site"}
            else (Event.Kind.ASSIGNED if set(changed) <= {"assignee", "department"} else Event.Kind.EDITED)
        )
        journal.record(locked, kind, actor=actor, note=note, data={"changes": changed})
    for name in changes:
        setattr(device, name, getattr(locked, name))
    return locked


def move_device(*, device, site, actor=None, note=""):
    """Move a device to another site (the site must exist)."""
    if not isinstance(site, Site):
        site = Site.objects.filter(pk=site).first()
        if site is None:
            raise ValidationError({"site": _("This site does not exist.")})
    return update_device(device=device, actor=actor, note=note, site=site)


@transaction.atomic
def move_devices(*, devices, site, actor=None, note=""):
    """Move several devices to one site, all or none: one ``moved`` event per device that changes."""
    if not isinstance(site, Site):
        raise ValidationError({"site": _("This site does not exist.")})
    ids = {device.pk for device in devices}
    locked = list(
        Device.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("site").order_by("pk")
    )
    moving = [device for device in locked if device.site_id != site.pk]
    now = timezone.now()
    Device.objects.filter(pk__in=[device.pk for device in moving]).update(site=site, updated_at=now)
    journal.record_many(
        journal.event(device, Event.Kind.MOVED, actor=actor, at=now, note=note,
                      data={"changes": {"site": [str(device.site or ""), str(site)]}})
        for device in moving
    )
    return len(moving)


def assign_device(*, device, assignee="", department=None, actor=None, note=""):
    """Assign a device to a person/role and optionally a department; empty assignee = returned."""
    changes = {"assignee": assignee}
    if department is not None:
        changes["department"] = department
    return update_device(device=device, actor=actor, note=note, **changes)


def add_note(*, device, text, actor=None, attachment=None):
    """Journal a free note, with an optional photo."""
    if not (text or "").strip() and not attachment:
        raise ValidationError({"note": _("Write a note or attach a photo.")})
    return journal.record(device, Event.Kind.NOTE, actor=actor, note=text.strip(), attachment=attachment or "")


def next_asset_tag(prefix=None):
    """The next free asset tag with the authority's prefix (``GAM-000124`` after ``GAM-000123``).

    Only tags of the form ``PREFIX-digits`` count; the longest ones are read first, so the
    numeric maximum is found without scanning the fleet (at most a page of tags is read).
    """
    prefix = (prefix or settings.PROLONGE["ASSET_TAG_PREFIX"]).upper()
    from django.db.models.functions import Length

    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    candidates = (Device.objects.filter(asset_tag__startswith=f"{prefix}-").annotate(length=Length("asset_tag"))
                  .order_by("-length", "-asset_tag").values_list("asset_tag", flat=True)[:100])
    numbers = [int(match.group(1)) for tag in candidates if (match := pattern.match(tag))]
    width = 6
    number = max(numbers, default=0) + 1
    while True:
        tag = f"{prefix}-{number:0{width}d}"
        if not Device.objects.filter(asset_tag=tag).exists():
            return tag
        number += 1
