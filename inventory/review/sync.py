"""Write one rule's findings to the Flag table in bounded memory and a fixed number of statements.

The findings stream into a temporary table in batches of ``BATCH`` rows — ``COPY`` on
PostgreSQL, ``executemany`` on SQLite — so that neither the findings, nor the open flags, nor
one giant JSON parameter ever sit in memory (the version before held ~1.1 KB per flag: 1.05 GB
at 1M devices, and PostgreSQL refuses JSON past 256 MB). Then set-based statements bring the
open flags in line with the findings:

- update the open flags whose severity, message or savings differ (same everything: untouched,
  so a second run changes nothing);
- record the digest of the flags whose message came out the same from other inputs (so that
  the next run skips them), without touching ``updated_at``;
- insert the findings that have no open flag;
- resolve (resolution "auto") the open flags whose device is no longer found.

A rule whose rows are in the database (``fingerprint.Materialised``) sends one finding per
*situation* (digest) among its rows to format; the statements read every such row with its
situation's finding (``Materialised.spread``), so that a first run at 1M devices formats ~150k
messages, not ~860k. The rows whose digest is the one on their open flag are neither
formatted nor written: they only count as found, so their flag stays open and untouched.
Counted statements per rule: lock (PostgreSQL), create, (one fill per ``BATCH`` findings),
analyse (PostgreSQL, findings per device), count, update, digest, insert, resolve, drop —
constant up to ``BATCH`` findings; past it, the extra fills are ``COPY`` streams on PostgreSQL.
A device found twice keeps its first finding.
"""

import json
from itertools import islice

from django.db import connection

from ..models import Flag

BATCH = 20_000
# What an open flag must match for a rerun to leave it untouched.
COMPARED = ("severity", "message", "savings_eur", "savings_kgco2e", "savings_kind", "savings_inputs")
TEMP = "review_findings"


def _money(value):
    return None if value is None else str(value)


def _same(left, right):
    """Null-safe equality of two SQL expressions."""
    if connection.vendor == "postgresql":
        return f"{left} IS NOT DISTINCT FROM {right}"
    return f"{left} IS {right}"


