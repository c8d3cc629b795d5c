"""The verbs of WEEE shipments: a draft collects devices and weights, dispatch recycles them.

``dispatch`` is the one path to ``recycled`` (``lifecycle.Workflow.SHIPMENT``): every device of
the shipment goes through ``lifecycle.transition`` (table, ownership, erasure and claim guards)
in one transaction, so a single refusal leaves the shipment, its devices and the journal as they
were.
"""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import lifecycle
from ..journal import acting_user
from ..models import (
    Device,
    Event,
    Ownership,
    Shipment,
    ShipmentItem,
    ShipmentWeight,
    Status,
    WeeeCategory,
    normalize_asset_tag,
)

__all__ = [
    "REGISTER_FIELDS", "add_devices", "create_shipment", "dispatch", "record_certificate", "recycled_tonnes",
    "remove_device", "set_weights", "update_shipment",
]

# The facts of a register line that staff type (DOMAIN.md §7), in the order forms show them.
REGISTER_FIELDS = (
    "shipped_on", "slip_number", "waste_name", "waste_code", "channel", "channel_siren", "operator", "operator_siret",
    "operator_registration", "transporter", "transporter_siren", "destination", "treatment_code", "note",
)
REQUIRED_FIELDS = ("shipped_on", "waste_name", "waste_code", "operator", "operator_siret", "treatment_code")
SIRET = re.compile(r"^[0-9]{14}$")
SIREN = re.compile(r"^[0-9]{9}$")
# Statuses from which a device may join a shipment (those the table lets go to ``recycled``).
SHIPPABLE = frozenset(status for status, targets in lifecycle.TRANSITIONS.items() if Status.RECYCLED in targets)


def _clean(fields):
    values = {name: value for name, value in fields.items() if name in REGISTER_FIELDS}
    for name, value in list(values.items()):
        if isinstance(value, str):
            values[name] = value.strip()
    errors = {}
    for name in ("operator_siret", "channel_siren", "transporter_siren"):
        if values.get(name):
            values[name] = values[name].replace(" ", "")
    if "operator_siret" in values and not SIRET.match(values["operator_siret"]):
        errors["operator_siret"] = _("A SIRET has 14 digits.")
    for name in ("channel_siren", "transporter_siren"):
        if values.get(name) and not SIREN.match(values[name]):
            errors[name] = _("A SIREN has 9 digits.")
    for name in REQUIRED_FIELDS:
        if name in values and values[name] in (None, ""):
            errors[name] = _("Required in the waste register.")
    if errors:
        raise ValidationError(errors)
    return values


def _refuse_unless_draft(shipment):
    if shipment.state != Shipment.State.DRAFT:
        raise ValidationError(_("This shipment was dispatched: it can no longer change."), code="dispatched")


def _locked(shipment):
    fresh = Shipment.objects.select_for_update().get(pk=shipment.pk)
    _refuse_unless_draft(fresh)
    return fresh


@transaction.atomic
def create_shipment(*, actor=None, **fields):
    """A draft shipment with its register fields (operator, SIRET and treatment code required)."""
    values = _clean(fields)
    missing = {name: _("Required in the waste register.") for name in ("operator", "operator_siret", "treatment_code")
               if not values.get(name)}
    if missing:
        raise ValidationError(missing)
    return Shipment.objects.create(created_by=acting_user(actor), **values)


@transaction.atomic
def update_shipment(shipment, **fields):
    """Correct the register fields of a draft."""
    locked = _locked(shipment)
    for name, value in _clean(fields).items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def add_devices(shipment, asset_tags):
    """Add devices by asset tag; returns ``(added, refusals)`` with one French message per refusal.

    A device joins only from a status that may go to ``recycled`` (retired or offered), only when
    the authority owns it (a leased or rented one goes back to its lessor), and only one shipment;
    its erasure is checked at dispatch (it may be erased meanwhile).
    """
    _locked(shipment)
    added, refusals = [], []
    tags = [normalize_asset_tag(tag) for tag in asset_tags if tag and tag.strip()]
    devices = {device.asset_tag: device for device in Device.objects.filter(asset_tag__in=tags)}
    taken = dict(
        ShipmentItem.objects.filter(device__asset_tag__in=tags).values_list("device__asset_tag", "shipment_id")
    )
    for tag in dict.fromkeys(tags):
        device = devices.get(tag)
        if device is None:
            refusals.append(_("%(tag)s: no such device.") % {"tag": tag})
        elif tag in taken:
            refusals.append(_("%(tag)s is already in shipment #%(id)s.") % {"tag": tag, "id": taken[tag]})
        elif device.status not in SHIPPABLE:
            refusals.append(_("%(tag)s is “%(status)s”: only a retired or offered device is sent to recycling.")
                            % {"tag": tag, "status": lifecycle.status_label(device.status)})
        elif device.ownership != Ownership.OWNED:
            refusals.append(_("%(tag)s belongs to its lessor (%(lessor)s): return it, do not recycle it.")
                            % {"tag": tag, "lessor": device.lessor or "—"})
        else:
            ShipmentItem.objects.create(shipment=shipment, device=device)
            added.append(device)
    return added, refusals


