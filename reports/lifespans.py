"""How long devices really last: Kaplan–Meier survival from the journal (issue 11, docs/reports.md).

Service life runs from ``use_date`` (else the purchase date) to the device's **first permanent
exit from service**: the first journal event that took it to an out-of-service status
(``inventory.footprint.OUT_OF_SERVICE``: retired, offered, reserved, donated, recycled, lost).
A device retired then redeployed counts as exited at its first retirement: its first service
life ended there. Devices with an out-of-service status but no such event (imported fleets)
fall back to ``status_changed_at``.

Devices still in service are **censored**: we know they lasted at least until the cut-off day.
A median over exited devices only under-estimates lifespans (the long-lived ones are still
running), so medians come from the Kaplan–Meier product-limit estimator, with Greenwood's
variance on the log(−log) scale for the confidence interval (the "exponential Greenwood"
interval, also lifelines' default) and the number at risk at each whole year.

The database does the heavy part: one grouped query returns, per group, the count of devices
for each (duration in days, exited or not) pair — a few thousand rows for 100k devices —
and the estimator walks those tuples in Python, O(distinct durations).
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from statistics import NormalDist

from django.conf import settings
from django.db.models import Case, Count, DateField, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, TruncDate

from inventory.footprint import DAYS_PER_YEAR, OUT_OF_SERVICE, DaysBetween
from inventory.models import Device, Event

#: Group keys a survival table can be computed by: name → (key field, label field).
GROUPINGS = {
    "category": ("model__category__slug", "model__category__name"),
    "model": ("model_id", "model__name"),
    "manufacturer": ("model__manufacturer", "model__manufacturer"),
    "supplier": ("supplier", "supplier"),
}


def min_sample():
    """Smallest number of devices a group needs before it is ranked or charted (setting)."""
    return int(settings.PROLONGE.get("REPORTS_MIN_SAMPLE", 30))


def cutoff_start(as_of):
    """The first instant after day ``as_of`` (events strictly before it count)."""
    from inventory.review.base import day_start

    return day_start(as_of + dt.timedelta(days=1))


def first_exit_subquery(as_of):
    """Subquery: the time of the device's first move out of service on or before ``as_of``."""
    return Subquery(
        Event.objects.filter(device=OuterRef("pk"), to_status__in=OUT_OF_SERVICE, at__lt=cutoff_start(as_of))
        .order_by("at")
        .values("at")[:1]
    )


