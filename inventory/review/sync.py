"""Write one rule's findings to the Flag table in bounded memory and a fixed number of statements.

The findings stream (a rule's rows are read in chunks) into a temporary table, in batches of
``BATCH`` rows — ``COPY`` on PostgreSQL, ``executemany`` on SQLite — so that neither the
findings, nor the open flags, nor one giant JSON parameter ever sit in memory (the previous
version held ~1.1 KB per flag: 1.05 GB at 1M devices, and PostgreSQL refuses JSON past 256 MB).
Then set-based statements bring the open flags in line with the temporary table:

- update the open flags whose severity, message or savings differ (same everything: untouched,
  so a second run changes nothing);
- record the digest of the flags whose message came out the same from other inputs (so that
  the next run skips them), without touching ``updated_at``;
- insert the findings that have no open flag;
- resolve (resolution "auto") the open flags whose device is no longer found.

The rows whose digest is the one on their open flag (``review.fingerprint``) never reach
Python, nor the temporary table: ``kept`` (a query of ``device_id``, ``fingerprint.Materialised``)
is only read by the statement that resolves the flags no longer found, and counted; such a row
keeps its flag open and untouched. (Copying them into the temporary table first cost a rerun at
1M devices ~2 s of inserts for ~860k rows that change nothing.) Counted statements per rule:
create, (one fill per ``BATCH`` findings), count, update, digest, insert, resolve, drop —
constant up to ``BATCH`` findings; past it, the extra fills are ``COPY`` streams on PostgreSQL.
A device found twice keeps its first finding; a kept device is never among the findings (a
rule's rows name each device once, ``fingerprint.Materialised``).
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


def sync_flags(slug, findings, *, now, kept=None):
    """Make the open flags of rule ``slug`` match ``findings`` (any iterable) and ``kept`` (the
    ``(sql, params)`` of a query of ``device_id`` whose open flags stay as they are, none of them
    among ``findings``); return the counts.

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
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMP} (device_id bigint PRIMARY KEY, severity text, message text, "
            f"savings_eur numeric, savings_kgco2e numeric, savings_kind text, savings_inputs {json_type}, "
            f"digest bigint)"
        )
        _fill(cursor, findings, postgres)
        kept_sql, kept_params = kept if kept is not None else ("SELECT CAST(NULL AS bigint) AS device_id WHERE 1 = 0", ())
        cursor.execute(f"SELECT (SELECT COUNT(*) FROM {TEMP}) + (SELECT COUNT(*) FROM ({kept_sql}) AS k)",
                       kept_params)
        found = cursor.fetchone()[0]
        same = " AND ".join(_same(f"f.{c}", f"x.{c}") for c in COMPARED)
        if postgres:
            cursor.execute(
                f"UPDATE {table} AS f SET severity = x.severity, message = x.message, savings_eur = x.savings_eur, "
                f"savings_kgco2e = x.savings_kgco2e, savings_kind = x.savings_kind, savings_inputs = x.savings_inputs, "
                f"source_digest = x.digest, updated_at = %s FROM {TEMP} AS x "
                f"WHERE f.device_id = x.device_id AND f.rule = %s AND f.resolved_at IS NULL "
                f"AND NOT ({same})",
                [stamp, slug],
            )
            updated = max(cursor.rowcount, 0)
            cursor.execute(
                f"UPDATE {table} AS f SET source_digest = x.digest FROM {TEMP} AS x "
                f"WHERE f.device_id = x.device_id AND f.rule = %s AND f.resolved_at IS NULL "
                f"AND ({same}) AND NOT ({_same('f.source_digest', 'x.digest')})",
                [slug],
            )
        else:  # SQLite's UPDATE … FROM cannot alias the target table
            same = same.replace("f.", f"{table}.")
            cursor.execute(
                f"UPDATE {table} SET severity = x.severity, message = x.message, savings_eur = x.savings_eur, "
                f"savings_kgco2e = x.savings_kgco2e, savings_kind = x.savings_kind, savings_inputs = x.savings_inputs, "
                f"source_digest = x.digest, updated_at = %s FROM {TEMP} AS x "
                f"WHERE {table}.device_id = x.device_id AND {table}.rule = %s AND {table}.resolved_at IS NULL "
                f"AND NOT ({same})",
                [stamp, slug],
            )
            updated = max(cursor.rowcount, 0)
            cursor.execute(
                f"UPDATE {table} SET source_digest = x.digest FROM {TEMP} AS x "
                f"WHERE {table}.device_id = x.device_id AND {table}.rule = %s AND {table}.resolved_at IS NULL "
                f"AND ({same}) AND NOT ({_same(f'{table}.source_digest', 'x.digest')})",
                [slug],
            )
        cursor.execute(
            f"INSERT INTO {table} (device_id, rule, severity, message, savings_eur, savings_kgco2e, "
            f"savings_kind, savings_inputs, source_digest, created_at, updated_at, resolution, resolution_reason) "
            f"SELECT x.device_id, %s, x.severity, x.message, x.savings_eur, x.savings_kgco2e, x.savings_kind, "
            f"x.savings_inputs, x.digest, %s, %s, '', '' "
            f"FROM {TEMP} AS x WHERE NOT EXISTS (SELECT 1 FROM {table} AS f WHERE f.device_id = x.device_id "
            f"AND f.rule = %s AND f.resolved_at IS NULL) ON CONFLICT DO NOTHING",
            [slug, stamp, stamp, slug],
        )
        opened = max(cursor.rowcount, 0)
        # Not found: neither among the findings nor kept. (SQLite: an uncorrelated NOT IN, which it
        # computes once; the kept rows' temporary table has no index for a correlated lookup.)
        still_found = (f"NOT EXISTS (SELECT 1 FROM ({kept_sql}) AS k WHERE k.device_id = {table}.device_id)"
                       if postgres else f"{table}.device_id NOT IN (SELECT k.device_id FROM ({kept_sql}) AS k)")
        cursor.execute(
            f"UPDATE {table} SET resolved_at = %s, updated_at = %s, resolution = %s "
            f"WHERE rule = %s AND resolved_at IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {TEMP} AS x WHERE x.device_id = {table}.device_id) AND {still_found}",
            [stamp, stamp, Flag.Resolution.AUTO, slug, *kept_params],
        )
        resolved = max(cursor.rowcount, 0)
        cursor.execute(f"DROP TABLE {TEMP}")
    return {"opened": opened, "kept": found - opened - updated, "updated": updated, "resolved": resolved}


