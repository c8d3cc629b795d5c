"""``run_review()`` on a large fleet against a naive baseline measured in the same run.

The baseline applies the very same rules device by device in Python, the way a first version
would: load the device, its repairs and its flags, test each rule's conditions in Python, then
create / update / resolve its flags one by one. Fleet-level figures that no per-device code
could avoid (the year's reuse rate and the list of oldest retirements that closes the gap) are
computed once for it, not per device. Messages and savings come from the rules' own
``finding(row, ctx)``, so both produce identical flags; the benchmark checks it on the sample.

The baseline is far too slow for 100k devices, so it runs on an evenly spread sample
(BENCH_REVIEW_SAMPLE, default 1,000 devices) inside a transaction that is rolled back, and its
time and query count are extrapolated linearly to the whole fleet — the output says so.
"""

import os
import sys
import time
from contextlib import contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_DEVICES, ensure_fleet, print_report, setup_django  # noqa: E402

SAMPLE = int(os.environ.get("BENCH_REVIEW_SAMPLE", "1000"))


class _Rollback(Exception):
    pass


def naive_rows(device, repairs, snoozed, ctx, reuse_ids):
    """{rule slug: row} for one device: the rules' conditions tested in Python."""
    import datetime as dt

    from inventory import footprint
    from inventory.models import Repair, Status
    from inventory.review.base import day_start, months_before, years_before
    from inventory.review.rules import ACTIVE, UNFIXED_OUTCOMES

    t, today, model = ctx.thresholds, ctx.today, device.model
    category = model.category
    price = next((p for p in (device.replacement_price, model.reference_price, device.purchase_price)
                  if p is not None), None)
    embodied = next((e for e in (model.embodied_kgco2e, category.embodied_kgco2e,
                                 footprint.category_factor(category.slug)) if e is not None), None)
    last = repairs[0] if repairs else None
    status = device.status
    rows = {}

    if "extend" not in snoozed and status == Status.IN_SERVICE:
        lifespan = category.planned_lifespan_years
        past = device.purchase_date is not None and _add_years(device.purchase_date, lifespan) <= today
        year_ago = day_start(years_before(today, 1))
        costs = sum((r.cost if r.cost is not None else (r.estimated_cost or Decimal(0))
                     for r in repairs if r.opened_at >= year_ago), Decimal(0))
        healthy = last is None or last.outcome == Repair.Outcome.FIXED
        extra = ctx.threshold("extend_years", category.pk)
        supported = model.os_upgradable or (model.vendor_support_end is not None
                                            and model.vendor_support_end >= years_before(today, -extra))
        if (device.planned_renewal_year is not None or past) and healthy and supported and price is not None \
                and costs < price * t.extend_repair_share:
            battery_due = bool(model.has_battery and model.battery_replaceable and device.purchase_date
                               and device.purchase_date <= years_before(today, ctx.threshold("battery_years",
                                                                                             category.pk)))
            rows["extend"] = {
                "id": device.pk, "planned_renewal_year": device.planned_renewal_year,
                "bought": device.purchase_date.year if device.purchase_date else None, "battery_due": battery_due,
                "price": price, "repairs_12m": costs, "embodied": embodied, "lifespan": lifespan,
                "ram_gb": model.ram_gb, "storage_kind": model.storage_kind, "category_id": category.pk,
                "ram_upgradable": model.ram_upgradable, "storage_upgradable": model.storage_upgradable,
            }
    if "repair_not_replace" not in snoozed and (
        status == Status.RETIRED or (status in ACTIVE and device.planned_renewal_year is not None)
    ) and last is not None and last.outcome in UNFIXED_OUTCOMES and last.estimated_cost is not None \
            and price is not None and last.estimated_cost < price * t.repair_share:
        rows["repair_not_replace"] = {
            "id": device.pk, "status": status, "planned_renewal_year": device.planned_renewal_year,
            "price": price, "estimate": last.estimated_cost, "fault": last.fault_category, "embodied": embodied,
            "lifespan": category.planned_lifespan_years, "category_id": category.pk,
        }
    if "warranty_ending" not in snoozed and status in ACTIVE and device.warranty_end is not None \
            and today <= device.warranty_end <= today + dt.timedelta(days=t.warranty_days):
        rows["warranty_ending"] = {"id": device.pk, "warranty_end": device.warranty_end}
    if "idle_stock" not in snoozed and status in (Status.IN_STOCK, Status.RETIRED) and not device.is_spare \
            and device.status_changed_at < ctx.days_ago_start(ctx.threshold("idle_days", category.pk)):
        in_stock = status == Status.IN_STOCK
        rows["idle_stock"] = {"id": device.pk, "status": status, "since": localdate(device.status_changed_at),
                              "bought_on": device.purchase_date if in_stock else None,
                              "price": price if in_stock else None, "embodied": embodied,
                              "lifespan": category.planned_lifespan_years if in_stock else None,
                              "category_id": category.pk}
    if "not_seen" not in snoozed and status == Status.IN_SERVICE and (
        device.last_seen is None
        or device.last_seen < day_start(months_before(today, ctx.threshold("not_seen_months", category.pk)))
    ):
        rows["not_seen"] = {"id": device.pk, "seen": localdate(device.last_seen),
                            "since": localdate(device.status_changed_at) if device.last_seen is None else None,
                            "category_id": category.pk}
    if "claim_expired" not in snoozed and status == Status.RESERVED \
            and device.status_changed_at < ctx.days_ago_start(t.claim_pickup_days):
        rows["claim_expired"] = {"id": device.pk, "since": localdate(device.status_changed_at)}
    open_repairs = sorted((r for r in repairs if r.closed_at is None), key=lambda r: (r.opened_at, r.pk))
    if "repair_stalled" not in snoozed and any(
        r.opened_at < ctx.days_ago_start(t.repair_stalled_days) for r in open_repairs
    ):
        rows["repair_stalled"] = {"id": device.pk, "opened": localdate(open_repairs[0].opened_at),
                                  "estimate": open_repairs[0].estimated_cost}
    if device.pk in reuse_ids:
        rows["reuse_target"] = {"id": device.pk, "retired_on": localdate(device.status_changed_at),
                                "embodied": embodied}
    return rows


