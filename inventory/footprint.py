"""Embodied climate footprint of devices, and what extending or reusing them avoids.

Every number and formula here is stated, with its source, in ``docs/footprint.md``.

Embodied footprint (kg CO2e, whole life cycle except use) of a device, in this order:
1. its model's own figure (``DeviceModel.embodied_kgco2e``, e.g. from a manufacturer's PCF);
2. its category's default: ``Category.embodied_kgco2e`` when someone set it, else the ADEME
   factor shipped in ``inventory/data/ademe_factors.csv`` for the category's code;
3. a Boavizta computation when the optional ``boaviztapi`` package is installed (only reached
   for categories the data file has no figure for).
Printers and network gear have no published factor: their footprint stays unknown (None).

The figures are also SQL expressions (``embodied_expression``, ``with_footprint``) so that
lists and reports aggregate them in the database.
"""

import csv
import importlib.util
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from django.db.models import Case, DateField, DecimalField, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone

from .models import ReviewSettings

FACTORS_FILE = Path(__file__).resolve().parent / "data" / "ademe_factors.csv"
DAYS_PER_YEAR = 365.25
CENT = Decimal("0.01")
KG = DecimalField(max_digits=12, decimal_places=2)
# Statuses in which a device no longer serves the authority: its service ended when it got there.
OUT_OF_SERVICE = ("retired", "available", "reserved", "donated", "recycled", "lost")


@dataclass(frozen=True)
class Factor:
    """One row of the data file: a category's default embodied footprint and where it comes from."""

    category: str
    kgco2e: Decimal | None
    ademe_category: str
    ademe_type: str
    source: str
    source_date: date
    note: str


