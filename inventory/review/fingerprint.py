"""Skip unchanged findings inside the database: a digest of what a message is formatted from.

A finding is a pure function of the rule's row and of what the rule reads from the run (the
thresholds, the language, sometimes the day); the row's ``id`` only names the device. Its
digest is stored on the flag (``Flag.source_digest``). The digest is computed **by the
database**, over the row's other columns (``Materialised``: PostgreSQL's ``hashtextextended``
of the row's text, SQLite's ``prolonge_digest`` registered on each connection), so that:

- a rerun splits the rule's rows in SQL: the rows whose digest is the one stored on the
  device's open flag keep their flag as it is and never leave the database; (the previous
  version read every row into Python to hash it: 29.6 s of a rerun at 1M devices went to
  moving and hashing rows that then changed nothing);
- the rows to format are grouped by digest: one message is formatted per situation, and the
  database gives it to every device in that situation (``Materialised.situations``).

The digest's seed (``basis()``) covers: the rule's ``reads`` (what else its finding reads, e.g.
the budget year); the thresholds and per-category overrides; the active language and its
catalogue, the time zone; the source of the modules that format messages. A rule whose
``reads`` is ``None`` (the default) is always formatted.
"""

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

from django.db import connection
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone, translation

from ..models import Device

STORED = "_review_stored_digest"
DIGEST = "_review_digest"
SQLITE_FUNCTION = "prolonge_digest"


@lru_cache(maxsize=32)
def _source(module_name):
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return Path(path).read_bytes() if path else module_name.encode()


def _catalogue(language):
    """The active language's translations, as bytes (messages change when they do)."""
    try:
        from django.utils.translation import trans_real

        catalog = trans_real.translation(language)._catalog
        return repr(sorted((repr(k), v) for k, v in catalog.items())).encode()
    except Exception:  # noqa: BLE001 — no catalogue reachable: the language code alone
        return b""


def basis(rule, ctx):
    """The seed of the rule's digests in this run (a signed 64-bit integer), or None when the
    rule is always formatted."""
    if rule.reads is None:
        return None
    reads = rule.read_values(ctx)

    def thresholds():
        t = ctx.thresholds
        fields = getattr(getattr(t, "_meta", None), "concrete_fields", None)
        values = [(f.attname, getattr(t, f.attname)) for f in fields] if fields else sorted(vars(t).items())
        return repr((values, sorted(ctx.category_overrides().items()))).encode()

    language = translation.get_language() or ""
    h = hashlib.blake2b(digest_size=8)
    h.update(ctx.memo("digest_thresholds", thresholds))
    h.update(f"{language} {timezone.get_current_timezone_name()}".encode())
    h.update(hashlib.sha256(ctx.memo(f"digest_catalogue_{language}", lambda: _catalogue(language))).digest())
    for module in (type(rule).__module__, "inventory.review.base", "inventory.review.savings",
                   "inventory.review.rules", "inventory.footprint"):
        h.update(hashlib.sha256(_source(module)).digest())
    h.update(repr((type(rule).__qualname__, rule.slug, reads)).encode())
    return int.from_bytes(h.digest(), "big", signed=True)


def sqlite_digest(seed, *values):
    """``prolonge_digest(seed, …)`` on SQLite: blake2b of the values' repr, keyed by the seed."""
    raw = hashlib.blake2b(repr(values).encode(), digest_size=8, key=seed.to_bytes(8, "big", signed=True)).digest()
    return int.from_bytes(raw, "big", signed=True)