def localdate(value):
    """An instant's local date, as the rules' rows carry it (None stays None)."""
    from django.utils import timezone

    return None if value is None else timezone.localdate(value)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def naive_review(device_ids, *, today=None):
    """The same rules, device by device; returns how many flags it opened/updated/resolved."""
    from django.utils import timezone

    from inventory.models import Device, Flag
    from inventory.review import registered_rules
    from inventory.review.base import ReviewContext

    ctx = ReviewContext(today=today)
    rules = registered_rules()
    reuse = next(rule for rule in rules if rule.slug == "reuse_target")
    reuse_ids = set(reuse.rows(ctx).values_list("id", flat=True))
    # Rules other apps register or replace (offer_unclaimed; claim_expired, which the reuse app
    # replaces by one reading the claim's deadline) are evaluated by their own query.
    foreign = {rule.slug: {row.get("id", row.get("device_id")): row for row in rule.rows(ctx)} for rule in rules
               if rule.slug == "offer_unclaimed" or not type(rule).__module__.startswith("inventory.")}
    foreign.pop("reuse_target", None)
    counts = {"opened": 0, "updated": 0, "resolved": 0, "kept": 0}
    for device_id in device_ids:
        device = Device.objects.select_related("model__category").get(pk=device_id)
        repairs = list(device.repairs.order_by("-opened_at", "-id"))
        snoozed = set(Flag.objects.filter(
            device=device, resolution__in=[Flag.Resolution.ACCEPTED, Flag.Resolution.DISMISSED],
            resolved_at__gte=ctx.snooze_since,
        ).values_list("rule", flat=True))
        rows = naive_rows(device, repairs, snoozed, ctx, reuse_ids)
        for slug in foreign:
            rows.pop(slug, None)
        rows.update({slug: found[device.pk] for slug, found in foreign.items() if device.pk in found})
        for rule in rules:
            finding = rule.finding(rows[rule.slug], ctx) if rule.slug in rows else None
            flag = Flag.objects.filter(device=device, rule=rule.slug, resolved_at__isnull=True).first()
            now = timezone.now()
            if finding and flag is None:
                Flag.objects.create(device=device, rule=rule.slug, severity=finding.severity,
                                    message=finding.message, savings_eur=finding.savings_eur,
                                    savings_kgco2e=finding.savings_kgco2e, savings_kind=finding.savings_kind,
                                    savings_inputs=finding.savings_inputs, created_at=now, updated_at=now)
                counts["opened"] += 1
            elif finding and (flag.severity, flag.message, flag.savings_eur, flag.savings_kgco2e,
                              flag.savings_kind, flag.savings_inputs) != (
                finding.severity, finding.message, finding.savings_eur, finding.savings_kgco2e,
                finding.savings_kind, finding.savings_inputs,
            ):
                flag.severity, flag.message, flag.updated_at = finding.severity, finding.message, now
                flag.savings_eur, flag.savings_kgco2e = finding.savings_eur, finding.savings_kgco2e
                flag.savings_kind, flag.savings_inputs = finding.savings_kind, finding.savings_inputs
                flag.save()
                counts["updated"] += 1
            elif finding:
                counts["kept"] += 1
            elif flag is not None:
                flag.resolved_at, flag.updated_at, flag.resolution = now, now, Flag.Resolution.AUTO
                flag.save()
                counts["resolved"] += 1
    return counts