@lru_cache(maxsize=1)
def factors():
    """The data file, by category code (``laptop``, ``printer``…)."""
    with FACTORS_FILE.open(newline="", encoding="utf-8") as handle:
        return {
            row["category"]: Factor(
                category=row["category"],
                kgco2e=Decimal(row["kgco2e"]) if row["kgco2e"].strip() else None,
                ademe_category=row["ademe_category"],
                ademe_type=row["ademe_type"],
                source=row["source"],
                source_date=date.fromisoformat(row["source_date"]),
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        }


def category_factor(slug):
    """kg CO2e of the data file for a category code, or None (unknown code or no figure)."""
    factor = factors().get(slug)
    return factor.kgco2e if factor else None


# Boavizta user-terminal archetypes by category code (config keys of boaviztapi).
_BOAVIZTA_TERMINALS = {
    "laptop": ("Laptop", "default_laptop"),
    "desktop": ("Desktop", "default_desktop"),
    "monitor": ("Monitor", "default_monitor"),
    "smartphone": ("Smartphone", "default_smartphone"),
    "tablet": ("Tablet", "default_tablet"),
    "television": ("Television", "default_tv"),
    "internet-box": ("Box", "default_box"),
    "external-ssd": ("ExternalSSD", "default_external_ssd"),
    "external-hdd": ("ExternalHDD", "default_external_hdd"),
    "usb-stick": ("UsbStick", "default_usb_stick"),
}


@lru_cache(maxsize=32)
def boavizta_embodied(slug):
    """Embodied kg CO2e of Boavizta's default archetype for this category, or None.

    Needs the optional ``boaviztapi`` package (AGPL-3.0, heavy): without it, or for a category
    Boavizta does not model, or if its internal API changed, the answer is None.
    """
    if slug not in _BOAVIZTA_TERMINALS or importlib.util.find_spec("boaviztapi") is None:
        return None
    class_name, archetype_key = _BOAVIZTA_TERMINALS[slug]
    try:
        from boaviztapi import config
        from boaviztapi.dto.device import user_terminal
        from boaviztapi.service.allocation import Allocation
        from boaviztapi.service.archetype import get_user_terminal_archetype
        from boaviztapi.service.bottom_up import bottom_up

        archetype = get_user_terminal_archetype(config[archetype_key])
        device = user_terminal.mapper_user_terminal(
            getattr(user_terminal, class_name)(), archetype=archetype
        )
        gwp = bottom_up(model=device, allocation=Allocation.TOTAL, selected_criteria=["gwp"])["gwp"]
        embedded = gwp.get("embedded", gwp.get("manufacture"))
        value = embedded["value"] if isinstance(embedded, dict) else embedded
        return Decimal(str(value)).quantize(CENT)
    except Exception:  # noqa: BLE001 - an optional extra must never break the register
        return None


def embodied_kgco2e(device):
    """Embodied kg CO2e of one device (model, then category, then data file, then Boavizta)."""
    model = device.model
    category = model.category
    for figure in (model.embodied_kgco2e, category.embodied_kgco2e, category_factor(category.slug)):
        if figure is not None:
            return Decimal(figure)
    return boavizta_embodied(category.slug)


def embodied_expression(prefix=""):
    """SQL: the same figure as ``embodied_kgco2e`` minus the Boavizta step (NULL if unknown)."""
    file_figures = [
        When(**{f"{prefix}model__category__slug": slug}, then=Value(figure))
        for slug, figure in ((f.category, f.kgco2e) for f in factors().values())
        if figure is not None
    ]
    return Coalesce(
        F(f"{prefix}model__embodied_kgco2e"),
        F(f"{prefix}model__category__embodied_kgco2e"),
        Case(*file_figures, default=Value(None), output_field=KG),
        output_field=KG,
    )


class DaysBetween(Func):
    """Days from one date expression to another, on SQLite and PostgreSQL alike."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            sql = f"((({end})::date - ({start})::date)::double precision)"
        else:
            sql = f"(julianday({end}) - julianday({start}))"
        return sql, (*end_params, *start_params)


class AddYears(Func):
    """A date expression plus a number of years (negative to go back)."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra):
        day, day_params = compiler.compile(self.source_expressions[0])
        years, years_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            sql = f"(({day})::date + make_interval(years => ({years})::integer))::date"
        else:
            sql = f"date({day}, CAST(({years}) AS TEXT) || ' years')"
        return sql, (*day_params, *years_params)


def years_served(purchase_date, until):
    """Years from purchase to ``until``, at least one (a new device is charged one full year)."""
    if purchase_date is None:
        return None
    days = (until - purchase_date).days
    return max(Decimal(1), Decimal(days) / Decimal(str(DAYS_PER_YEAR)))


def annualised_kgco2e(embodied, years):
    """Embodied footprint spread over the years actually served."""
    if embodied is None or not years:
        return None
    return (Decimal(embodied) / Decimal(years)).quantize(CENT, ROUND_HALF_UP)


def extension_share(years, lifespan):
    """Share of one manufacturing that an extension of ``years`` postpones (at most one)."""
    lifespan = max(int(lifespan or 0), 1)
    return Decimal(min(int(years), lifespan)) / Decimal(lifespan)


def extension_avoided_kgco2e(embodied, years, lifespan):
    """kg CO2e avoided by keeping a device ``years`` more: embodied × min(Δ, L) ÷ L."""
    if embodied is None:
        return None
    return (Decimal(embodied) * extension_share(years, lifespan)).quantize(CENT, ROUND_HALF_UP)


def extension_saved_eur(price, years, lifespan):
    """€ deferred by keeping a device ``years`` more: price × min(Δ, L) ÷ L."""
    if price is None:
        return None
    return (Decimal(price) * extension_share(years, lifespan)).quantize(CENT, ROUND_HALF_UP)


def reuse_avoided_kgco2e(embodied, displacement):
    """kg CO2e avoided by a repair or a reuse: embodied × displacement rate (Restart Project)."""
    if embodied is None:
        return None
    return (Decimal(embodied) * Decimal(displacement)).quantize(CENT, ROUND_HALF_UP)


def with_footprint(queryset, *, today=None, extension_years=None, displacement=None):
    """Annotate footprint figures on a Device queryset, computed in SQL.

    ``embodied_kgco2e``, ``years_served`` (at least one; service ends at the last status change
    for devices that left service), ``annualised_kgco2e``, ``extension_avoided_kgco2e`` (for
    ``extension_years``) and ``reuse_avoided_kgco2e`` (for ``displacement``). Defaults of the
    last two come from the review settings.
    """
    if extension_years is None or displacement is None:
        thresholds = ReviewSettings.current()
        extension_years = thresholds.extend_years if extension_years is None else extension_years
        displacement = thresholds.displacement_rate if displacement is None else displacement
    today = today or timezone.localdate()
    embodied = embodied_expression()
    embodied_float = Cast(embodied, FloatField())
    service_end = Case(
        When(status__in=OUT_OF_SERVICE, then=TruncDate("status_changed_at")),
        default=Value(today),
    )
    served = Greatest(Value(1.0), DaysBetween("purchase_date", service_end) / Value(DAYS_PER_YEAR))
    lifespan = Greatest(F("model__category__planned_lifespan_years"), Value(1))
    postponed = Case(
        When(Q(model__category__planned_lifespan_years__lt=extension_years),
             then=Value(1.0)),
        default=Value(float(extension_years)) / Cast(lifespan, FloatField()),
        output_field=FloatField(),
    )
    return queryset.annotate(
        embodied_kgco2e=embodied,
        years_served=served,
        annualised_kgco2e=embodied_float / served,
        extension_avoided_kgco2e=embodied_float * postponed,
        reuse_avoided_kgco2e=embodied_float * Value(float(displacement)),
    )