def register_sqlite_function(sender, connection, **kwargs):
    """``connection_created`` receiver: SQLite learns ``prolonge_digest`` (PostgreSQL has its own)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, -1, sqlite_digest, deterministic=True)


def selected_names(rows):
    """The names a ``values()`` queryset returns, in its order."""
    query = rows.query
    return [*query.extra_select, *query.values_select, *query.annotation_select]


class Materialised:
    """A rule's rows computed once, with their digest and the stored one, in a temporary table.

    The digest covers every column but the device's ``id``: a finding depends on its row's other
    columns and on the run (the seed), its ``id`` only names the device it is about. Rows with
    the same digest are then one *situation* (same dates, same figures, same thresholds) and get
    the same message: ``situations()`` streams one row per situation among the rows to format
    (new, or their digest changed), and ``sync_flags`` gives each such row its situation's
    finding in SQL. (At 1M devices a first run formatted ~860k messages one by one, ~40 s of
    Python; with rows that carry what their message says — local dates, a purchase year — they
    are ~150k situations, bounded by the calendar and the price list rather than the fleet.)
    A rule's rows name each device once (devices, joined to one row each); ``changed`` is the
    SQL condition of the rows to format, ``present`` the SQL of every row's ``device_id`` (a
    device found: its open flag stays open).

    The digest is computed over the rule's *result* columns, outside the rule's query (a
    subquery PostgreSQL may not flatten, ``OFFSET 0``; a CTE with named columns on SQLite):
    a column that is a correlated subquery (``extend``'s repairs of the last twelve months) is
    then evaluated once per row for the digest, not once more inside ``ROW(…)``.
    """

    TABLE = "review_rows"

    def __init__(self, rows, seed, slug):
        digested = len(selected_names(rows))  # the rule's columns; the stored digest is not one
        joined = rows.alias(
            _review_open_flag=FilteredRelation(
                "flags", condition=Q(flags__rule=slug, flags__resolved_at__isnull=True)),
        ).annotate(**{STORED: F("_review_open_flag__source_digest")})
        self.compiler = joined.query.get_compiler(connection=connection)
        sql, params = self.compiler.as_sql()
        self.names = [*selected_names(joined), DIGEST]
        columns = [f"c{i}" for i in range(len(self.names))]
        column = dict(zip(self.names, columns, strict=True))
        self.id, self.digest, self.stored = column["id"], column[DIGEST], column[STORED]
        inner = ", ".join(columns[:-1])
        row = ", ".join(f"r.{c}" for c in columns[:digested] if c != self.id)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            if connection.vendor == "postgresql":
                fence = "" if rows.query.is_sliced else " OFFSET 0"  # LIMIT is a fence already
                # The row's text form: NULL and '' differ, and so do the columns' boundaries.
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.TABLE} ({', '.join(columns)}) AS "
                    f"SELECT r.*, hashtextextended((ROW({row}))::text, %s) FROM ({sql}{fence}) AS r({inner})",
                    [seed, *params],
                )
            else:
                cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} ({', '.join(columns)})")
                cursor.execute(
                    f"WITH r({inner}) AS ({sql}) INSERT INTO {self.TABLE} "
                    f"SELECT r.*, {SQLITE_FUNCTION}(%s, {row}) FROM r",
                    [*params, seed],
                )
        self.changed = f"({self.stored} IS NULL OR {self.digest} <> {self.stored})"
        self.present = f"SELECT {self.id} AS device_id FROM {self.TABLE}"

    def situations(self, chunk_size=5000):
        """One row per situation to format (the rows would come as the ``values()`` queryset
        gives them, its converters applied), each with its digest under ``DIGEST``."""
        if connection.vendor == "postgresql":
            sql = (f"SELECT DISTINCT ON ({self.digest}) * FROM {self.TABLE} WHERE {self.changed} "
                   f"ORDER BY {self.digest}, {self.id}")
        else:
            sql = (f"SELECT * FROM {self.TABLE} WHERE rowid IN (SELECT MIN(rowid) FROM {self.TABLE} "
                   f"WHERE {self.changed} GROUP BY {self.digest})")
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql)
            chunks = iter(lambda: cursor.fetchmany(chunk_size), [])
            for row in self.compiler.results_iter(results=chunks):
                yield dict(zip(self.names, row, strict=True))
        finally:
            cursor.close()

    def spread(self, findings_table):
        """SQL of every row to format with its situation's finding (``findings_table``: one
        finding per digest), in the columns of ``sync_flags``'s findings."""
        return (f"SELECT r.{self.id} AS device_id, x.severity, x.message, x.savings_eur, x.savings_kgco2e, "
                f"x.savings_kind, x.savings_inputs, x.digest FROM {self.TABLE} AS r "
                f"JOIN {findings_table} AS x ON x.digest = r.{self.digest} WHERE {self.changed}")

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")


def materialise(rows, seed, slug):
    """``Materialised`` rows, or None when the rows cannot be joined to their flags (not devices).

    A sliced query (``reuse_target``'s oldest retirements) keeps its order and limit: a device
    has at most one open flag per rule, so the join with the flags cannot change its rows."""
    if rows.model is not Device:
        return None
    return Materialised(rows, seed, slug)
