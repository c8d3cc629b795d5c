"""Shared plumbing for benchmarks: a database of their own, a generated fleet, timing, a table.

The benchmark database is BENCH_DATABASE_URL, else DATABASE_URL, else ``var/bench.sqlite3``;
it is never the development database unless you say so. Every benchmark prints its figures
next to a baseline measured in the same run, so ratios hold whatever the machine.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEVICES = int(os.environ.get("BENCH_DEVICES", "100000"))


def setup_django():
    """Configure Django on the benchmark database and migrate it (idempotent)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    url = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    return connection.vendor


def ensure_fleet(devices=DEFAULT_DEVICES):
    """Generate a synthetic fleet of ``devices`` devices unless the database already has it."""
    from django.core.management import call_command

    from inventory.models import Device

    existing = Device.objects.count()
    if existing >= devices:
        return existing
    started = time.perf_counter()
    call_command("generate_fleet", devices=devices, replace=existing > 0)
    print(f"generated a fleet of {devices:,} devices in {time.perf_counter() - started:.1f} s")
    return Device.objects.count()


def measure(fn, repeat=3):
    """(best wall time in seconds over ``repeat`` runs, queries of one run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best, queries


def print_report(title, rows):
    """Print ``rows`` (a list of dicts with the same keys) as an aligned table."""
    print(f"\n== {title}")
    if not rows:
        print("(no rows)")
        return
    keys = list(rows[0])
    cells = [[_fmt(row.get(k)) for k in keys] for row in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for line in cells:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


def _fmt(value):
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    return "" if value is None else str(value)
