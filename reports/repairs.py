"""Repair figures for procurement: rates, outcomes, barriers, costs, time to repair (docs/reports.md).

Every figure is one grouped query; nothing loads Repair or Device objects.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce, TruncDate

from inventory.footprint import DAYS_PER_YEAR, DaysBetween
from inventory.models import Repair

from .lifespans import cutoff_start, min_sample, with_service_life

MONEY = DecimalField(max_digits=14, decimal_places=2)
RATE_GROUPS = {"model": ("model_id", "model__manufacturer", "model__name"), "supplier": ("supplier",)}


def repair_rates(by="model", *, as_of, minimum=None, queryset=None):
    """Repairs opened per 100 device-years in service, by model or supplier (two queries).

    Device-years: each device's service life (``lifespans.with_service_life``: from its use date
    to its first exit, or to ``as_of``), summed over the group. Repairs: those opened on or
    before ``as_of`` on the group's devices. Groups under ``minimum`` devices are left out.
    """
    minimum = min_sample() if minimum is None else minimum
    fields = RATE_GROUPS[by]
    exposure = {
        row[:-2]: row[-2:]
        for row in with_service_life(queryset, as_of=as_of)
        .values(*fields)
        .annotate(devices=Count("id"), days=Sum("days"))
        .values_list(*fields, "devices", "days")
        .order_by()
    }
    repairs = Repair.objects.filter(opened_at__lt=cutoff_start(as_of))
    if queryset is not None:
        repairs = repairs.filter(device__in=queryset.values("pk"))
    device_fields = [f"device__{f}" for f in fields]
    grouped = repairs.values(*device_fields).annotate(n=Count("id")).values_list(*device_fields, "n").order_by()
    counts = {tuple(row[:-1]): row[-1] for row in grouped}
    rows = []
    for key, (devices, days) in exposure.items():
        if devices < minimum or not days:
            continue
        years = days / DAYS_PER_YEAR
        n = counts.get(key, 0)
        label = " ".join(str(part) for part in key[1:]) if by == "model" else (key[0] or "—")
        rows.append(
            {
                "key": key[0],
                "label": label,
                "devices": devices,
                "device_years": years,
                "repairs": n,
                "rate": n / years * 100,
            }
        )
    return sorted(rows, key=lambda row: (-row["rate"], row["label"]))


def _closed(start=None, end=None):
    qs = Repair.objects.filter(closed_at__isnull=False)
    if start:
        qs = qs.filter(closed_at__gte=start)
    if end:
        qs = qs.filter(closed_at__lt=end)
    return qs


def year_bounds(year):
    """The first instant of ``year`` and of the next one."""
    return cutoff_start(dt.date(year - 1, 12, 31)), cutoff_start(dt.date(year, 12, 31))


def outcome_shares(*, year=None):
    """Closed repairs by outcome (ORDS fixed / repairable / end of life), count and share."""
    bounds = year_bounds(year) if year else (None, None)
    counts = dict(_closed(*bounds).values_list("outcome").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    return {
        "total": total,
        "rows": [
            {
                "outcome": value,
                "label": label,
                "repairs": counts.get(value, 0),
                "share": counts.get(value, 0) / total if total else None,
            }
            for value, label in Repair.Outcome.choices
        ],
    }


def barrier_distribution(*, year=None):
    """End-of-life repairs by ORDS barrier (unknown barrier counted apart)."""
    bounds = year_bounds(year) if year else (None, None)
    counts = dict(
        _closed(*bounds)
        .filter(outcome=Repair.Outcome.END_OF_LIFE)
        .values_list("barrier")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(counts.values())
    return {
        "total": total,
        "rows": [
            {
                "barrier": value,
                "label": label,
                "repairs": counts.get(value, 0),
                "share": counts.get(value, 0) / total if total else None,
            }
            for value, label in Repair.Barrier.choices
        ],
    }


def replacement_price_expression(prefix="device__"):
    """€ HT a replacement would cost: the device's expected price, else the model's, else its own."""
    return Coalesce(
        f"{prefix}replacement_price", f"{prefix}model__reference_price", f"{prefix}purchase_price", output_field=MONEY
    )


def cost_and_time(*, year=None):
    """Closed repairs with a cost against the replacement price, and time to repair (one query each).

    ``cost_share`` is Σ cost ÷ Σ replacement price over repairs where both are known; the
    median time to repair comes from a days histogram grouped in SQL.
    """
    bounds = year_bounds(year) if year else (None, None)
    closed = _closed(*bounds)
    priced = closed.filter(cost__isnull=False).annotate(replacement=replacement_price_expression())
    totals = priced.filter(replacement__isnull=False).aggregate(
        repairs=Count("id"),
        cost=Coalesce(Sum("cost"), Decimal(0), output_field=MONEY),
        price=Coalesce(Sum("replacement"), Decimal(0), output_field=MONEY),
    )
    days = list(
        closed.annotate(days=DaysBetween(TruncDate("opened_at"), TruncDate("closed_at")))
        .values_list("days")
        .annotate(n=Count("id"))
        .order_by("days")
    )
    count = sum(n for _, n in days)
    mean = sum(d * n for d, n in days) / count if count else None
    median, seen = None, 0
    for d, n in days:
        seen += n
        if seen * 2 >= count:
            median = d
            break
    return {
        "costed_repairs": totals["repairs"],
        "cost_eur": totals["cost"],
        "replacement_eur": totals["price"],
        "cost_share": (totals["cost"] / totals["price"]) if totals["price"] else None,
        "closed_repairs": count,
        "mean_days": mean,
        "median_days": median,
    }
