"""Shared plumbing for benchmarks: a database of their own, a generated fleet, timing, a table.

The benchmark database is BENCH_DATABASE_URL, else DATABASE_URL, else ``var/bench.sqlite3``;
it is never the development database unless you say so. Every benchmark prints its figures
next to a baseline measured in the same run, so ratios hold whatever the machine.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One size here; a comma list (``run.py`` runs each size in a child) counts as its largest.
DEFAULT_DEVICES = max(int(part) for part in os.environ.get("BENCH_DEVICES", "100000").split(",") if part.strip())
# Every table printed in this process, as {title, rows}: the side-by-side run collects them.
REPORTS = []


def database_url():
    """BENCH_DATABASE_URL, else DATABASE_URL, else ``var/bench.sqlite3``."""
    return (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    )


def setup_django(migrate=True):
    """Configure Django on the benchmark database and migrate it (idempotent). A child process
    measuring its peak memory skips the migration (its parent ran it): loading every migration
    costs ~40 MB that a server process never spends."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    url = database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    if migrate:
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
    _vacuum()
    return Device.objects.count()


def _vacuum():
    """``VACUUM ANALYZE`` a freshly generated fleet on PostgreSQL: statistics for the planner and
    the visibility map for index-only scans, as autovacuum gives a real database within minutes
    of a bulk load (measured at 1M: the filtered list's count 200 ms before, 15 ms after)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE after generation: {time.perf_counter() - started:.1f} s")


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
    """Print ``rows`` (a list of dicts with the same keys) as an aligned table, and keep it for
    ``BENCH_RESULTS`` (rewritten after each table, so a crash later loses nothing measured)."""
    REPORTS.append({"title": title, "rows": rows})
    results = os.environ.get("BENCH_RESULTS")
    if results:
        Path(results).write_text(json.dumps(REPORTS, indent=1, default=str))
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