def sync_flags(slug, findings, *, now, rows=None):
    """Make the open flags of rule ``slug`` match ``findings`` (any iterable); return the counts.

    Without ``rows``, ``findings`` hold one finding per device. With ``rows`` (the rule's rows
    in the database, ``fingerprint.Materialised``), ``findings`` hold one finding per situation
    (digest) among the rows to format, and every such row gets its situation's finding in SQL;
    the other rows (their digest is the stored one) keep their flag as it is.

    New device → flag opened; same device, other message/severity/savings → updated in place;
    same everything → kept untouched (a second run changes nothing); open flag whose device is
    no longer found → resolved with resolution "auto". Call inside a transaction.
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"The review writes flags on SQLite and PostgreSQL, not {connection.vendor}.")
    table = connection.ops.quote_name(Flag._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    postgres = connection.vendor == "postgresql"
    json_type = "jsonb" if postgres else "text"
    key = "device_id" if rows is None else "digest"
    with connection.cursor() as cursor:
        if postgres:
            # One writer per rule at a time (a nightly run and one started by hand): the insert
            # below needs no ``ON CONFLICT`` arbiter, whose speculative insertion cost a first run
            # at 1M devices ~30 % of its inserts. Released at the end of the rule's transaction.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"prolonge.review.{slug}"])
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMP} (device_id bigint, severity text, message text, "
            f"savings_eur numeric, savings_kgco2e numeric, savings_kind text, savings_inputs {json_type}, "
            f"digest bigint, PRIMARY KEY ({key}))"
        )
        _fill(cursor, findings, postgres, key, analyse=rows is None)
        if rows is None:
            found_rows, present = TEMP, f"SELECT device_id FROM {TEMP}"
        else:
            found_rows, present = f"({rows.spread(TEMP)})", rows.present
        cursor.execute(f"SELECT COUNT(*) FROM ({present}) AS p")
        found = cursor.fetchone()[0]
        same = " AND ".join(_same(f"f.{c}", f"x.{c}") for c in COMPARED)
        if postgres:
            cursor.execute(
                f"UPDATE {table} AS f SET severity = x.severity, message = x.message, savings_eur = x.savings_eur, "
                f"savings_kgco2e = x.savings_kgco2e, savings_kind = x.savings_kind, savings_inputs = x.savings_inputs, "
                f"source_digest = x.digest, updated_at = %s FROM {found_rows} AS x "
                f"WHERE f.device_id = x.device_id AND f.rule = %s AND f.resolved_at IS NULL "
                f"AND NOT ({same})",
                [stamp, slug],
            )
            updated = max(cursor.rowcount, 0)
            cursor.execute(
                f"UPDATE {table} AS f SET source_digest = x.digest FROM {found_rows} AS x "
                f"WHERE f.device_id = x.device_id AND f.rule = %s AND f.resolved_at IS NULL "
                f"AND ({same}) AND NOT ({_same('f.source_digest', 'x.digest')})",
                [slug],
            )
        else:  # SQLite's UPDATE … FROM cannot alias the target table
            same = same.replace("f.", f"{table}.")
            cursor.execute(
                f"UPDATE {table} SET severity = x.severity, message = x.message, savings_eur = x.savings_eur, "
                f"savings_kgco2e = x.savings_kgco2e, savings_kind = x.savings_kind, savings_inputs = x.savings_inputs, "
                f"source_digest = x.digest, updated_at = %s FROM {found_rows} AS x "
                f"WHERE {table}.device_id = x.device_id AND {table}.rule = %s AND {table}.resolved_at IS NULL "
                f"AND NOT ({same})",
                [stamp, slug],
            )
            updated = max(cursor.rowcount, 0)
            cursor.execute(
                f"UPDATE {table} SET source_digest = x.digest FROM {found_rows} AS x "
                f"WHERE {table}.device_id = x.device_id AND {table}.rule = %s AND {table}.resolved_at IS NULL "
                f"AND ({same}) AND NOT ({_same(f'{table}.source_digest', 'x.digest')})",
                [slug],
            )
        cursor.execute(
            f"INSERT INTO {table} (device_id, rule, severity, message, savings_eur, savings_kgco2e, "
            f"savings_kind, savings_inputs, source_digest, created_at, updated_at, resolution, resolution_reason) "
            f"SELECT x.device_id, %s, x.severity, x.message, x.savings_eur, x.savings_kgco2e, x.savings_kind, "
            f"x.savings_inputs, x.digest, %s, %s, '', '' "
            f"FROM {found_rows} AS x WHERE NOT EXISTS (SELECT 1 FROM {table} AS f WHERE f.device_id = x.device_id "
            f"AND f.rule = %s AND f.resolved_at IS NULL){'' if postgres else ' ON CONFLICT DO NOTHING'}",
            [slug, stamp, stamp, slug],
        )
        opened = max(cursor.rowcount, 0)
        # Not found: no row names the device. (SQLite: an uncorrelated NOT IN, which it computes
        # once; the rows' temporary table has no index for a correlated lookup.)
        still_found = (f"NOT EXISTS (SELECT 1 FROM ({present}) AS p WHERE p.device_id = {table}.device_id)"
                       if postgres else f"{table}.device_id NOT IN (SELECT p.device_id FROM ({present}) AS p)")
        cursor.execute(
            f"UPDATE {table} SET resolved_at = %s, updated_at = %s, resolution = %s "
            f"WHERE rule = %s AND resolved_at IS NULL AND {still_found}",
            [stamp, stamp, Flag.Resolution.AUTO, slug],
        )
        resolved = max(cursor.rowcount, 0)
        cursor.execute(f"DROP TABLE {TEMP}")
    return {"opened": opened, "kept": found - opened - updated, "updated": updated, "resolved": resolved}


def _fill(cursor, findings, postgres, key, *, analyse):
    """Stream ``findings`` into the temporary table in batches (the first finding of a device,
    or of a digest, wins)."""
    findings = iter(findings)
    while batch := list(islice(findings, BATCH)):
        values = [(f.device_id, str(f.severity), f.message, _money(f.savings_eur), _money(f.savings_kgco2e),
                   str(f.savings_kind or ""), json.dumps(f.savings_inputs or {}), f.digest)
                  for f in batch]
        del batch
        if postgres:
            _copy_batch(cursor, values, key)
        else:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TEMP} (device_id, severity, message, savings_eur, savings_kgco2e, "
                f"savings_kind, savings_inputs, digest) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", values,
            )
    if postgres and analyse:
        # A temporary table has no statistics until analysed: the joins below need them when it
        # holds a finding per device (one per situation is few, and keyed by its digest).
        cursor.execute(f"ANALYZE {TEMP}")


def _copy_batch(cursor, values, key):
    """COPY one batch (through a staging table, so that a device, or a digest, found twice keeps
    its first finding)."""
    raw = cursor.cursor
    raw.execute("CREATE TEMPORARY TABLE IF NOT EXISTS review_findings_batch "
                "(seq int, device_id bigint, severity text, message text, savings_eur numeric, savings_kgco2e numeric, "
                "savings_kind text, savings_inputs jsonb, digest bigint)")
    with raw.copy("COPY review_findings_batch FROM STDIN") as copy:
        for seq, row in enumerate(values):
            copy.write_row((seq, *row))
    raw.execute(
        f"INSERT INTO {TEMP} SELECT DISTINCT ON ({key}) device_id, severity, message, savings_eur, savings_kgco2e, "
        f"savings_kind, savings_inputs, digest "
        f"FROM review_findings_batch ORDER BY {key}, seq ON CONFLICT DO NOTHING"
    )
    raw.execute("TRUNCATE review_findings_batch")