class QueryCounter:
    """Counts statements sent to the database (Django's query log keeps only the last 9,000)."""

    def __init__(self):
        import threading

        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        with self._lock:  # two threads may count (``counting``)
            self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting(counter):
    """Count ``counter``'s statements on this connection and on every connection opened meanwhile:
    on PostgreSQL a run shares rules with a worker thread on a connection of its own."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def watch(sender, connection, **kwargs):
        if counter not in connection.execute_wrappers:
            connection.execute_wrappers.append(counter)

    connection_created.connect(watch, weak=False)
    try:
        with connection.execute_wrapper(counter):
            yield counter
    finally:
        connection_created.disconnect(watch)


def _empty_flags(Flag):
    """No flag, as before a real first run: ``TRUNCATE`` on PostgreSQL, not a ``DELETE`` whose
    ~860k dead rows (at 1M devices) autovacuum would have removed before the next night."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Flag._meta.db_table}")
    else:
        Flag.objects.all().delete()


def _best_of(fn, repeat):
    """(best seconds over ``repeat`` runs, statements of one run)."""

    counter, best = QueryCounter(), float("inf")
    for attempt in range(repeat):
        with counting(counter) if attempt == 0 else nullcontext():
            started = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - started)
    return best, counter.count


def _timed_rolled_back(fn):
    """(seconds, queries, result) of ``fn`` run in a transaction that is then rolled back."""
    from django.db import connection, transaction

    box, counter = {}, QueryCounter()
    try:
        with transaction.atomic(), connection.execute_wrapper(counter):
            started = time.perf_counter()
            box["result"] = fn()
            box["seconds"] = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return box["seconds"], counter.count, box["result"]


def main():
    from django.apps import apps

    if not apps.ready:
        setup_django()
    from django.db import connection

    from inventory.models import Device, Flag
    from inventory.review import run_review

    devices = ensure_fleet(DEFAULT_DEVICES)
    if connection.vendor == "postgresql":
        # A freshly bulk-loaded fleet has no planner statistics yet; autovacuum would gather
        # them within minutes on a real database, so the nightly run always has them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    ids = list(Device.objects.order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // SAMPLE)][:SAMPLE]
    scale = len(ids) / len(sample)

    _empty_flags(Flag)
    first_queries = QueryCounter()
    with counting(first_queries):
        started = time.perf_counter()
        first = run_review()
        first_seconds = time.perf_counter() - started
    flags = Flag.objects.filter(resolved_at__isnull=True).count()
    steady_seconds, steady_queries = _best_of(run_review, repeat=3)
    first_peak, steady_peak = _peak_memory(run_review, Flag)

    def naive_cold():
        Flag.objects.all().delete()
        return naive_review(sample)

    cold_s, cold_q, _ = _timed_rolled_back(naive_cold)
    cold_q -= 1  # the DELETE that makes it start from no flag
    warm_s, warm_q, warm = _timed_rolled_back(lambda: naive_review(sample))
    same = warm["opened"] == warm["updated"] == warm["resolved"] == 0

    rows = [
        {"run": "run_review, first run (writes every flag)", "devices": len(ids), "seconds": first_seconds,
         "queries": first_queries.count, "vs naive": (cold_s * scale) / first_seconds},
        {"run": "run_review, next run (nothing changed)", "devices": len(ids), "seconds": steady_seconds,
         "queries": steady_queries, "vs naive": (warm_s * scale) / steady_seconds},
        {"run": f"naive, first run: {len(sample):,} sampled, ×{scale:.1f} extrapolated", "devices": len(ids),
         "seconds": cold_s * scale, "queries": round(cold_q * scale), "vs naive": 1.0},
        {"run": f"naive, next run: {len(sample):,} sampled, ×{scale:.1f} extrapolated", "devices": len(ids),
         "seconds": warm_s * scale, "queries": round(warm_q * scale), "vs naive": 1.0},
    ]
    print_report(f"review over {devices:,} devices on {connection.vendor} ({flags:,} open flags)", rows)
    opened = {o.rule: o.opened for o in first.rules}
    print("flags opened per rule: " + ", ".join(f"{rule} {n:,}" for rule, n in opened.items()))
    print(f"naive baseline agrees with run_review on the {len(sample):,} sampled devices: "
          f"{'yes' if same else 'NO'} ({warm})")
    print(f"peak Python memory (tracemalloc, separate runs): first run {first_peak / 2**20:,.1f} MiB, "
          f"next run {steady_peak / 2**20:,.1f} MiB (target < 300 MB at 1M)")
    print(f"target: under 20 s on PostgreSQL and at least 20× faster than naive — first run "
          f"{first_seconds:.1f} s, ratio {(cold_s * scale) / first_seconds:.0f}×")


def _peak_memory(run_review, Flag):
    """Peak memory allocated by Python during a first run (no flags) and a next run."""
    import tracemalloc

    peaks = []
    _empty_flags(Flag)
    for _ in range(2):
        tracemalloc.start()
        run_review()
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return peaks


if __name__ == "__main__":
    setup_django()
    main()
