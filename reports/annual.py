"""The yearly REEN report (décret 2022-1084): the IT-equipment chapter for year N.

**Snapshot-stable by construction**: every figure is computed from the journal *as of the
end of 31 December N* — a device's status on that day is the last status event before
1 January N+1 (devices registered by the service journal their first status; a device with no
journal line counts only if its status last changed before that instant) —
and from rows dated in N (purchases, repairs closed, donations handed over, follow-ups
answered before the cut-off). Later changes (next year's retirements, repairs, purchases,
follow-ups) therefore leave a closed year's figures unchanged; ``tests/reports/test_annual.py``
checks it. What still changes a closed year: corrections of the rows themselves (a price or
purchase date edited, a device registered late with a purchase date in N) — intended, they
correct the record — and the settings (targets, factors) printed in the methodology annex.

``build()`` returns plain data (JSON-ready); ``rows()`` flattens it into the (section,
indicator, value, unit) lines that the HTML page, the PDF, the CSV and the JSON all print,
so the four formats hold the same figures.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, DecimalField, F, FloatField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest
from django.db.models.lookups import IsNull
from django.utils.translation import gettext as _

from inventory.footprint import DAYS_PER_YEAR, DaysBetween, embodied_expression, factors
from inventory.models import Device, Event, Status
from inventory.shipments import recycled_tonnes

from . import agec, at_exit, lifespans, queries, repairs, sources
from .lifespans import ACTIVE, cutoff_start

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0")
TREND_YEARS = 3


def status_as_of(as_of):
    """Devices annotated with ``status_then``: their status at the end of ``as_of`` (or None).

    The last status event before the cut-off; a device with no such event counts with its
    current status when it last changed before the cut-off.
    """
    cutoff = cutoff_start(as_of)
    last = (
        Event.objects.filter(device=OuterRef("pk"), at__lt=cutoff)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    # Shortcut: ``lifecycle.transition`` stamps ``status_changed_at`` with every status event
    # (registration stamps it too, imports with their historical date), so a device unchanged
    # since before the cut-off still has the status it had then; only devices changed later
    # look the journal up (2.3 s → 0.5 s for a closed year at 100k devices).
    return Device.objects.annotate(
        status_then=Case(When(status_changed_at__lt=cutoff, then=F("status")), default=Subquery(last))
    )


def fleet_on(as_of):
    """Devices by status and category at the end of ``as_of`` (one query)."""
    rows = (
        status_as_of(as_of)
        .filter(status_then__isnull=False)
        .values_list("status_then", "model__category__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_status, by_category = {}, {}
    for status, category, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        if status in ACTIVE:
            by_category[category] = by_category.get(category, 0) + n
    in_use = sum(by_status.get(s, 0) for s in ACTIVE)
    awaiting = sum(by_status.get(s, 0) for s in (Status.RETIRED, Status.AVAILABLE, Status.RESERVED))
    return {
        "in_use": in_use,
        "awaiting_exit": awaiting,
        "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
        "by_category": dict(sorted(by_category.items())),
    }


def purchases_of(year):
    """Devices bought in ``year``: count, € HT and TTC, embodied kg (one query) and AGEC shares."""
    bought = Device.objects.filter(purchase_date__gte=dt.date(year, 1, 1), purchase_date__lte=dt.date(year, 12, 31))
    totals = bought.aggregate(
        devices=Count("id"),
        ht=Coalesce(Sum("purchase_price"), ZERO, output_field=MONEY),
        ttc=Coalesce(
            Sum(F("purchase_price") * (Value(Decimal(1)) + F("vat_rate")), output_field=MONEY), ZERO, output_field=MONEY
        ),
        kg=Coalesce(Sum(embodied_expression()), ZERO, output_field=MONEY),
        without_factor=Count("id", filter=IsNull(embodied_expression(), True)),
    )
    shares = agec.totals(year)["total"]
    totals.update(
        {
            "refurbished_ht": shares["reuse"],
            "donated_flat_ht": shares["donated"],
            "agec_reuse_share": shares["reuse_share"],
            "agec_reuse_target": shares["reuse_target"],
            "agec_recycled_target": shares["recycled_target"],
        }
    )
    return totals


def annualised_footprint(as_of):
    """Σ embodied ÷ years served (at least one) over devices in use at the end of ``as_of``."""
    start = Coalesce("use_date", "purchase_date")
    served = Greatest(Value(1.0), DaysBetween(start, Value(as_of)) / Value(DAYS_PER_YEAR))
    totals = (
        status_as_of(as_of)
        .filter(status_then__in=ACTIVE)
        .annotate(start=start)
        .filter(start__isnull=False)
        .aggregate(
            kg=Coalesce(Sum(Cast(embodied_expression(), FloatField()) / served), Value(0.0)),
            devices=Count("id"),
        )
    )
    return totals


def build(*, year, owner):
    """Every figure of year ``year``'s report for ``owner`` (about thirty queries, whatever the fleet)."""
    as_of = dt.date(year, 12, 31)
    reuse = sources.reuse_ratio(owner, year)
    exits = queries.exits_by_route(year)
    # Years served at exit for the three years of the trend, in one query.
    at_exit_by_year = at_exit.lifespans_at_exit_by_year(range(year - TREND_YEARS + 1, year + 1))
    year_at_exit = at_exit_by_year[year]
    by_category = lifespans.survival_by("category", as_of=as_of, minimum=1)
    outcomes = repairs.outcome_shares(year=year)
    barriers = repairs.barrier_distribution(year=year)
    cost = repairs.cost_and_time(year=year)
    avoided = queries.avoided_emissions(year)
    inclusion = sources.inclusion(owner, year, as_of=as_of)
    footprint = annualised_footprint(as_of)
    trend = [_indicators(y, owner, at_exit=at_exit_by_year[y]) for y in range(year - TREND_YEARS + 1, year)]
    trend.append(_indicators(year, owner, reuse=reuse, at_exit=year_at_exit, outcomes=outcomes))
    return {
        "year": year,
        "owner": {"name": owner.name, "siret": owner.siret},
        "as_of": as_of.isoformat(),
        "fleet": fleet_on(as_of),
        "purchases": purchases_of(year),
        "exits": {
            "by_route": {row["route"].value: row["devices"] for row in exits["rows"]},
            "total": exits["total"],
            "redeployed": queries.redeployments(year),
            # Σ weights of the WEEE shipments dispatched with a slip dated in N (the waste register).
            "recycled_tonnes": recycled_tonnes(year),
            "reuse_ratio": {"reused": reuse.reused, "stock": reuse.stock, "rate": reuse.rate, "target": reuse.target},
        },
        "lifespans": {
            "exited": year_at_exit["devices"],
            "mean_years": year_at_exit["mean_years"],
            "median_years": year_at_exit["median_years"],
            "km_by_category": [
                {
                    "category": c.label,
                    "devices": c.devices,
                    "exits": c.exits,
                    "median_years": c.median_years,
                    "median_lower_years": c.median_lower_years,
                    "median_upper_years": c.median_upper_years,
                }
                for c in by_category
            ],
        },
        "repairs": {
            "closed": outcomes["total"],
            "outcomes": {row["outcome"]: row["repairs"] for row in outcomes["rows"]},
            "barriers": {row["barrier"]: row["repairs"] for row in barriers["rows"] if row["barrier"]},
            "cost_eur": cost["cost_eur"],
            "replacement_eur": cost["replacement_eur"],
            "cost_share": cost["cost_share"],
            "median_days": cost["median_days"],
        },
        "footprint": {
            "annualised_kg": footprint["kg"],
            "fleet_devices": footprint["devices"],
            "avoided_kg": avoided["avoided_kg"],
            "avoided_devices": avoided["devices"],
            "without_factor": avoided["without_factor"],
            "displacement": avoided["displacement"],
        },
        "inclusion": inclusion,
        "trend": trend,
    }


