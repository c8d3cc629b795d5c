"""Read side of the reports: the dashboard's figures, each one grouped query (docs/reports.md).

Selectors take the owner and the day they describe, so that a report of a past day and a
second owner are parameters, not rewrites (DESIGN.md §6). Figures come back as plain dicts
and lists; templates only format them.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import IsNull

from inventory.footprint import AddYears, embodied_expression
from inventory.models import Device, Event, Flag, Status

from . import agec, sources
from .lifespans import ACTIVE, cutoff_start

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0")
HORIZON_YEARS = 5
# Final ways out today (DESIGN.md §3); the "every legal way out" issue adds sold, transferred…
EXIT_ROUTES = (Status.DONATED, Status.RECYCLED, Status.LOST)


def year_bounds(year):
    return cutoff_start(dt.date(year - 1, 12, 31)), cutoff_start(dt.date(year, 12, 31))


def fleet_by_status_and_category(queryset=None):
    """Current devices by status (columns) and category (rows), one query."""
    queryset = Device.objects.all() if queryset is None else queryset
    rows = (
        queryset.values_list("model__category__slug", "model__category__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    statuses = list(Status)
    table = {}
    for slug, name, status, n in rows:
        entry = table.setdefault(slug, {"slug": slug, "category": name, "counts": dict.fromkeys(statuses, 0)})
        entry["counts"][status] += n
    result = sorted(table.values(), key=lambda row: row["category"])
    for row in result:
        row["cells"] = [(status, row["counts"][status]) for status in statuses]
        row["total"] = sum(row["counts"].values())
    totals = [(status, sum(row["counts"][status] for row in result)) for status in statuses]
    return {"statuses": statuses, "rows": result, "totals": totals, "total": sum(n for _, n in totals)}


def _open_flag(rule):
    return Exists(Flag.objects.filter(device=OuterRef("pk"), rule=rule, resolved_at__isnull=True))


def lifespan_horizon(*, today, years=HORIZON_YEARS, queryset=None):
    """Devices in use reaching their category's planned lifespan in each of the next ``years``.

    Also the share the review flags as extendable (open ``extend`` flag). Devices already past
    their planned lifespan are counted on the first row ("already reached"). One query.
    """
    queryset = Device.objects.all() if queryset is None else queryset
    start = Coalesce("use_date", "purchase_date")
    rows = (
        queryset.filter(status__in=ACTIVE)
        .annotate(start=start)
        .filter(start__isnull=False)
        .annotate(
            end_year=ExtractYear(AddYears("start", F("model__category__planned_lifespan_years"))),
            extendable=_open_flag("extend"),
        )
        .values_list("end_year")
        .annotate(devices=Count("id"), extendable_devices=Count("id", filter=Q(extendable=True)))
        .order_by()
    )
    first, last = today.year, today.year + years - 1
    by_year = {year: [0, 0] for year in range(first, last + 1)}
    past = [0, 0]
    for year, devices, extendable in rows:
        if year is None or year > last:
            continue
        target = past if year < first else by_year[year]
        target[0] += devices
        target[1] += extendable
    result = [{"year": None, "devices": past[0], "extendable": past[1]}]
    result += [{"year": year, "devices": d, "extendable": e} for year, (d, e) in by_year.items()]
    for row in result:
        row["extendable_share"] = row["extendable"] / row["devices"] if row["devices"] else None
    return result


def renewal_scenarios(*, today, years=HORIZON_YEARS, queryset=None):
    """The renewal plan of the next ``years`` against the "extend" scenario, HT and TTC, kg CO2e.

    Plan: devices planned for replacement (``planned_renewal_year``), priced at their expected
    price, else the model's reference price; TTC = HT × (1 + the device's VAT rate); kg = the
    embodied footprint of the replacements. "Extend": the same plan without the devices the
    review flags ``extend`` (their replacement is deferred). One query.
    """
    from inventory.renewal import PLANNABLE, plan_price_expression

    queryset = Device.objects.all() if queryset is None else queryset
    price = plan_price_expression()
    ttc = price * (Value(Decimal(1)) + F("vat_rate"))
    kg = embodied_expression()
    extend = Q(extendable=True)

    def measures(suffix="", condition=None):
        kw = {"filter": condition} if condition is not None else {}
        return {
            f"devices{suffix}": Count("id", **kw),
            f"ht{suffix}": Coalesce(Sum(price, **kw), ZERO, output_field=MONEY),
            f"ttc{suffix}": Coalesce(Sum(ttc, output_field=MONEY, **kw), ZERO, output_field=MONEY),
            f"kg{suffix}": Coalesce(Sum(kg, **kw), ZERO, output_field=MONEY),
        }

    rows = (
        queryset.filter(
            status__in=PLANNABLE, planned_renewal_year__gte=today.year, planned_renewal_year__lt=today.year + years
        )
        .annotate(extendable=_open_flag("extend"))
        .values("planned_renewal_year")
        .annotate(**measures(), **measures("_extend", extend))
        .order_by("planned_renewal_year")
    )
    result = []
    for row in rows:
        result.append(
            {
                "year": row["planned_renewal_year"],
                "plan": {k: row[k] for k in ("devices", "ht", "ttc", "kg")},
                "deferred": {k: row[f"{k}_extend"] for k in ("devices", "ht", "ttc", "kg")},
                "extend": {k: row[k] - row[f"{k}_extend"] for k in ("devices", "ht", "ttc", "kg")},
            }
        )
    return result


def exits_by_route(year, *, queryset=None):
    """Devices that left the authority in ``year``, by route (final status reached), one query."""
    start, end = year_bounds(year)
    events = Event.objects.filter(at__gte=start, at__lt=end, to_status__in=EXIT_ROUTES)
    if queryset is not None:
        events = events.filter(device__in=queryset.values("pk"))
    counts = dict(events.values_list("to_status").annotate(n=Count("device", distinct=True)).order_by())
    rows = [{"route": route, "label": route.label, "devices": counts.get(route, 0)} for route in EXIT_ROUTES]
    return {"rows": rows, "total": sum(row["devices"] for row in rows)}


def redeployments(year):
    """Journal lines of kind ``redeployed`` in ``year`` (internal reuse, never in the décret ratio)."""
    start, end = year_bounds(year)
    return Event.objects.filter(kind=Event.Kind.REDEPLOYED, at__gte=start, at__lt=end).count()


def avoided_emissions(year, *, displacement=None):
    """kg CO2e avoided by the devices donated or redeployed in ``year`` (one figure per device).

    Each device counts once, at its embodied footprint × the displacement rate (Restart
    Project's method, review settings); devices without a factor are counted, not guessed.
    """
    if displacement is None:
        from inventory.models import ReviewSettings

        displacement = ReviewSettings.current().displacement_rate
    start, end = year_bounds(year)
    reused = Event.objects.filter(at__gte=start, at__lt=end).filter(
        Q(to_status=Status.DONATED) | Q(kind=Event.Kind.REDEPLOYED)
    )
    totals = Device.objects.filter(pk__in=reused.values("device")).aggregate(
        devices=Count("id"),
        embodied=Coalesce(Sum(embodied_expression()), ZERO, output_field=MONEY),
        without_factor=Count("id", filter=IsNull(embodied_expression(), True)),
    )
    totals["displacement"] = Decimal(displacement)
    totals["avoided_kg"] = (totals["embodied"] * Decimal(displacement)).quantize(Decimal("0.01"))
    return totals


def dashboard(*, owner, today):
    """Every figure of the procurement dashboard for ``owner`` on ``today`` (constant queries)."""
    year = today.year
    return {
        "year": year,
        "today": today,
        "fleet": fleet_by_status_and_category(),
        "horizon": lifespan_horizon(today=today),
        "renewal": renewal_scenarios(today=today),
        "reuse": sources.reuse_ratio(owner, year),
        "agec": agec.totals(year),
        "exits": exits_by_route(year),
        "redeployments": redeployments(year),
        "avoided": avoided_emissions(year),
    }
