"""Bulk SQL of the fleet generator: load rows, wipe devices, fix sequences and statistics.

Raw SQL on purpose: these load or delete hundreds of thousands of rows of generated registers
(benchmarks, demos), where the ORM's per-row work was most of the time.
"""

import datetime as dt
import json

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from inventory.models import Device


def next_id(model):
    """The id after the largest one of ``model`` (1 on an empty table)."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def wipe_devices():
    """Delete every device and every row that points at one, directly or not (raw SQL).

    For generated registers only (benchmarks, demos): the journal is append-only for the
    application, so this bypasses the ORM. Catalogue, sites, departments and users stay.
    """
    order = _models_depending_on_devices()
    tables = [connection.ops.quote_name(model._meta.db_table) for model in reversed(order)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses to run while deferred foreign-key checks of this transaction are
            # pending (rows inserted earlier in it): run those checks now.
            connection.check_constraints()
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def _models_depending_on_devices():
    """Device, then every model with a foreign or one-to-one key to one already found."""
    found = [Device]
    every = apps.get_models(include_auto_created=True)
    grew = True
    while grew:
        grew = False
        for model in every:
            if model in found or model._meta.proxy or not model._meta.managed:
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.append(model)
                grew = True
    return found


def insert_rows(model, field_names, rows):
    """Insert rows of Python values for ``field_names``: COPY on PostgreSQL, else executemany.

    ``bulk_create`` builds a model instance per row and prepares every value through its field
    (several µs each): for the million journal rows of a 100k fleet that was most of the time.
    Here values are adapted per column type only where the driver needs it (aware datetimes to
    UTC text on SQLite, JSON to text); other concrete fields get their default, so a column
    added later does not break the generator.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    extra = [f for f in model._meta.concrete_fields if f not in fields and not f.primary_key]
    defaults = tuple(_adapter(f)(_default(f)) for f in extra)
    adapters = [(i, _adapter(f)) for i, f in enumerate(fields) if _adapter(f) is not _same]
    if adapters or defaults:
        rows = [_adapt(row, adapters) + defaults for row in rows]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields + extra)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * (len(fields) + len(extra)))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _same(value):
    return value


def _json(value):
    return "{}" if value is None else json.dumps(value)


def _utc_text(value):
    return None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _adapter(model_field):
    if isinstance(model_field, models.JSONField):
        return _json
    if isinstance(model_field, models.DateTimeField) and connection.vendor != "postgresql":
        return _utc_text
    return _same


def _adapt(row, adapters):
    row = list(row)
    for i, adapt in adapters:
        row[i] = adapt(row[i])
    return tuple(row)


def _default(model_field):
    if isinstance(model_field, models.DateTimeField) and (model_field.auto_now or model_field.auto_now_add):
        return timezone.now()
    return model_field.get_default()


def analyze(*model_classes):
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Until autovacuum gets to the new rows, the planner believes the tables are nearly empty
    and picks nested loops over 100k rows (seen in the device list benchmark).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reset_sequences(*model_classes):
    """After inserting explicit ids: make the database's next id follow the largest one."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_classes)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