def _fill(cursor, findings, postgres):
    """Stream ``findings`` into the temporary table in batches (a device's first finding wins)."""
    findings = iter(findings)
    while batch := list(islice(findings, BATCH)):
        values = [(f.device_id, str(f.severity), f.message, _money(f.savings_eur), _money(f.savings_kgco2e),
                   str(f.savings_kind or ""), json.dumps(f.savings_inputs or {}), f.digest)
                  for f in batch]
        del batch
        if postgres:
            _copy_batch(cursor, values)
        else:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TEMP} (device_id, severity, message, savings_eur, savings_kgco2e, "
                f"savings_kind, savings_inputs, digest) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", values,
            )
    if postgres:  # a temporary table has no statistics until analysed: the joins below need them
        cursor.execute(f"ANALYZE {TEMP}")


def _copy_batch(cursor, values):
    """COPY one batch (through a staging table, so that a device found twice keeps its first finding)."""
    raw = cursor.cursor
    raw.execute("CREATE TEMPORARY TABLE IF NOT EXISTS review_findings_batch "
                "(seq int, device_id bigint, severity text, message text, savings_eur numeric, savings_kgco2e numeric, "
                "savings_kind text, savings_inputs jsonb, digest bigint)")
    with raw.copy("COPY review_findings_batch FROM STDIN") as copy:
        for seq, row in enumerate(values):
            copy.write_row((seq, *row))
    raw.execute(
        f"INSERT INTO {TEMP} SELECT DISTINCT ON (device_id) device_id, severity, message, savings_eur, savings_kgco2e, "
        f"savings_kind, savings_inputs, digest "
        f"FROM review_findings_batch ORDER BY device_id, seq ON CONFLICT DO NOTHING"
    )
    raw.execute("TRUNCATE review_findings_batch")
