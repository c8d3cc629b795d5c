"""The whole-fleet CSV export as shipped, against the per-row model export, in the same run.

Cases, each in a child process of its own so that its peak memory (``VmHWM``, see ``peak_mb``:
the whole process, Python + Django included) is its own; ``own MB`` is the peak minus what the child held
once Django and the code it runs are loaded, i.e. the rows' own share:

- ``ours, <dialect>``: ``inventory.exports.device_rows`` (tuples from a server-side cursor) through
  ``config.exports.csv_blocks`` (blocks of 1,000 rows, then the trailer), written to a file, in
  the machine and spreadsheet dialects;
- ``naive, <dialect>``: the baseline — ``queries.device_list()`` (``select_related`` and the
  derived columns) iterated as model instances, each row read from the instances' attributes
  and written with ``csv.writer``, one write per row. Above ``BENCH_EXPORT_SAMPLE`` devices
  (default 100,000) it runs on the first rows of the export's order and time, bytes and its own
  memory are extrapolated linearly — the row says so;
- ``HTTP view``: the same export through Django's test client (``?wait=stream``: the download a
  user gets, not the background task the threshold would start), bytes counted, not kept.

Every file is checked after the child has exited (outside the figures): as many data rows as
``Device.objects.count()``, and a trailer that says so; naive files are compared byte for byte
with the start of ours. Target (issue 15): under 15 s and 200 MB at 1M devices.

Run alone: ``python bench/bench_export.py`` (or ``make bench`` with ``BENCH_ONLY=export``).
"""

import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_DEVICES, ROOT, ensure_fleet, print_report, setup_django  # noqa: E402

SAMPLE = int(os.environ.get("BENCH_EXPORT_SAMPLE", "100000"))
FILES = ROOT / "var" / "bench"
TARGET_SECONDS, TARGET_MB = 15, 200
DIALECTS = ("machine", "spreadsheet")


def peak_mb():
    """Peak resident memory of this process so far, in MB.

    Linux's ``VmHWM`` rather than ``ru_maxrss``: a child's ``ru_maxrss`` starts at its parent's
    resident size when forked (it survives ``exec``), so a child of a 110 MB parent never reports
    less than 110 MB whatever it does; ``VmHWM`` belongs to the child's own memory.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_fleet(path, dialect):
    """The shipped whole-fleet export written to ``path``; returns the bytes written."""
    from config.exports import csv_blocks
    from inventory.exports import device_columns, device_rows
    from inventory.models import Device

    with open(path, "w", encoding="utf-8", newline="") as out:
        for block in csv_blocks(device_columns(), device_rows(Device.objects.all(), dialect), dialect):
            out.write(block)
    return Path(path).stat().st_size


def _attribute(instance, source):
    """``model__category__slug`` read from a model instance, one attribute at a time."""
    for name in source.split("__"):
        if instance is None:
            return None
        instance = getattr(instance, name)
    return instance


def naive_export(path, dialect, limit=None):
    """The baseline: model instances per row, each row written on its own (as a view streaming
    one chunk per row would); ``limit`` keeps the first rows only. Returns the bytes written."""
    from config.exports import SPREADSHEET
    from inventory import queries
    from inventory.exports import DEVICE_COLUMNS

    spreadsheet = dialect == SPREADSHEET
    sources = [(sheet or machine) if spreadsheet else machine for _column, machine, sheet in DEVICE_COLUMNS]
    # The shipped formatters (None: the csv writer's str() is right; they never see None).
    formatters = [column.formatter(dialect) or str for column, _machine, _sheet in DEVICE_COLUMNS]
    devices = queries.device_list()
    if limit is not None:
        devices = devices[:limit]
    with open(path, "w", encoding="utf-8", newline="") as out:
        if spreadsheet:
            out.write("\ufeff")
        writer = csv.writer(out, delimiter=";" if spreadsheet else ",", lineterminator="\r\n")
        writer.writerow([str(c.header) if spreadsheet else c.key for c, _machine, _sheet in DEVICE_COLUMNS])
        for device in devices:
            values = [_attribute(device, source) for source in sources]
            writer.writerow(["" if v is None else fmt(v) for fmt, v in zip(formatters, values, strict=True)])
    return Path(path).stat().st_size


def http_export(dialect):
    """The export through the view with Django's test client; returns (bytes, trailer count)."""
    from django.test import Client, override_settings
    from django.urls import reverse

    from bench.bench_device_list import _staff_user
    from config.exports import trailer_count

    client = Client()
    client.force_login(_staff_user())
    written, tail = 0, ""
    with override_settings(DEBUG=False):
        response = client.get(f"{reverse('inventory:device-export')}?dialect={dialect}&wait=stream")
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        for chunk in response.streaming_content:
            written += len(chunk)
            tail = (tail + chunk.decode("utf-8", "replace"))[-400:]
    return written, trailer_count(tail)


def check_file(path, dialect):
    """(data rows in the file, rows its trailer announces): complete when both equal the fleet."""
    from config.exports import SPREADSHEET, count_rows, is_trailer

    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";" if dialect == SPREADSHEET else ",")
        next(reader, None)  # the header
        for cells in reader:
            if cells and not is_trailer(cells):
                rows += 1
    return rows, count_rows(path)


def same_start(naive_path, ours_path):
    """True when the naive file is, byte for byte, the start of ours (the same rows, same cells)."""
    size = Path(naive_path).stat().st_size
    with open(naive_path, "rb") as naive, open(ours_path, "rb") as ours:
        while size > 0:
            block = naive.read(min(size, 1 << 20))
            if not block or block != ours.read(len(block)):
                return False
            size -= len(block)
    return True


