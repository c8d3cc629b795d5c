"""Migration timing on a generated fleet (issue 9: "no table rewrite that locks the register").

Works on a *copy* of the benchmark database (PostgreSQL: ``CREATE DATABASE … TEMPLATE``;
SQLite: a file copy), never on the benchmark database itself: it rolls the copy back to the
schema before the exit routes (``inventory 0004``, which unapplies every later migration of
every app), then applies everything forward again and prints each migration's time, next to a
baseline measured in the same run on the same copy: one full rewrite of the register
(``UPDATE inventory_device SET notes = notes``), the cost a table-rewriting migration would pay.

Rolling back drops the columns the later migrations add, so the forward run meets the data as a
deployment would (the columns filled from their defaults and data migrations).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, ensure_fleet, print_report

ROLLBACK_TO = ("inventory", "0004_review_schedule")
APPLIED = re.compile(r"Applying (?P<name>\S+)\.\.\. OK \((?P<seconds>[\d.]+)s\)")


def _copy_database():
    """(DATABASE_URL of a fresh copy, cleanup function)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        source, copy = settings["NAME"], f"{settings['NAME']}_migrations"
        connection.close()
        with _admin_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{copy}"

        def cleanup():
            with _admin_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')

        return url, cleanup
    source = Path(settings["NAME"])
    copy = source.with_name(source.stem + "_migrations.sqlite3")
    connection.close()
    shutil.copyfile(source, copy)
    return f"sqlite:///{copy}", lambda: copy.unlink(missing_ok=True)


def _admin_cursor():
    from django.db import connections

    # A cursor on the "postgres" maintenance database (autocommit): a database cannot be copied
    # while connected to it, nor inside a transaction.
    return connections["default"]._nodb_cursor()


def _manage(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": os.environ.get("DEBUG", "1")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout, time.perf_counter() - started


def _rewrite_baseline(url):
    code = ("from django.db import connection\nimport time\nt=time.perf_counter()\n"
            "with connection.cursor() as c: c.execute('UPDATE inventory_device SET notes = notes')\n"
            "print(f'{time.perf_counter()-t:.3f}')")
    out, _wall = _manage(url, "shell", "-c", code)
    return float(out.strip().splitlines()[-1])


def main():
    devices = ensure_fleet()
    url, cleanup = _copy_database()
    try:
        _manage(url, "migrate", *ROLLBACK_TO, "-v", "0")
        out, wall = _manage(url, "migrate", "-v", "3")
        rows = [{"migration": m["name"], "seconds": float(m["seconds"])} for m in APPLIED.finditer(out)]
        baseline = _rewrite_baseline(url)
    finally:
        cleanup()
    total = sum(row["seconds"] for row in rows)
    for row in rows:
        row["× rewrite"] = row["seconds"] / baseline if baseline else None
    print_report(f"migrations forward from {'.'.join(ROLLBACK_TO)} on {devices:,} devices", rows)
    print(f"all migrations: {total:.2f} s (command {wall:.1f} s); baseline, one rewrite of the register: "
          f"{baseline:.2f} s; ratio {total / baseline:.2f}" if baseline else "")
