"""Reports on a large fleet (``BENCH_ONLY=reports``): dashboard, lifespans, annual report.

Each is timed against a baseline measured in the same run that computes the same core figures
in Python from fetched rows — every device and every journal line loaded as tuples, then
grouped, sorted and walked in Python — which is what a spreadsheet-style first version does.
The baseline covers the figures that dominate the cost (statuses and exits from the journal,
Kaplan–Meier by category, the fleet on 31 December and the year's purchases); the benchmark
checks that both give the same numbers on those figures.
"""

import datetime as dt
import sys
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_DEVICES, ensure_fleet, measure, print_report, setup_django  # noqa: E402

EXIT = ("retired", "available", "reserved", "donated", "recycled", "lost")
ACTIVE = ("in_stock", "in_service", "in_repair")


def _fetch():
    """Every device and journal line as tuples (the baseline's raw material)."""
    from inventory.models import Device, Event

    devices = list(Device.objects.values_list(
        "pk", "use_date", "purchase_date", "status", "status_changed_at", "created_at", "model__category__slug",
        "purchase_price", "acquired_as"))
    events = list(Event.objects.values_list("device_id", "at", "to_status", "kind").order_by("device_id", "at", "id"))
    return devices, events


def naive_lifespans(as_of):
    """Kaplan–Meier median by category, computed in Python from every row."""
    from django.utils import timezone

    from reports.lifespans import cutoff_start, kaplan_meier

    cutoff = cutoff_start(as_of)
    devices, events = _fetch()
    first_exit = {}
    for device_id, at, to_status, _kind in events:
        if to_status in EXIT and at < cutoff and device_id not in first_exit:
            first_exit[device_id] = at
    groups = defaultdict(lambda: defaultdict(int))
    for pk, use, bought, status, changed, _created, slug, _price, _acq in devices:
        start = use or bought
        if start is None or start > as_of:
            continue
        exit_at = first_exit.get(pk) or (changed if status in EXIT and changed < cutoff else None)
        end = timezone.localtime(exit_at).date() if exit_at else as_of
        groups[slug][(max(0, (end - start).days), 1 if exit_at else 0)] += 1
    return {slug: kaplan_meier([(d, e, n) for (d, e), n in rows.items()]).median_days for slug, rows in groups.items()}


def naive_annual(year):
    """Fleet by status on 31/12 (from the journal), exits by route and purchases of ``year``."""
    from reports.lifespans import cutoff_start

    start, end = cutoff_start(dt.date(year - 1, 12, 31)), cutoff_start(dt.date(year, 12, 31))
    devices, events = _fetch()
    status_then, exits = {}, defaultdict(set)
    for device_id, at, to_status, _kind in events:
        if to_status and at < end:
            status_then[device_id] = to_status
        if to_status in ("donated", "recycled", "lost") and start <= at < end:
            exits[to_status].add(device_id)
    by_status = defaultdict(int)
    bought, spent = 0, 0
    for pk, _use, purchase, status, changed, created, _slug, price, _acq in devices:
        then = status_then.get(pk) or (status if created < end and changed < end else None)
        if then:
            by_status[then] += 1
        if purchase and purchase.year == year:
            bought += 1
            spent += price or 0
    return {"by_status": dict(by_status), "exits": {k: len(v) for k, v in exits.items()},
            "purchases": (bought, spent)}


def naive_dashboard(today):
    """Fleet by status and category, and exits of the year, from every row."""
    devices, events = _fetch()
    table = defaultdict(int)
    for _pk, _use, _bought, status, _changed, _created, slug, _price, _acq in devices:
        table[(slug, status)] += 1
    exits = defaultdict(set)
    for device_id, at, to_status, _kind in events:
        if to_status in ("donated", "recycled", "lost") and at.year == today.year:
            exits[to_status].add(device_id)
    return table, {k: len(v) for k, v in exits.items()}


def main():
    from django.apps import apps

    if not apps.ready:
        setup_django()
    from django.db import connection
    from django.utils import timezone

    from inventory.models import Event
    from reports import annual, lifespans, queries, sources

    devices = ensure_fleet(DEFAULT_DEVICES)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    events = Event.objects.count()
    today = timezone.localdate()
    year = today.year - 1
    owner = sources.current_owner()

    from reports.db import without_jit

    @without_jit()
    def our_lifespans():
        return {c.key: c.median_days for c in lifespans.survival_by("category", as_of=today, minimum=1)}

    @without_jit()
    def our_annual():
        return annual.build(year=year, owner=owner)

    @without_jit()
    def our_dashboard():
        return queries.dashboard(owner=owner, today=today)

    measured = []
    for name, ours, naive in (
        ("dashboard", our_dashboard, lambda: naive_dashboard(today)),
        ("lifespans (KM by category)", our_lifespans, lambda: naive_lifespans(today)),
        (f"annual report {year}", our_annual, lambda: naive_annual(year)),
    ):
        our_s, our_q = measure(ours, repeat=2)
        started = time.perf_counter()
        naive_result = naive()
        naive_s = time.perf_counter() - started
        measured.append((name, our_s, our_q, naive_s, ours(), naive_result))

    rows = []
    for name, our_s, our_q, naive_s, _ours, _naive in measured:
        rows.append({"figure": name, "SQL (s)": our_s, "queries": our_q, "Python baseline (s)": naive_s,
                     "baseline queries": 2, "speed-up": naive_s / our_s if our_s else None})
    print_report(f"reports over {devices:,} devices / {events:,} events on {connection.vendor}", rows)

    dash, life, ann = (m[4] for m in measured)
    naive_dash, naive_life, naive_ann = (m[5] for m in measured)
    same_life = life == naive_life
    same_fleet = {(r["slug"], s): n for r in dash["fleet"]["rows"] for s, n in r["counts"].items() if n} == {
        k: v for k, v in naive_dash[0].items() if v}
    same_annual = (
        {k: v for k, v in ann["fleet"]["by_status"].items() if v} == naive_ann["by_status"]
        and {k: v for k, v in ann["exits"]["by_route"].items() if v} == naive_ann["exits"]
        and (ann["purchases"]["devices"], ann["purchases"]["ht"]) == naive_ann["purchases"]
    )
    print(f"same figures as the baseline: dashboard fleet {'yes' if same_fleet else 'NO'}, "
          f"KM medians {'yes' if same_life else 'NO'}, annual fleet/exits/purchases {'yes' if same_annual else 'NO'}")
    print("targets (issue 11): dashboard < 1 s, annual report < 10 s at 100k devices / 1M events on PostgreSQL")


if __name__ == "__main__":
    setup_django()
    main()