def one(case):
    """Run one case in this process and print its figures as one JSON line."""
    setup_django(migrate=False)
    from inventory.models import Device

    kind, dialect = case.split("-", 1)
    devices = Device.objects.count()
    _import_code(http=kind == "http")
    setup = peak_mb()
    path = FILES / f"export-{case}.csv"
    limit = SAMPLE if kind == "naive" and devices > SAMPLE else None
    started, cpu = time.perf_counter(), time.process_time()
    trailer = None
    if kind == "ours":
        written = export_fleet(path, dialect)
    elif kind == "naive":
        written = naive_export(path, dialect, limit)
    else:
        written, trailer = http_export(dialect)
    figures = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
               "setup_mb": setup, "bytes": written, "devices": devices, "rows": limit or devices,
               "trailer": trailer}
    print(json.dumps(figures))


def _import_code(http):
    """Import the code a case runs (as a server has it loaded) before the baseline is taken:
    ``own MB`` is then the rows'. The test client only for the HTTP case: a server has none."""
    import config.exports  # noqa: F401
    import inventory.exports  # noqa: F401
    import inventory.queries  # noqa: F401
    import inventory.views  # noqa: F401

    if http:
        import django.test  # noqa: F401

        import bench.bench_device_list  # noqa: F401


def _child(case):
    done = subprocess.run([sys.executable, __file__, "--one", case], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "LOG_LEVEL": "ERROR"})
    if done.returncode:
        return {"error": done.stderr.strip()[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(label, figures, scale=1.0):
    """A table row; ``scale`` extrapolates a sample to the fleet (time, bytes, own memory)."""
    if "error" in figures:
        return {"case": label, "seconds": None, "CPU s": None, "peak MB": None, "own MB": None, "MB written": None,
                "complete": "", "vs naive": None, "note": figures["error"]}
    own = figures["peak_mb"] - figures["setup_mb"]
    return {"case": label, "seconds": figures["seconds"] * scale, "CPU s": figures["cpu"] * scale,
            "peak MB": figures["setup_mb"] + own * scale,
            "own MB": own * scale, "MB written": figures["bytes"] * scale / 1e6, "complete": "", "vs naive": None,
            "note": ""}


def _count(number):
    """A row count as printed; a file without a trailer says "none"."""
    return "none" if number is None else f"{number:,}"


def _ours(dialect, figures, devices):
    row = _row(f"ours, {dialect}", figures)
    if "error" not in figures:
        rows, announced = check_file(FILES / f"export-ours-{dialect}.csv", dialect)
        row["complete"] = "yes" if rows == announced == devices else "no"
        row["note"] = f"{rows:,} rows, trailer {_count(announced)}"
        print(f"export ours, {dialect}: complete: {row['complete']} ({row['note']}, {devices:,} devices)")
    return row


def _naive(dialect, figures):
    if "error" in figures:
        return _row(f"naive, {dialect}", figures)
    scale = figures["devices"] / figures["rows"] if figures["rows"] else 1.0
    row = _row(f"naive, {dialect}", figures, scale)
    same = same_start(FILES / f"export-naive-{dialect}.csv", FILES / f"export-ours-{dialect}.csv")
    row["vs naive"] = 1.0
    row["note"] = (f"from {figures['rows']:,} rows ×{scale:.1f} extrapolated; " if scale != 1 else "") + \
        f"same bytes as ours: {'yes' if same else 'NO'}"
    return row


def main():
    from django.db import connection

    devices = ensure_fleet(DEFAULT_DEVICES)
    FILES.mkdir(parents=True, exist_ok=True)
    print(f"export bench: parent process after Django setup: {peak_mb():,.0f} MB peak RSS", flush=True)
    rows = []
    for dialect in DIALECTS:
        ours = _ours(dialect, _child(f"ours-{dialect}"), devices)
        naive = _naive(dialect, _child(f"naive-{dialect}"))
        if ours["seconds"] and naive["seconds"]:
            ours["vs naive"] = naive["seconds"] / ours["seconds"]
        rows += [ours, naive]
        print(f"  {dialect}: ours {ours['seconds'] or 0:.1f} s, naive {naive['seconds'] or 0:.1f} s", flush=True)
    http = _child("http-spreadsheet")
    row = _row("HTTP view, spreadsheet (?wait=stream)", http)
    if "error" not in http:
        row["complete"] = "yes" if http["trailer"] == devices else "no"
        row["note"] = f"trailer {_count(http['trailer'])}"
    rows.append(row)
    for path in FILES.glob("export-*.csv"):
        path.unlink()
    print_report(f"whole-fleet CSV export — {devices:,} devices on {connection.vendor} (peak MB: whole process; "
                 f"own MB: peak minus the process once Django and the code are loaded; CPU s: this Python "
                 f"process only, the rest of the wall time is the database and waiting for a core)", rows)
    worst = [r for r in rows if r["case"].startswith("ours")]
    met = all(r["seconds"] is not None and r["seconds"] < TARGET_SECONDS and r["peak MB"] < TARGET_MB
              and r["complete"] == "yes" for r in worst)
    print(f"target: under {TARGET_SECONDS} s and {TARGET_MB} MB at 1M devices, complete — "
          f"{'met' if met else 'NOT met'} at {devices:,} devices")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(sys.argv[2])
    else:
        setup_django()
        main()
