"""Write one rule's findings to the Flag table in a fixed number of statements.

``bulk_create`` and ``bulk_update`` split their work into batches whose size depends on the
database's parameter limit (SQLite: ~32k parameters, i.e. ~2,700 flags per INSERT), so their
query count grows with the fleet. Here each step is ONE statement whatever the number of rows:
the rows travel as a single JSON parameter that the database unpacks itself
(``jsonb_to_recordset`` on PostgreSQL, ``json_each`` on SQLite). Five statements per rule:
read the open flags, then insert the new ones, update the changed ones, resolve the stale ones.
"""

import json

from django.db import connection

from ..models import Flag

_FINDING_COLUMNS = (
    ("severity", "text"),
    ("message", "text"),
    ("savings_eur", "numeric"),
    ("savings_kgco2e", "numeric"),
    ("savings_kind", "text"),
    ("savings_inputs", "jsonb"),
)


def _json_rows(columns):
    """SQL for a derived table ``x`` with ``columns`` read from one JSON array parameter."""
    if connection.vendor == "postgresql":
        fields = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
        return f"jsonb_to_recordset(%s::jsonb) AS x({fields})"
    if connection.vendor == "sqlite":
        fields = ", ".join(f"json_extract(value, '$.{name}') AS {name}" for name, _ in columns)
        return f"(SELECT {fields} FROM json_each(%s)) AS x"
    raise NotImplementedError(f"The review writes flags on SQLite and PostgreSQL, not {connection.vendor}.")


def _ids_in(param_sql="%s"):
    if connection.vendor == "postgresql":
        return f"(SELECT (jsonb_array_elements_text({param_sql}::jsonb))::bigint)"
    return f"(SELECT value FROM json_each({param_sql}))"


def _money(value):
    return None if value is None else str(value)


def _finding_payload(finding):
    return {
        "severity": finding.severity,
        "message": finding.message,
        "savings_eur": _money(finding.savings_eur),
        "savings_kgco2e": _money(finding.savings_kgco2e),
        "savings_kind": finding.savings_kind,
        "savings_inputs": finding.savings_inputs,
    }


def _state(finding):
    """What an open flag must match for a rerun to leave it untouched."""
    return (finding.severity, finding.message, finding.savings_eur, finding.savings_kgco2e,
            finding.savings_kind, finding.savings_inputs)


def sync_flags(slug, findings, *, now):
    """Make the open flags of rule ``slug`` match ``findings``; return the counts.

    New device → flag opened; same device, other message/severity/savings → updated in place;
    same everything → kept untouched (a second run changes nothing); open flag whose device is
    no longer found → resolved with resolution "auto". Call inside a transaction.
    """
    existing = {
        device_id: (flag_id, state)
        for flag_id, device_id, *state in Flag.objects.filter(
            rule=slug, resolved_at__isnull=True
        ).values_list("id", "device_id", "severity", "message", "savings_eur", "savings_kgco2e",
                      "savings_kind", "savings_inputs")
    }
    to_insert, to_update, seen = [], [], set()
    kept = 0
    for finding in findings:
        if finding.device_id in seen:
            continue
        seen.add(finding.device_id)
        current = existing.get(finding.device_id)
        if current is None:
            to_insert.append({"device_id": finding.device_id, **_finding_payload(finding)})
        elif tuple(current[1]) != _state(finding):
            to_update.append({"id": current[0], **_finding_payload(finding)})
        else:
            kept += 1
    stale = [flag_id for device_id, (flag_id, _) in existing.items() if device_id not in seen]

    table = connection.ops.quote_name(Flag._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (device_id, rule, severity, message, savings_eur, savings_kgco2e, "
            f"savings_kind, savings_inputs, created_at, updated_at, resolution, resolution_reason) "
            f"SELECT x.device_id, %s, x.severity, x.message, x.savings_eur, x.savings_kgco2e, "
            f"x.savings_kind, x.savings_inputs, %s, %s, '', '' "
            f"FROM {_json_rows((('device_id', 'bigint'), *_FINDING_COLUMNS))} "
            f"WHERE true ON CONFLICT DO NOTHING",
            [slug, stamp, stamp, json.dumps(to_insert)],
        )
        opened = cursor.rowcount if cursor.rowcount >= 0 else len(to_insert)
        cursor.execute(
            f"UPDATE {table} SET severity = x.severity, message = x.message, "
            f"savings_eur = x.savings_eur, savings_kgco2e = x.savings_kgco2e, "
            f"savings_kind = x.savings_kind, savings_inputs = x.savings_inputs, updated_at = %s "
            f"FROM {_json_rows((('id', 'bigint'), *_FINDING_COLUMNS))} "
            f"WHERE {table}.id = x.id AND {table}.resolved_at IS NULL",
            [stamp, json.dumps(to_update)],
        )
        cursor.execute(
            f"UPDATE {table} SET resolved_at = %s, updated_at = %s, resolution = %s "
            f"WHERE rule = %s AND resolved_at IS NULL AND id IN {_ids_in()}",
            [stamp, stamp, Flag.Resolution.AUTO, slug, json.dumps(stale)],
        )
        resolved = cursor.rowcount if cursor.rowcount >= 0 else len(stale)
    return {"opened": opened, "kept": kept, "updated": len(to_update), "resolved": resolved}