def _indicators(year, owner, *, reuse=None, at_exit=None, outcomes=None):
    """The monitored indicators of one year (for the three-year trend); reuses figures given."""
    reuse = reuse or sources.reuse_ratio(owner, year)
    shares = agec.totals(year)["total"]
    at_exit = at_exit or lifespans.lifespans_at_exit(year)
    outcomes = outcomes or repairs.outcome_shares(year=year)
    fixed = next(row["share"] for row in outcomes["rows"] if row["outcome"] == "fixed")
    return {
        "year": year,
        "reuse_ratio": reuse.rate,
        "reuse_target": reuse.target,
        "agec_reuse_share": shares["reuse_share"],
        "agec_reuse_target": shares["reuse_target"],
        "median_years_at_exit": at_exit["median_years"],
        "repairs_fixed_share": fixed,
    }


def fmt(value, kind="int"):
    """French number formatting shared by every format (spaces, decimal comma)."""
    if value is None:
        return "—"
    if kind == "pct":
        return f"{float(value) * 100:,.1f} %".replace(",", " ").replace(".", ",")
    if kind == "dec1":
        return f"{float(value):,.1f}".replace(",", " ").replace(".", ",")
    if kind == "eur":
        return f"{float(value):,.0f}".replace(",", " ")
    return f"{float(value):,.0f}".replace(",", " ")


