"""Small pure functions the builder draws with: times, dates, serials, book value."""

import datetime as dt
import functools
import math
from decimal import Decimal

from .reference import SERIAL_PREFIX


def when(day):
    """An "ordinal day" float as an aware datetime, squeezed into office hours (07:00–17:00 UTC).

    The mapping keeps the order of times, so the journal's order is the planned one.
    """
    whole = int(day)
    return _midnight(whole) + dt.timedelta(hours=7 + (day - whole) * 10)


@functools.lru_cache(maxsize=8192)
def _midnight(ordinal):
    return dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(), tzinfo=dt.UTC)


def serial(maker, n):
    """A serial unique per device: an odd multiplier (prime to 36) is a bijection modulo 36**8."""
    value = (n * 2654435761 + 97) % 36**8
    digits = []
    for _ in range(8):
        value, r = divmod(value, 36)
        digits.append("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r])
    return SERIAL_PREFIX.get(maker, "") + "".join(digits)


def years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 3, 1)


def book_value(price, purchase, day, depreciation_years):
    if price is None:
        return Decimal("0")
    share = max(0.0, 1 - (day - purchase).days / (depreciation_years * 365.25))
    return (price * Decimal(f"{share:.4f}")).quantize(Decimal("0.01"))


def poisson(rng, mean):
    """Knuth's method: small means only (repair cycles over a device's life)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
