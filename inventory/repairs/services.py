"""Repair verbs: opening one sends the device to ``in_repair``, closing it brings the device back.

Both verbs go through ``inventory.lifecycle.transition`` (the only way a status changes), which
journals a ``repair_opened`` / ``repair_closed`` event linked to the repair. Fault categories,
outcomes and barriers follow the Open Repair Data Standard (see ``Repair``).

Bad input raises ``django.core.exceptions.ValidationError`` with a French message (gettext) and
writes nothing; a status change the lifecycle refuses raises its ``TransitionRefused``.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import journal, lifecycle
from ..models import Device, Event, Repair, Status

# Where a device goes when its repair is closed with each outcome, unless the caller chooses.
RETURN_STATUSES = (Status.IN_SERVICE, Status.IN_STOCK)
END_OF_LIFE_STATUS = Status.RETIRED
# Statuses from which the lifecycle lets a device go to repair (the device page, the mobile page).
# A month of full-time work: more is a typo (and past it the column once overflowed: a 500).
MAX_LABOUR_MINUTES = 43_200
OPENABLE_FROM = frozenset(s for s, targets in lifecycle.TRANSITIONS.items() if Status.IN_REPAIR in targets)

__all__ = ["END_OF_LIFE_STATUS", "OPENABLE_FROM", "RETURN_STATUSES", "close_repair", "open_repair"]


@transaction.atomic
def open_repair(*, device, symptom, fault_category=Repair.FaultCategory.OTHER, actor=None,
                diagnosis="", estimated_cost=None, expected_status=None):
    """Open a repair of ``device`` and move it to ``in_repair`` (journal: ``repair_opened``).

    Permissions are the caller's business (views check ``add_repair``); this function checks
    the data and the lifecycle.

    ``expected_status`` is the status the person saw; a device changed meanwhile is refused
    (409). Returns the new Repair.
    """
    locked = Device.objects.select_for_update().get(pk=device.pk)
    errors = {}
    symptom = (symptom or "").strip()
    if not symptom:
        errors["symptom"] = _("Describe the symptom.")
    if fault_category not in Repair.FaultCategory.values:
        errors["fault_category"] = _("“%(value)s” is not a known fault category.") % {"value": fault_category}
    estimated_cost = _amount(estimated_cost, "estimated_cost", errors)
    if errors:
        raise ValidationError(errors)
    if Repair.objects.filter(device=locked, closed_at__isnull=True).exists():
        raise ValidationError(_("%(tag)s already has an open repair: close it first.") % {"tag": locked.asset_tag},
                              code="already_open")
    repair = Repair.objects.create(
        device=locked, symptom=symptom, fault_category=fault_category, diagnosis=(diagnosis or "").strip(),
        estimated_cost=estimated_cost, opened_by=journal.acting_user(actor), opened_at=timezone.now(),
    )
    lifecycle.transition(device, Status.IN_REPAIR, actor=actor, note=symptom, expected_status=expected_status,
                         kind=Event.Kind.REPAIR_OPENED, repair=repair, workflow=lifecycle.Workflow.REPAIR,
                         data={"repair_id": repair.pk, "fault_category": fault_category})
    return repair


@transaction.atomic
def close_repair(*, repair, outcome, actor=None, diagnosis=None, action="", parts="", cost=None,
                 labour_minutes=None, barrier="", return_to=None):
    """Close ``repair`` with an ORDS outcome and move the device out of ``in_repair``.

    ``fixed`` and ``repairable`` send the device back to ``return_to`` (in service or in stock;
    by default the status it had before the repair), ``end_of_life`` retires it. A repair
    already closed, or data that does not hold, is refused with nothing written. If the device
    already left ``in_repair`` by another way, the repair is closed without a status change.
    """
    locked = Repair.objects.select_for_update().select_related("device").get(pk=repair.pk)
    if locked.closed_at is not None:
        raise ValidationError(
            _("This repair of %(tag)s was already closed on %(date)s.") % {
                "tag": locked.device.asset_tag,
                "date": formats.date_format(timezone.localtime(locked.closed_at), "SHORT_DATETIME_FORMAT")},
            code="already_closed",
        )
    errors = {}
    if outcome not in Repair.Outcome.values:
        errors["outcome"] = _("Choose the outcome of the repair.")
    if barrier and barrier not in Repair.Barrier.values:
        errors["barrier"] = _("“%(value)s” is not a known barrier to repair.") % {"value": barrier}
    elif barrier and outcome != Repair.Outcome.END_OF_LIFE:
        errors["barrier"] = _("A barrier to repair only applies when the device is not repairable.")
    if return_to and return_to not in RETURN_STATUSES:
        errors["return_to"] = _("After a repair a device goes back in service or in stock.")
    cost = _amount(cost, "cost", errors)
    labour_minutes = _minutes(labour_minutes, errors)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    locked.outcome, locked.barrier = outcome, barrier or ""
    if diagnosis is not None:
        locked.diagnosis = diagnosis.strip()
    locked.action, locked.parts = (action or "").strip(), (parts or "").strip()
    locked.cost, locked.labour_minutes = cost, labour_minutes
    locked.closed_at, locked.closed_by = now, journal.acting_user(actor)
    locked.save()

    device = locked.device
    note = locked.action or locked.get_outcome_display()
    data = {"repair_id": locked.pk, "outcome": outcome}
    if device.status == Status.IN_REPAIR:
        target = END_OF_LIFE_STATUS if outcome == Repair.Outcome.END_OF_LIFE else (
            return_to or _status_before(locked))
        lifecycle.transition(device, target, actor=actor, note=note, kind=Event.Kind.REPAIR_CLOSED,
                             repair=locked, data=data)
    else:
        journal.record(device, Event.Kind.REPAIR_CLOSED, actor=actor, at=now, note=note, repair=locked, data=data)
    repair.closed_at, repair.outcome = locked.closed_at, locked.outcome
    return locked


def _status_before(repair):
    """The status the device had when the repair was opened, if it is one to go back to."""
    opened = (Event.objects.filter(repair=repair, kind=Event.Kind.REPAIR_OPENED)
              .values_list("from_status", flat=True).first())
    return opened if opened in RETURN_STATUSES else Status.IN_STOCK


def _amount(value, field, errors):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter an amount in euros.")
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = _("An amount cannot be negative.")
        return None
    return amount.quantize(Decimal("0.01"))


def _minutes(value, errors):
    if value in (None, ""):
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        errors["labour_minutes"] = _("Enter the labour as a whole number of minutes.")
        return None
    if minutes < 0:
        errors["labour_minutes"] = _("Labour cannot be negative.")
        return None
    if minutes > MAX_LABOUR_MINUTES:
        errors["labour_minutes"] = _("Labour cannot exceed %(max)d minutes.") % {"max": MAX_LABOUR_MINUTES}
        return None
    return minutes
