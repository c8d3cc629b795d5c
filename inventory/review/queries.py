"""Read side of the review: the totals of a set of findings, honestly added.

Rules (DOMAIN.md §5): one figure per device — the largest of its findings — and never two
kinds of figure in one sum. A deferred purchase (€ reporté, kg évité), a manufacturing avoided
by a reuse (kg évité) and a repair cost (€ à dépenser) are three totals, side by side.
Findings whose footprint is unknown are counted, so the page says how many devices the kg
total leaves out.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from .savings import Kind

SAVING_KINDS = (Kind.DEFERRED, Kind.AVOIDED)
_FLOOR = Value(Decimal(-10**9), output_field=DecimalField(max_digits=12, decimal_places=2))


def _ranked(flags):
    return flags.annotate(rank_eur=Coalesce("savings_eur", _FLOOR), rank_kg=Coalesce("savings_kgco2e", _FLOOR))


def best_per_device(flags):
    """Among ``flags``' saving findings, each device's largest (€, then kg, then the oldest)."""
    base = flags.order_by()
    savings = _ranked(base.filter(savings_kind__in=SAVING_KINDS))
    better = _ranked(base.filter(savings_kind__in=SAVING_KINDS, device_id=OuterRef("device_id"))).filter(
        Q(rank_eur__gt=OuterRef("rank_eur"))
        | Q(rank_eur=OuterRef("rank_eur"), rank_kg__gt=OuterRef("rank_kg"))
        | Q(rank_eur=OuterRef("rank_eur"), rank_kg=OuterRef("rank_kg"), id__lt=OuterRef("id"))
    )
    return savings.exclude(Exists(better))


def savings_totals(flags):
    """Totals of ``flags`` (a Flag queryset, e.g. the filtered list) in two queries.

    Returns ``{"count": findings, kind: {"devices", "eur", "kg", "unknown_kg"}, …}`` for the
    kinds present. Among a device's saving findings, the one with the largest € (then kg,
    then the oldest) is counted; the others are left out. Repair costs are summed apart.
    """
    base = flags.order_by()
    best = best_per_device(base)
    totals = {}
    for row in best.values("savings_kind").annotate(
        devices=Count("device_id"), eur=Sum("savings_eur"), kg=Sum("savings_kgco2e"),
        unknown_kg=Count("id", filter=Q(savings_kgco2e__isnull=True)),
    ).order_by("savings_kind"):
        totals[row["savings_kind"]] = row
    is_cost = Q(savings_kind=Kind.REPAIR_COST)
    overall = base.aggregate(
        count=Count("id"), cost_devices=Count("device_id", distinct=True, filter=is_cost),
        cost_eur=Sum("savings_eur", filter=is_cost),
    )
    totals["count"] = overall["count"]
    if overall["cost_devices"]:
        totals[Kind.REPAIR_COST] = {"savings_kind": Kind.REPAIR_COST, "devices": overall["cost_devices"],
                                    "eur": overall["cost_eur"], "kg": None, "unknown_kg": 0}
    return totals


def flag_totals(flags):
    """The list page's header: how many findings, and the honest totals by kind."""
    by_kind = savings_totals(flags)
    labels = dict(Kind.choices)
    return {
        "count": by_kind["count"],
        "kinds": [
            {"kind": kind, "label": labels[kind], **by_kind[kind]}
            for kind in (Kind.DEFERRED, Kind.AVOIDED, Kind.REPAIR_COST) if kind in by_kind
        ],
    }
