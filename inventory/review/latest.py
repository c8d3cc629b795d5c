"""Each device's latest repair, computed once per run and shared by the rules that read it.

``extend`` and ``repair_not_replace`` read the outcome, estimate and fault of a device's most
recent repair. The previous version asked one correlated subquery per device and per field
(four per flagged device, ~8 s at 1M devices); now ``run_review()`` materialises the ids of the
latest repairs once (``materialised(ctx)``: one set-based statement into a temporary table)
and each rule LEFT JOINs that repair (``latest_repair(field)``), so its query stays one hash
join. Outside a run (a rule's ``rows()`` called alone) the same ids come from an uncorrelated
window subquery: same rows, computed by the query itself.
"""

from contextlib import contextmanager

from django.db import connection
from django.db.models import F, FilteredRelation, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from ..models import Repair

TABLE = "review_latest_repair"
ALIAS = "_review_latest_repair"


def _latest_ids():
    """Ids of the most recent repair of each device (``-opened_at, -id``, as before)."""
    return (
        Repair.objects.order_by()
        .annotate(_rank=Window(RowNumber(), partition_by=[F("device_id")],
                               order_by=[F("opened_at").desc(), F("id").desc()]))
        .filter(_rank=1)
        .values("id")
    )


def latest_ids(ctx):
    """What ``repairs__id__in`` takes: the run's temporary table, else the window subquery."""
    if ctx.memo("latest_repair_table", lambda: False):
        return RawSQL(f"SELECT id FROM {TABLE}", ())
    return _latest_ids()


def with_latest_repair(queryset, ctx):
    """``queryset`` (devices) LEFT JOINed to its latest repair; read fields as ``latest_repair(f)``."""
    return queryset.alias(**{ALIAS: FilteredRelation("repairs", condition=Q(repairs__id__in=latest_ids(ctx)))})


def latest_repair(field):
    """``field`` of the device's latest repair (None without any); after ``with_latest_repair``."""
    return F(f"{ALIAS}__{field}")


@contextmanager
def materialised(ctx):
    """Compute the latest repairs once for the whole run (a temporary table, dropped after)."""
    sql, params = _latest_ids().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} AS SELECT id FROM ({sql}) AS latest", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")
    ctx._memo["latest_repair_table"] = True
    try:
        yield
    finally:
        ctx._memo["latest_repair_table"] = False
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