def with_service_life(queryset=None, *, as_of):
    """Annotate ``start``, ``exit_day`` (None while in service), ``days`` and ``exited`` (0/1).

    Devices without a start date, or started after ``as_of``, are excluded: they have no
    service life to measure yet.
    """
    queryset = Device.objects.all() if queryset is None else queryset
    start = Coalesce("use_date", "purchase_date", output_field=DateField())
    imported_exit = Q(status__in=OUT_OF_SERVICE, status_changed_at__lt=cutoff_start(as_of))
    return (
        queryset.annotate(start=start, first_exit=first_exit_subquery(as_of))
        .filter(start__isnull=False, start__lte=as_of)
        .annotate(
            exit_at=Coalesce(
                "first_exit",
                # An imported device that left service with no journal line before the cut-off.
                Case(When(imported_exit, then=F("status_changed_at")), default=Value(None)),
            )
        )
        .annotate(exit_day=TruncDate("exit_at"))
        .annotate(
            end=Coalesce("exit_day", Value(as_of), output_field=DateField()),
            exited=Case(When(exit_day__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        # A start typed after the exit (bad data) counts as a zero-day service, not a negative one.
        .annotate(days=Greatest(Value(0), Cast(DaysBetween("start", "end"), IntegerField())))
    )


def signed_service_days(as_of):
    """SQL: days served, ``d ≥ 0`` for a device that exited, ``−d − 1`` for one still in service.

    One expression holding both the duration and the censoring flag, so that the first-exit
    lookup runs once per device: PostgreSQL does not share a correlated subquery between two
    annotations, and grouping by (days, exited) ran it twice (1.2 s → 0.6 s at 100k devices).
    Same definitions as ``with_service_life``.
    """
    start = Coalesce("use_date", "purchase_date", output_field=DateField())
    exit_days = Subquery(
        Event.objects.filter(device=OuterRef("pk"), to_status__in=OUT_OF_SERVICE, at__lt=cutoff_start(as_of))
        .order_by("at")
        .annotate(served=Greatest(Value(0), Cast(DaysBetween(OuterRef("start"), TruncDate("at")), IntegerField())))
        .values("served")[:1],
        output_field=IntegerField(),
    )
    imported_exit = Q(status__in=OUT_OF_SERVICE, status_changed_at__lt=cutoff_start(as_of))
    imported_days = Greatest(Value(0), Cast(DaysBetween("start", TruncDate("status_changed_at")), IntegerField()))
    censored = Value(-1) - Greatest(Value(0), Cast(DaysBetween("start", Value(as_of)), IntegerField()))
    return start, Coalesce(
        exit_days,
        Case(When(imported_exit, then=imported_days), default=censored),
        output_field=IntegerField(),
    )


def duration_counts(queryset=None, *, as_of, by=None):
    """Rows ``(group key, group label, days, exited, devices)`` aggregated in SQL (one query).

    ``by`` is a key of ``GROUPINGS`` or None for the whole fleet.
    """
    queryset = Device.objects.all() if queryset is None else queryset
    start, signed = signed_service_days(as_of)
    qs = queryset.annotate(start=start).filter(start__isnull=False, start__lte=as_of).annotate(signed=signed)
    fields = list(GROUPINGS[by]) if by else []
    rows = qs.values(*fields, "signed").annotate(n=Count("id")).values_list(*fields, "signed", "n").order_by()
    result = []
    for row in rows:
        key, label = (row[0], row[1]) if by else (None, None)
        signed_days, n = row[-2], row[-1]
        exited = 1 if signed_days >= 0 else 0
        result.append((key, label, signed_days if exited else -signed_days - 1, exited, n))
    return result


@dataclass
class Survival:
    """A Kaplan–Meier estimate: steps at each event time, median with its interval, at-risk table."""

    label: str
    devices: int
    exits: int
    times: list = field(default_factory=list)  # days with at least one exit
    survival: list = field(default_factory=list)
    lower: list = field(default_factory=list)
    upper: list = field(default_factory=list)
    at_risk_by_year: list = field(default_factory=list)  # [(year, devices at risk at its start)]
    median_days: float | None = None
    median_lower_days: float | None = None
    median_upper_days: float | None = None
    key: object = None

    @property
    def censored(self):
        return self.devices - self.exits

    @property
    def median_years(self):
        return _years(self.median_days)

    @property
    def median_lower_years(self):
        return _years(self.median_lower_days)

    @property
    def median_upper_years(self):
        return _years(self.median_upper_days)

    def survival_at(self, days):
        """S(t): the share still in service after ``days`` days."""
        value = 1.0
        for time, s in zip(self.times, self.survival, strict=True):
            if time > days:
                break
            value = s
        return value


def _years(days):
    return None if days is None else days / DAYS_PER_YEAR


def kaplan_meier(counts, *, label="", key=None, alpha=0.05, years=10):
    """Kaplan–Meier from ``[(days, exited, devices), …]`` (any order, repeated keys allowed).

    Censored observations at a time t are still at risk at t (the usual convention). The
    confidence interval of S(t) is exp(−exp(log(−log S) ± z·σ)), σ² = Σ d/(n(n−d)) / (log S)²;
    the median's interval is where those bounds cross 0.5 (Brookmeyer–Crowley style), None when
    a curve never falls to 0.5 (the median is then "more than" the longest follow-up).
    """
    exits_at, censored_at = {}, {}
    for days, exited, n in counts:
        target = exits_at if exited else censored_at
        target[days] = target.get(days, 0) + n
    devices = sum(exits_at.values()) + sum(censored_at.values())
    result = Survival(label=label, devices=devices, exits=sum(exits_at.values()), key=key)
    if not devices:
        return result
    z = NormalDist().inv_cdf(1 - alpha / 2)
    at_risk, s, greenwood = devices, 1.0, 0.0
    all_times = sorted(set(exits_at) | set(censored_at))
    year_marks = [(year, year * DAYS_PER_YEAR) for year in range(years + 1)]
    mark = 0
    for time in all_times:
        while mark < len(year_marks) and year_marks[mark][1] <= time:
            result.at_risk_by_year.append((year_marks[mark][0], at_risk))
            mark += 1
        d = exits_at.get(time, 0)
        if d:
            s *= 1 - d / at_risk
            greenwood = greenwood + d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
            lower, upper = _loglog_interval(s, greenwood, z)
            result.times.append(time)
            result.survival.append(s)
            result.lower.append(lower)
            result.upper.append(upper)
        at_risk -= d + censored_at.get(time, 0)
    while mark < len(year_marks):
        result.at_risk_by_year.append((year_marks[mark][0], at_risk))
        mark += 1
    result.median_days = _first_below(result.times, result.survival)
    result.median_lower_days = _first_below(result.times, result.lower)
    result.median_upper_days = _first_below(result.times, result.upper)
    return result


def _loglog_interval(s, variance, z):
    if s <= 0.0:
        return 0.0, 0.0
    if s >= 1.0 or math.isinf(variance):
        return (0.0, 1.0) if math.isinf(variance) else (1.0, 1.0)
    sigma = math.sqrt(variance) / abs(math.log(s))
    log_minus_log = math.log(-math.log(s))
    lower = math.exp(-math.exp(log_minus_log + z * sigma))
    upper = math.exp(-math.exp(log_minus_log - z * sigma))
    return lower, upper


def _first_below(times, values, threshold=0.5):
    for time, value in zip(times, values, strict=True):
        if value <= threshold:
            return float(time)
    return None


def survival(queryset=None, *, as_of, label=""):
    """Kaplan–Meier of a device queryset (the whole fleet by default), one query."""
    rows = duration_counts(queryset, as_of=as_of)
    return kaplan_meier([(days, exited, n) for _, _, days, exited, n in rows], label=label)


def survival_by(by, queryset=None, *, as_of, minimum=None, counts=None):
    """One Kaplan–Meier per group (``GROUPINGS`` key), largest groups first; one query.

    Groups with fewer devices than ``minimum`` (default ``min_sample()``) are left out.
    ``counts``: the rows of ``duration_counts(queryset, as_of=as_of, by=by)`` if already fetched.
    """
    minimum = min_sample() if minimum is None else minimum
    groups = {}
    counts = duration_counts(queryset, as_of=as_of, by=by) if counts is None else counts
    for key, label, days, exited, n in counts:
        groups.setdefault((key, label), []).append((days, exited, n))
    curves = [kaplan_meier(rows, label=str(label or "—"), key=key) for (key, label), rows in groups.items()]
    return sorted((c for c in curves if c.devices >= minimum), key=lambda c: (-c.devices, c.label))


def model_ranking(*, as_of, minimum=None, queryset=None, counts=None):
    """Per category, its models by Kaplan–Meier median (longest first), with sample sizes.

    Only models with at least ``minimum`` devices are ranked ("never rank on 3 devices"); a
    model whose curve never reaches 0.5 ranks first (its median exceeds its follow-up). Two
    queries: the grouped durations (unless given as ``counts``, by model) and the models' categories.
    """
    from inventory.models import DeviceModel

    curves = survival_by("model", queryset, as_of=as_of, minimum=minimum, counts=counts)
    models = {
        row[0]: row[1:]
        for row in DeviceModel.objects.filter(pk__in=[c.key for c in curves]).values_list(
            "pk", "manufacturer", "name", "category__slug", "category__name", "repairability_index"
        )
    }
    by_category = {}
    for curve in curves:
        manufacturer, name, slug, category, index = models[curve.key]
        curve.label = f"{manufacturer} {name}"
        curve.repairability_index = index
        by_category.setdefault((slug, category), []).append(curve)
    ranking = []
    for (slug, category), items in sorted(by_category.items(), key=lambda item: item[0][1]):
        items.sort(key=lambda c: (c.median_days is not None, -(c.median_days or 0), c.label))
        ranking.append({"slug": slug, "category": category, "models": items})
    return ranking


def lifespan_vs_repairability(*, as_of, minimum=None, queryset=None, ranking=None):
    """Models with a repairability index: (index, median years, devices), by index.

    ``ranking``: a ``model_ranking`` already computed for the same arguments (spares its queries).
    """
    rows = []
    if ranking is None:
        ranking = model_ranking(as_of=as_of, minimum=minimum, queryset=queryset)
    for group in ranking:
        for curve in group["models"]:
            if curve.repairability_index is not None:
                rows.append(
                    {
                        "model": curve.label,
                        "category": group["category"],
                        "index": curve.repairability_index,
                        "median_years": curve.median_years,
                        "devices": curve.devices,
                        "exits": curve.exits,
                        "model_id": curve.key,
                    }
                )
    return sorted(rows, key=lambda row: (row["index"], row["model"]))


ACTIVE = ("in_stock", "in_service", "in_repair")


def age_pyramid(*, as_of, max_years=10, queryset=None):
    """Devices in use on ``as_of`` (in stock, in service, in repair) by category and whole age year.

    Ages of ``max_years`` or more share the last band. One grouped query. Returns
    ``{"bands": [0..max_years], "rows": [{"slug", "category", "counts": [...], "total"}]}``.
    """
    queryset = Device.objects.all() if queryset is None else queryset
    start = Coalesce("use_date", "purchase_date", output_field=DateField())
    # Floor before the cast: PostgreSQL rounds a cast to integer, SQLite truncates.
    age = Cast(Floor(DaysBetween(start, Value(as_of)) / Value(DAYS_PER_YEAR)), IntegerField())
    rows = (
        queryset.filter(status__in=ACTIVE)
        .annotate(start=start)
        .filter(start__isnull=False)
        .annotate(age=age)
        .values_list("model__category__slug", "model__category__name", "age")
        .annotate(n=Count("id"))
        .order_by()
    )
    table = {}
    for slug, name, years, n in rows:
        entry = table.setdefault(slug, {"slug": slug, "category": name, "counts": [0] * (max_years + 1)})
        entry["counts"][min(max(int(years or 0), 0), max_years)] += n
    result = sorted(table.values(), key=lambda row: row["category"])
    for row in result:
        row["total"] = sum(row["counts"])
    return {"bands": list(range(max_years + 1)), "rows": result}


def lifespans_at_exit(year, *, queryset=None):
    """Devices whose service ended in ``year``: count and mean / median years served (one query)."""
    as_of = dt.date(year, 12, 31)
    start, end = cutoff_start(dt.date(year - 1, 12, 31)), cutoff_start(as_of)
    # Only devices with an exit in the year can have their first exit in it: narrowing to them
    # first spares the first-exit lookup for the rest of the fleet.
    candidates = Q(
        pk__in=Event.objects.filter(to_status__in=OUT_OF_SERVICE, at__gte=start, at__lt=end).values("device")
    ) | Q(status__in=OUT_OF_SERVICE, status_changed_at__gte=start, status_changed_at__lt=end)
    queryset = (Device.objects.all() if queryset is None else queryset).filter(candidates)
    rows = (
        with_service_life(queryset, as_of=as_of)
        .filter(exit_day__gte=dt.date(year, 1, 1), exit_day__lte=as_of)
        .values_list("days")
        .annotate(n=Count("id"))
        .order_by("days")
    )
    rows = list(rows)
    total = sum(n for _, n in rows)
    if not total:
        return {"devices": 0, "mean_years": None, "median_years": None}
    mean = sum(days * n for days, n in rows) / total
    half, seen, median = total / 2, 0, None
    for days, n in rows:
        seen += n
        if seen >= half:
            median = days
            break
    return {"devices": total, "mean_years": mean / DAYS_PER_YEAR, "median_years": median / DAYS_PER_YEAR}
