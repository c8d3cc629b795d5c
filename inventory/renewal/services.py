"""Renewal plan verbs: which devices procurement intends to replace, in which budget year.

``plan_renewal`` and ``unplan_renewal`` change ``Device.planned_renewal_year`` and
``replacement_price`` for a whole filtered selection in a few statements, and journal one
``planned`` event per device. The plan is read back by ``inventory.renewal.queries``.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import journal
from ..models import Device, Event, Status

PLANNABLE = (Status.IN_STOCK, Status.IN_SERVICE, Status.IN_REPAIR)
MAX_YEARS_AHEAD = 15

__all__ = ["MAX_YEARS_AHEAD", "PLANNABLE", "check_budget_year", "plan_renewal", "unplan_renewal"]


def check_budget_year(year):
    """``year`` as an int if it is a budget year a plan may target (this year to +15), else refuse."""
    this_year = timezone.localdate().year
    if year is None or not this_year <= int(year) <= this_year + MAX_YEARS_AHEAD:
        raise ValidationError(_("Choose a budget year between %(first)s and %(last)s.")
                              % {"first": this_year, "last": this_year + MAX_YEARS_AHEAD}, code="year")
    return int(year)


@transaction.atomic
def plan_renewal(*, devices, year, price=None, actor=None, note=""):
    """Plan the replacement of ``devices`` (a queryset) in budget ``year`` at ``price`` € HT each.

    Only devices still in use (in stock, in service, in repair) can be planned; the others are
    left alone. ``price`` None keeps each device's current expected price. Journals one
    ``planned`` event per changed device. Returns the number of devices planned.
    """
    try:
        year = check_budget_year(year)
    except ValidationError as error:
        raise ValidationError({"year": error.messages}) from error
    if price is not None and Decimal(price) < 0:
        raise ValidationError({"price": _("The expected price cannot be negative.")})
    price = None if price is None else Decimal(price).quantize(Decimal("0.01"))
    rows = list(
        Device.objects.select_for_update()
        .filter(pk__in=devices.values("pk"), status__in=PLANNABLE)
        .values_list("pk", "planned_renewal_year", "replacement_price")
    )
    changed = [
        row for row in rows
        if row[1] != year or (price is not None and row[2] != price)
    ]
    changes = {"planned_renewal_year": year, "updated_at": timezone.now()}
    if price is not None:
        changes["replacement_price"] = price
    Device.objects.filter(pk__in=devices.values("pk"), status__in=PLANNABLE).update(**changes)
    _journal(changed, actor=actor, note=note, year=year, price=price)
    return len(changed)


@transaction.atomic
def unplan_renewal(*, devices, actor=None, note=""):
    """Take ``devices`` (a queryset) off the renewal plan; journals it. Returns how many."""
    rows = list(
        Device.objects.select_for_update()
        .filter(pk__in=devices.values("pk"), planned_renewal_year__isnull=False)
        .values_list("pk", "planned_renewal_year", "replacement_price")
    )
    Device.objects.filter(pk__in=devices.values("pk"), planned_renewal_year__isnull=False).update(
        planned_renewal_year=None, updated_at=timezone.now()
    )
    _journal(rows, actor=actor, note=note, year=None, price=None)
    return len(rows)


def _journal(rows, *, actor, note, year, price):
    now = timezone.now()
    journal.record_many(
        journal.event(
            pk, Event.Kind.PLANNED, actor=actor, at=now,
            note=note or (_("Replacement planned for %(year)s.") % {"year": year} if year
                          else _("Removed from the renewal plan.")),
            data={
                "year": year, "previous_year": previous_year,
                "price": str(price if price is not None else previous_price or "") or None,
            },
        )
        for pk, previous_year, previous_price in rows
    )
