"""Run every benchmark in bench/ (``make bench``); BENCH_ONLY=labels,review picks some.

``BENCH_DEVICES=100000,1000000`` (or a single size above 100,000, which gets 100,000 added as
the reference) runs each size in a child process on its own database and prints the tables of
all sizes merged side by side (``bench/side_by_side.py``); one size runs here, as it always did.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench import side_by_side  # noqa: E402
from bench.common import ROOT, database_url, print_report, setup_django  # noqa: E402

MERGED = ROOT / "var" / "bench-side-by-side.json"


def main():
    reference = int(os.environ.get("BENCH_REFERENCE", side_by_side.REFERENCE))
    sizes = side_by_side.parse_sizes(os.environ.get("BENCH_DEVICES", ""), reference)
    if len(sizes) == 1:
        run_here(os.environ.get("BENCH_ONLY", ""))
    else:
        run_sizes(sizes, os.environ.get("BENCH_ONLY") or side_by_side.SIDE_BY_SIDE_TOPICS)


def run_here(only_text):
    """Every selected benchmark, in this process, on one database and one fleet size."""
    only = {name.strip() for name in only_text.split(",") if name.strip()}
    vendor = setup_django()
    print(f"benchmark database: {vendor}")
    for path in sorted(HERE.glob("bench_*.py")):
        topic = path.stem.removeprefix("bench_")
        if only and topic not in only:
            continue
        importlib.import_module(f"bench.{path.stem}").main()


def run_sizes(sizes, only):
    """Each size in a child process (its own database and fleet), then the tables merged."""
    base = database_url()
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    runs, failed = [], []
    for size in sizes:
        url = side_by_side.database_url_for(size, base, os.environ)
        created = side_by_side.ensure_database(url)
        results = folder / f"results-{size}.json"
        results.unlink(missing_ok=True)
        print(f"\n######## {size:,} devices — {side_by_side.masked(url)}{' (created)' if created else ''} — "
              f"{only}", flush=True)
        env = {**os.environ, "BENCH_DEVICES": str(size), "BENCH_REFERENCE": "0", "BENCH_DATABASE_URL": url,
               "BENCH_ONLY": only, "BENCH_RESULTS": str(results)}
        done = subprocess.run([sys.executable, str(HERE / "run.py")], env=env, cwd=ROOT)
        if done.returncode:
            failed.append(size)
        runs.append((size, json.loads(results.read_text()) if results.exists() else []))
    print_side_by_side(runs)
    if failed:
        print(f"\nbenchmarks failed at {', '.join(f'{size:,}' for size in failed)} devices (tables above may "
              f"lack that size)")
        sys.exit(1)


def print_side_by_side(runs):
    """Print one merged table per benchmark and keep them in var/bench-side-by-side.json."""
    os.environ.pop("BENCH_RESULTS", None)  # the merged tables are not a child's results
    labels = " | ".join(side_by_side.size_label(size) for size, _reports in runs)
    print(f"\n######## side by side: {labels}")
    merged = side_by_side.merge_runs(runs)
    for table in merged:
        print_report(table["title"], table["rows"])
    MERGED.parent.mkdir(parents=True, exist_ok=True)
    MERGED.write_text(json.dumps({"sizes": [size for size, _reports in runs], "tables": merged}, indent=1,
                                 default=str))
    print(f"\n(side-by-side tables written to {MERGED.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
