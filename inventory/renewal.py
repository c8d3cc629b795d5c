"""The renewal plan: which devices procurement intends to replace, in which budget year.

Services (``plan_renewal``, ``unplan_renewal``) change ``Device.planned_renewal_year`` and
``replacement_price`` for a whole filtered selection in a few statements, and journal one
``planned`` event per device. ``renewal_plan()`` reads the plan back aggregated in SQL by year
and category, with totals in € and kg CO2e (the manufacturing footprint of the replacements).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext as _

from . import journal
from .footprint import embodied_expression
from .models import Device, Event, Flag, Status

PLANNABLE = (Status.IN_STOCK, Status.IN_SERVICE, Status.IN_REPAIR)
MONEY = DecimalField(max_digits=14, decimal_places=2)
MAX_YEARS_AHEAD = 15


def _check_year(year):
    this_year = timezone.localdate().year
    if year is None or not this_year <= int(year) <= this_year + MAX_YEARS_AHEAD:
        raise ValidationError({"year": _("Choose a budget year between %(first)s and %(last)s.")
                               % {"first": this_year, "last": this_year + MAX_YEARS_AHEAD}})
    return int(year)


@transaction.atomic
def plan_renewal(*, devices, year, price=None, actor=None, note=""):
    """Plan the replacement of ``devices`` (a queryset) in budget ``year`` at ``price`` € HT each.

    Only devices still in use (in stock, in service, in repair) can be planned; the others are
    left alone. ``price`` None keeps each device's current expected price. Journals one
    ``planned`` event per changed device. Returns the number of devices planned.
    """
    year = _check_year(year)
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


def plan_price_expression():
    """€ HT a planned replacement is expected to cost: its expected price, else the model's."""
    return Coalesce("replacement_price", "model__reference_price", output_field=MONEY)


def renewal_plan():
    """The plan by budget year and category, with totals, aggregated in SQL (three queries).

    Returns ``{"rows": [...], "years": {year: totals}, "total": totals}`` where each row/totals
    holds ``devices``, ``budget`` (€ HT, devices without any price count as 0 and are counted
    in ``unpriced``), ``kgco2e`` (embodied footprint of the replacements) and, per year,
    ``challenged`` / ``challenged_eur`` (devices the review advises keeping or repairing).
    """
    planned = Device.objects.filter(planned_renewal_year__isnull=False, status__in=PLANNABLE)
    measures = {
        "devices": Count("id"),
        "budget": Coalesce(Sum(plan_price_expression()), Decimal(0), output_field=MONEY),
        "unpriced": Count("id", filter=IsNull(plan_price_expression(), True)),
        "kgco2e": Coalesce(Sum(embodied_expression()), Decimal(0), output_field=MONEY),
        "unknown_footprint": Count("id", filter=IsNull(embodied_expression(), True)),
    }
    rows = list(
        planned.values("planned_renewal_year", "model__category__slug", "model__category__name")
        .annotate(**measures)
        .order_by("planned_renewal_year", "model__category__name")
    )
    years = {
        row["planned_renewal_year"]: row
        for row in planned.values("planned_renewal_year").annotate(**measures).order_by("planned_renewal_year")
    }
    challenged = (
        Flag.objects.filter(
            resolved_at__isnull=True, rule__in=["extend", "repair_not_replace"],
            device__planned_renewal_year__isnull=False, device__status__in=PLANNABLE,
        )
        .values("device__planned_renewal_year")
        .annotate(devices=Count("device", distinct=True),
                  eur=Coalesce(Sum("savings_eur"), Decimal(0), output_field=MONEY))
    )
    for row in challenged:
        if row["device__planned_renewal_year"] in years:
            years[row["device__planned_renewal_year"]].update(
                challenged=row["devices"], challenged_eur=row["eur"]
            )
    total = {
        key: sum((year[key] for year in years.values()), Decimal(0) if key in ("budget", "kgco2e") else 0)
        for key in ("devices", "budget", "unpriced", "kgco2e", "unknown_footprint")
    }
    return {"rows": rows, "years": years, "total": total}
