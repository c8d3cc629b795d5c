"""Years served at exit, per exit year and group (issue 11 item 1; docs/reports.md).

``lifespans.lifespans_at_exit(year)`` gives the whole fleet's figure for one year; this module
gives the same figure per exit year and per group (category, model, manufacturer, supplier)
in one query. These are figures at exit, not lifespans: devices still in service are left
out, so compare lifespans with the Kaplan–Meier medians of ``lifespans``.
"""

import datetime as dt

from django.db.models import Case, Count, DateField, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear, Greatest, TruncDate

from inventory.footprint import OUT_OF_SERVICE, DaysBetween
from inventory.models import Device, Event

from .lifespans import GROUPINGS, _years, cutoff_start, min_sample


def _mean_and_median(rows):
    """(devices, mean days, median days) of ``[(days, devices), …]`` sorted by days (lower median)."""
    total = sum(n for _, n in rows)
    if not total:
        return 0, None, None
    mean = sum(days * n for days, n in rows) / total
    seen = 0
    for days, n in rows:
        seen += n
        if seen >= total / 2:
            return total, mean, days
    return total, mean, None  # pragma: no cover (seen reaches total)


#: ``year × YEAR_CODE + days``: an exit year and the days served in one integer (days < YEAR_CODE).
YEAR_CODE = 100_000


def _exit_year_and_days(as_of):
    """SQL: ``(start, exit year × YEAR_CODE + days served)`` of the first exit on or before ``as_of``.

    None while in service. One expression for both, so that PostgreSQL runs the first-exit
    lookup once per device (it does not share a correlated subquery between annotations, and
    grouping by year and days separately ran it four times: 1.96 s → 0.74 s by category at 100k).
    Same definitions as ``with_service_life``.
    """
    start = Coalesce("use_date", "purchase_date", output_field=DateField())

    def encode(at, start_ref):
        day = TruncDate(at)
        served = Greatest(Value(0), Cast(DaysBetween(start_ref, day), IntegerField()))
        return ExtractYear(day) * Value(YEAR_CODE) + served

    first = Subquery(
        Event.objects.filter(device=OuterRef("pk"), to_status__in=OUT_OF_SERVICE, at__lt=cutoff_start(as_of))
        .order_by("at")
        .annotate(code=encode("at", OuterRef("start")))
        .values("code")[:1],
        output_field=IntegerField(),
    )
    imported_exit = Q(status__in=OUT_OF_SERVICE, status_changed_at__lt=cutoff_start(as_of))
    imported = Case(When(imported_exit, then=encode("status_changed_at", F("start"))), default=Value(None))
    return start, Coalesce(first, imported, output_field=IntegerField())


def _exit_candidates(first, last, queryset=None):
    """Devices with an exit between the start of ``first`` and the end of ``last`` (a superset).

    As in ``lifespans.lifespans_at_exit``: only those can have their first exit in the span;
    narrowing to them spares the first-exit lookup for the rest of the fleet.
    """
    start, end = cutoff_start(dt.date(first - 1, 12, 31)), cutoff_start(dt.date(last, 12, 31))
    candidates = Q(
        pk__in=Event.objects.filter(to_status__in=OUT_OF_SERVICE, at__gte=start, at__lt=end).values("device")
    ) | Q(status__in=OUT_OF_SERVICE, status_changed_at__gte=start, status_changed_at__lt=end)
    return (Device.objects.all() if queryset is None else queryset).filter(candidates)


def lifespans_at_exit_by(by, *, years, queryset=None, minimum=None):
    """Years served at exit per exit year and group (``GROUPINGS`` key), in one query.

    ``years`` is an iterable of exit years (e.g. ``range(2021, 2026)``). A device counts in the
    year of its **first** permanent exit, with the same definitions as ``lifespans.lifespans_at_exit``
    (which gives the whole-fleet figure of one year: the groups of a year add up to it). The
    first exit before a cut-off is also the first exit before any later cut-off, so one query
    at the end of the last year serves every year. Groups with fewer exits in total over the
    years than ``minimum`` (default ``min_sample()``) are left out.

    Returns ``{"years": [...], "rows": [{"key", "label", "exits": total, "cells": [{"year",
    "devices", "mean_years", "median_years"}, …]}]}``, rows by decreasing exits then label.
    """
    years = sorted(set(years))
    if not years:
        return {"years": [], "rows": []}
    minimum = min_sample() if minimum is None else minimum
    as_of = dt.date(years[-1], 12, 31)
    queryset = _exit_candidates(years[0], years[-1], queryset)
    key, label = GROUPINGS[by]
    start_day, exit_code = _exit_year_and_days(as_of)
    rows = (
        queryset.annotate(start=start_day)
        .filter(start__isnull=False, start__lte=as_of)
        .annotate(code=exit_code)
        .values_list(key, label, "code")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Candidates whose first exit came before the span carry an earlier year: dropped below.
    rows = [(k, lab, code // YEAR_CODE, code % YEAR_CODE, n) for k, lab, code, n in rows if code is not None]
    groups = {}
    for group_key, group_label, year, days, n in rows:
        if year in years:
            groups.setdefault((group_key, group_label), {}).setdefault(year, []).append((days, n))
    result = []
    for (group_key, group_label), by_year in groups.items():
        cells = []
        for year in years:
            devices, mean, median = _mean_and_median(sorted(by_year.get(year, [])))
            cells.append({"year": year, "devices": devices, "mean_years": _years(mean), "median_years": _years(median)})
        exits = sum(cell["devices"] for cell in cells)
        if exits >= minimum:
            result.append({"key": group_key, "label": str(group_label or "—"), "exits": exits, "cells": cells})
    result.sort(key=lambda row: (-row["exits"], row["label"]))
    return {"years": years, "rows": result}


def lifespans_at_exit_by_year(years, *, queryset=None):
    """``{year: {"devices", "mean_years", "median_years"}}`` for several exit years, one query.

    The whole fleet's ``lifespans.lifespans_at_exit(year)`` for each year of ``years`` (same
    definitions, same figures), for the annual report's three-year trend.
    """
    years = sorted(set(years))
    if not years:
        return {}
    queryset = _exit_candidates(years[0], years[-1], queryset)
    start_day, exit_code = _exit_year_and_days(dt.date(years[-1], 12, 31))
    rows = (
        queryset.annotate(start=start_day)
        .filter(start__isnull=False, start__lte=dt.date(years[-1], 12, 31))
        .annotate(code=exit_code)
        .values_list("code")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_year = {}
    for code, n in rows:
        if code is not None:
            by_year.setdefault(code // YEAR_CODE, []).append((code % YEAR_CODE, n))
    result = {}
    for year in years:
        devices, mean, median = _mean_and_median(sorted(by_year.get(year, [])))
        result[year] = {"devices": devices, "mean_years": _years(mean), "median_years": _years(median)}
    return result