@transaction.atomic
def remove_device(shipment, device):
    """Take a device out of a draft shipment."""
    _locked(shipment)
    deleted, _rows = ShipmentItem.objects.filter(shipment=shipment, device=device).delete()
    return bool(deleted)


@transaction.atomic
def set_weights(shipment, weights):
    """Record the weighed kilograms per WEEE category (``{category: kg}``; 0 or None removes one)."""
    _locked(shipment)
    errors = {}
    for category, kg in weights.items():
        if category not in WeeeCategory.values:
            errors[str(category)] = _("Not a WEEE category.")
        elif kg is not None and Decimal(kg) < 0:
            errors[str(category)] = _("A weight cannot be negative.")
    if errors:
        raise ValidationError(errors)
    for category, kg in weights.items():
        if kg in (None, "") or Decimal(kg) == 0:
            ShipmentWeight.objects.filter(shipment=shipment, weee_category=category).delete()
        else:
            ShipmentWeight.objects.update_or_create(shipment=shipment, weee_category=category,
                                                    defaults={"kg": Decimal(kg)})


@transaction.atomic
def dispatch(shipment, *, actor=None, confirm=False):
    """Dispatch a draft: each device to ``recycled`` (one ``exited`` journal event each), atomically.

    Irreversible: the caller passes ``confirm=True`` once the person confirmed. Refused (nothing
    changed) without devices or weights, or when one device fails a lifecycle guard (erasure
    first for a device with storage, a claim holding it, a leased device…).
    """
    if not confirm:
        raise ValidationError(_("Confirm the dispatch: it cannot be undone."), code="confirm")
    locked = _locked(shipment)
    items = list(locked.items.select_related("device").order_by("device__asset_tag"))
    if not items:
        raise ValidationError(_("Add at least one device before dispatching."), code="empty")
    if not locked.weights.exists():
        raise ValidationError(_("Record the weighed kilograms before dispatching."), code="no_weight")
    note = _("WEEE shipment %(ref)s to %(operator)s") % {"ref": locked.slip_number or f"#{locked.pk}",
                                                         "operator": locked.operator}
    for item in items:
        lifecycle.transition(
            item.device, Status.RECYCLED, actor=actor, kind=Event.Kind.EXITED, workflow=lifecycle.Workflow.SHIPMENT,
            note=note, data={"shipment_id": locked.pk, "route": Status.RECYCLED.value},
        )
    locked.state = Shipment.State.DISPATCHED
    locked.dispatched_at = timezone.now()
    locked.dispatched_by = acting_user(actor)
    locked.save(update_fields=["state", "dispatched_at", "dispatched_by"])
    shipment.state, shipment.dispatched_at = locked.state, locked.dispatched_at
    return locked


@transaction.atomic
def record_certificate(shipment, *, received_on, certificate=None):
    """Record the collector's certificate of treatment of a dispatched shipment (date, optional file)."""
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.state != Shipment.State.DISPATCHED:
        raise ValidationError(_("The certificate of treatment comes after the dispatch."), code="draft")
    if received_on is None:
        raise ValidationError({"certificate_received_on": _("Required in the waste register.")})
    if received_on < locked.shipped_on:
        raise ValidationError({"certificate_received_on": _("The certificate cannot precede the shipment.")})
    locked.certificate_received_on = received_on
    fields = ["certificate_received_on"]
    if certificate:
        locked.certificate = certificate
        fields.append("certificate")
    locked.save(update_fields=fields)
    return locked


def recycled_tonnes(year):
    """Tonnes of WEEE sent to recycling in ``year``: weights of the shipments dispatched, by slip date."""
    kg = ShipmentWeight.objects.filter(
        shipment__state=Shipment.State.DISPATCHED,
        shipment__shipped_on__gte=dt.date(year, 1, 1), shipment__shipped_on__lte=dt.date(year, 12, 31),
    ).aggregate(kg=Sum("kg"))["kg"]
    return (kg or Decimal(0)) / Decimal(1000)
