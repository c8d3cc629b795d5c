"""The renewal plan read back, aggregated in SQL by budget year and category, with totals in €
and kg CO2e (the manufacturing footprint of the replacements)."""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull

from ..footprint import embodied_expression
from ..models import Device, Flag
from ..review.queries import best_per_device
from .services import PLANNABLE

MONEY = DecimalField(max_digits=14, decimal_places=2)

__all__ = ["plan_price_expression", "renewal_plan"]


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
        # Budgets are voted TTC: TTC = HT × (1 + the device's VAT rate).
        "budget_ttc": Coalesce(Sum(plan_price_expression() * (Value(Decimal(1)) + F("vat_rate")),
                                   output_field=MONEY), Decimal(0), output_field=MONEY),
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
    # One figure per device (its largest deferral), never two findings of one device added.
    challenged = (
        best_per_device(Flag.objects.filter(
            resolved_at__isnull=True, rule__in=["extend", "repair_not_replace"],
            device__planned_renewal_year__isnull=False, device__status__in=PLANNABLE,
        ))
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
        key: sum((year[key] for year in years.values()), Decimal(0) if key in ("budget", "budget_ttc", "kgco2e") else 0)
        for key in ("devices", "budget", "budget_ttc", "unpriced", "kgco2e", "unknown_footprint")
    }
    return {"rows": rows, "years": years, "total": total}