def rows(report):
    """The report as ``(section, indicator, value, unit)`` lines, in reading order."""
    r, lines = report, []

    def add(section, label, value, kind="int", unit=""):
        lines.append((section, label, fmt(value, kind), unit))

    s = _("Fleet on 31 December")
    add(s, _("Devices in use (in stock, in service, in repair)"), r["fleet"]["in_use"], unit=_("devices"))
    add(s, _("Retired devices awaiting their way out"), r["fleet"]["awaiting_exit"], unit=_("devices"))
    for category, n in r["fleet"]["by_category"].items():
        add(s, _("In use: %(category)s") % {"category": category}, n, unit=_("devices"))
    s, p = _("Purchases of the year"), r["purchases"]
    add(s, _("Devices bought"), p["devices"], unit=_("devices"))
    add(s, _("Amount excluding VAT"), p["ht"], "eur", "€ HT")
    add(s, _("Amount including VAT"), p["ttc"], "eur", "€ TTC")
    add(s, _("Bought refurbished (reuse)"), p["refurbished_ht"], "eur", "€ HT")
    add(s, _("Received as donations (flat values)"), p["donated_flat_ht"], "eur", "€ HT")
    add(s, _("AGEC share from reuse, re-use and donations"), p["agec_reuse_share"], "pct")
    add(s, _("AGEC target (reuse)"), p["agec_reuse_target"], "pct")
    add(s, _("AGEC share with recycled content"), None, "pct", _("not recorded"))
    add(s, _("Embodied footprint of the purchases"), p["kg"], unit="kg CO2e")
    s, e = _("Exits of the year"), r["exits"]
    for route, n in e["by_route"].items():
        add(s, _("Left by route: %(route)s") % {"route": Status(route).label}, n, unit=_("devices"))
    for basis, n in r["inclusion"].get("by_basis", {}).items():
        add(s, _("Donated under %(basis)s") % {"basis": basis}, n, unit=_("devices"))
    add(s, _("Redeployed internally (not counted in the reuse ratio)"), e["redeployed"], unit=_("events"))
    add(s, _("Recycled"), e["recycled_tonnes"], "dec1", _("tonnes (WEEE shipments of the year)"))
    ratio = e["reuse_ratio"]
    add(s, _("Décret 2023-266: directed to reuse (A)"), ratio["reused"], unit=_("devices"))
    add(s, _("Décret 2023-266: retired in stock on 1 January (B)"), ratio["stock"], unit=_("devices"))
    add(s, _("Décret 2023-266: ratio A ÷ B"), ratio["rate"], "pct")
    add(s, _("Décret 2023-266: target of the year"), ratio["target"], "pct")
    s, life = _("Lifespans"), r["lifespans"]
    add(s, _("Devices whose service ended this year"), life["exited"], unit=_("devices"))
    add(s, _("Median years served at exit"), life["median_years"], "dec1", _("years"))
    add(s, _("Mean years served at exit"), life["mean_years"], "dec1", _("years"))
    for c in life["km_by_category"]:
        add(
            s,
            _("Kaplan–Meier median, %(category)s (%(n)s devices, 95 %% CI %(low)s–%(high)s)")
            % {
                "category": c["category"],
                "n": c["devices"],
                "low": fmt(c["median_lower_years"], "dec1"),
                "high": fmt(c["median_upper_years"], "dec1"),
            },
            c["median_years"],
            "dec1",
            _("years"),
        )
    s, rep = _("Repairs"), r["repairs"]
    add(s, _("Repairs closed"), rep["closed"], unit=_("repairs"))
    for outcome, n in rep["outcomes"].items():
        add(s, _("Outcome: %(outcome)s") % {"outcome": _outcome_label(outcome)}, n, unit=_("repairs"))
    add(s, _("Repair cost against replacement price"), rep["cost_share"], "pct")
    add(s, _("Median time to repair"), rep["median_days"], unit=_("days"))
    s, fp = _("Footprint"), r["footprint"]
    add(s, _("Annualised embodied footprint of the fleet in use"), fp["annualised_kg"], unit=_("kg CO2e per year"))
    add(s, _("Embodied footprint of the purchases"), r["purchases"]["kg"], unit="kg CO2e")
    add(s, _("Avoided by donations and redeployments"), fp["avoided_kg"], unit="kg CO2e")
    add(s, _("Devices donated or redeployed without a footprint factor"), fp["without_factor"], unit=_("devices"))
    s, inc = _("Inclusion"), r["inclusion"]
    add(s, _("Donations handed over"), inc["donations"], unit=_("donations"))
    add(s, _("Devices donated"), inc["devices"], unit=_("devices"))
    add(s, _("Associations served"), inc["associations"], unit=_("associations"))
    add(s, _("Beneficiaries reported in follow-ups"), inc["beneficiaries"], unit=_("people"))
    add(s, _("Devices still in use reported in follow-ups"), inc["devices_in_use"], unit=_("devices"))
    add(s, _("Share of follow-ups answered"), inc["answered_share"], "pct")
    s = _("Indicators and targets over three years")
    for t in r["trend"]:
        add(
            s,
            _("%(year)s: décret 2023-266 ratio (target %(target)s)")
            % {"year": t["year"], "target": fmt(t["reuse_target"], "pct")},
            t["reuse_ratio"],
            "pct",
        )
        add(
            s,
            _("%(year)s: AGEC reuse share (target %(target)s)")
            % {"year": t["year"], "target": fmt(t["agec_reuse_target"], "pct")},
            t["agec_reuse_share"],
            "pct",
        )
        add(
            s,
            _("%(year)s: median years served at exit") % {"year": t["year"]},
            t["median_years_at_exit"],
            "dec1",
            _("years"),
        )
        add(s, _("%(year)s: share of repairs fixed") % {"year": t["year"]}, t["repairs_fixed_share"], "pct")
    return lines


def _outcome_label(value):
    from inventory.models import Repair

    return Repair.Outcome(value).label


def sections(report):
    """``rows()`` grouped by section, for the HTML page and the PDF."""
    grouped = {}
    for section, label, value, unit in rows(report):
        grouped.setdefault(section, []).append((label, value, unit))
    return list(grouped.items())


def context(report):
    """Template context of the HTML report."""
    from . import links

    return {
        "report": report,
        "year": report["year"],
        "sections": sections(report),
        "sources": sorted({(f.dataset.source, f.dataset.vintage) for f in factors().values()}),
        "settings_targets": {"reuse": settings.PROLONGE["REUSE_TARGETS"], "agec": settings.PROLONGE["AGEC_TARGETS"]},
        "method": links.METHOD_PATH,
    }
