"""Embodied climate footprint of devices, and what extending or reusing them avoids.

Every number and formula here is stated, with its source, in ``docs/footprint.md``.

Embodied footprint (kg CO2e, whole life cycle except use) of a device, in this order:
1. its model's own figure (``DeviceModel.embodied_kgco2e``, e.g. from a manufacturer's PCF);
2. its category's default: ``Category.embodied_kgco2e`` when someone set it, else the figure of
   the data set in force (``settings.PROLONGE["FOOTPRINT_DATASET"]``): ``negaoctet`` — NegaOctet
   data distributed by Boavizta, ``inventory/data/footprint_negaoctet.csv`` — or ``ademe2022``
   — the ADEME–Arcep 2022 study, ``inventory/data/footprint_ademe2022.csv``;
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

from django.conf import settings
from django.db.models import Case, DateField, DecimalField, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone

from .models import ReviewSettings

DATA_DIR = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")
DAYS_PER_YEAR = 365.25
KG = DecimalField(max_digits=12, decimal_places=2)
# Statuses in which a device no longer serves the authority: its service ended when it got there.
OUT_OF_SERVICE = ("retired", "available", "reserved", "donated", "recycled", "lost")


@dataclass(frozen=True)
class Dataset:
    """A data set of category defaults, with what a reader needs to judge it (method page)."""

    key: str
    label: str
    source: str
    licence: str
    vintage: str
    retrieved: date
    file: Path


DATASETS = {
    "negaoctet": Dataset(
        key="negaoctet",
        label="NegaOctet, data distributed by Boavizta",
        source="boaviztapi 2.5.0, data/crowdsourcing/ademe_base_impacts_negaoctet.csv, GWP column "
               "(NegaOctet figures published in ADEME's Base Impacts)",
        licence="boaviztapi: AGPL-3.0; NegaOctet data: terms of ADEME's Base Impacts",
        vintage="NegaOctet inventory collected 2018–2021, published in ADEME's Base Impacts in "
                "January 2023",
        retrieved=date(2026, 11, 29),
        file=DATA_DIR / "footprint_negaoctet.csv",
    ),
    "ademe2022": Dataset(
        key="ademe2022",
        label="ADEME–Arcep 2022 study (Impact CO2)",
        source="incubateur-ademe/impactco2, src/data/categories/numerique.json: sum of the "
               "manufacturing, distribution and end-of-life phases",
        licence="see the impactco2 repository (not checked here)",
        vintage="ADEME–Arcep study on the environmental footprint of digital technology in "
                "France, 2022",
        retrieved=date(2026, 12, 3),
        file=DATA_DIR / "footprint_ademe2022.csv",
    ),
}
DEFAULT_DATASET = "negaoctet"
FACTORS_FILE = DATASETS[DEFAULT_DATASET].file


def current_dataset():
    """The data set of category defaults in force: ``settings.PROLONGE["FOOTPRINT_DATASET"]``."""
    key = getattr(settings, "PROLONGE", {}).get("FOOTPRINT_DATASET", DEFAULT_DATASET)
    return DATASETS.get(key, DATASETS[DEFAULT_DATASET])


@dataclass(frozen=True)
class Factor:
    """One row of a data file: a category's default embodied footprint."""

    category: str
    kgco2e: Decimal | None
    dataset_category: str
    dataset_type: str
    note: str
    dataset: Dataset


@lru_cache(maxsize=4)
def _read(key):
    dataset = DATASETS[key]
    with dataset.file.open(newline="", encoding="utf-8") as handle:
        return {
            row["category"]: Factor(
                category=row["category"],
                kgco2e=Decimal(row["kgco2e"]) if row["kgco2e"].strip() else None,
                dataset_category=row["dataset_category"],
                dataset_type=row["dataset_type"],
                note=row["note"],
                dataset=dataset,
            )
            for row in csv.DictReader(handle)
        }


def factors(dataset=None):
    """A data file (the one in force by default), by category code (``laptop``, ``printer``…)."""
    return _read((dataset or current_dataset()).key)


def category_factor(slug):
    """kg CO2e of the data file in force for a category code, or None (unknown code or no figure)."""
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
    return embodied_origin(device)[0]


def embodied_origin(device):
    """(kg CO2e, where it comes from): "model", "category", "dataset", "boavizta" or None."""
    model = device.model
    category = model.category
    for figure, origin in ((model.embodied_kgco2e, "model"), (category.embodied_kgco2e, "category"),
                           (category_factor(category.slug), "dataset")):
        if figure is not None:
            return Decimal(figure), origin
    figure = boavizta_embodied(category.slug)
    return figure, ("boavizta" if figure is not None else None)


def uses_category_default(device):
    """True for a server whose footprint is a category default: the page warns (DOMAIN.md §5)."""
    return device.model.category.slug == "server" and embodied_origin(device)[1] not in ("model", None)


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


def device_footprint(device, today=None):
    """What the device page shows: embodied kg, where it comes from, years served, kg per year.

    ``server_default``: a server charged its category's default (3–4× a bottom-up server): the
    page says so and asks for a model-level figure.
    """
    today = today or timezone.localdate()
    embodied, origin = embodied_origin(device)
    until = timezone.localdate(device.status_changed_at) if device.status in OUT_OF_SERVICE else today
    years = years_served(device.purchase_date, until)
    return {
        "embodied": embodied, "origin": origin, "years": years,
        "annualised": annualised_kgco2e(embodied, years),
        "server_default": device.model.category.slug == "server" and origin not in ("model", None),
    }
