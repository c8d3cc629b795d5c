"""One savings model for the review (DOMAIN.md §5, docs/footprint.md "What a finding is worth").

Keeping, repairing or redeploying a device **defers** the purchase of its replacement; it does
not cancel it. The figures are the share of the replacement's price P and embodied footprint E
that the extra years Δ represent over a replacement's life L:

    € = P × min(Δ, L) / L − R          (R: the repair estimate, for a repair; else 0)
    kg = E × min(Δ, L) / L

A device handed to someone else (reuse) avoids a manufacturing only with the displacement
rate d (The Restart Project's method): kg = E × d, and no € for the authority.

Every figure carries its ``kind`` and the ``inputs`` it was computed from, stored on the Flag,
so that the pages can print the formula next to the figure and totals never add two kinds.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..models import Flag

CENT = Decimal("0.01")


# € reporté and kg évité (extend, repair, redeploy); kg évité by a reuse (× d, no €); € to spend.
Kind = Flag.SavingsKind


@dataclass(frozen=True)
class Savings:
    kind: str = Kind.NONE
    eur: Decimal | None = None
    kg: Decimal | None = None
    inputs: dict = field(default_factory=dict)


NONE = Savings()


def _q(value):
    return None if value is None else Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _text(value):
    """Inputs are stored as JSON: decimals as strings, so that a rerun compares equal."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return str(Decimal(value).quantize(CENT, ROUND_HALF_UP))


def share(delta, lifespan):
    """min(Δ, L) / L, the share of one replacement that Δ extra years postpone (0…1)."""
    lifespan = Decimal(max(int(lifespan or 0), 1))
    delta = max(Decimal(delta or 0), Decimal(0))
    return min(delta, lifespan) / lifespan


def deferral(*, price, embodied, delta, lifespan, repair=None):
    """Keeping (or repairing, redeploying) a device Δ more years: € reporté, kg évité."""
    s = share(delta, lifespan)
    eur = None if price is None else Decimal(price) * s - Decimal(repair or 0)
    kg = None if embodied is None else Decimal(embodied) * s
    inputs = {"P": _text(price), "E": _text(embodied), "delta": _text(delta), "L": int(lifespan or 0)}
    if repair is not None:
        inputs["R"] = _text(repair)
    return Savings(Kind.DEFERRED, _q(eur), _q(kg), inputs)


def reuse(*, embodied, displacement):
    """Handing a device over for reuse: kg = E × d, no € for the authority."""
    kg = None if embodied is None else Decimal(embodied) * Decimal(displacement)
    return Savings(Kind.AVOIDED, None, _q(kg), {"E": _text(embodied), "d": _text(displacement)})


def repair_cost(*, estimate):
    """What finishing a repair costs: a figure to spend, shown apart from any deferral."""
    return Savings(Kind.REPAIR_COST, _q(estimate), None, {"R": _text(estimate)})


def remaining_years(purchase_date, lifespan, today):
    """Planned years of service left, in whole months (so it changes monthly, not nightly)."""
    if purchase_date is None:
        return Decimal(0)
    elapsed = (today.year - purchase_date.year) * 12 + today.month - purchase_date.month
    if today.day < purchase_date.day:
        elapsed -= 1
    months = int(lifespan or 0) * 12 - elapsed
    return (Decimal(max(months, 0)) / Decimal(12)).quantize(CENT, ROUND_HALF_UP)
