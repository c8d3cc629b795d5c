"""Reuse settings: every legal or operational threshold is a setting (DOMAIN.md), read here.

They live in ``settings.PROLONGE``; the defaults below apply when a deployment leaves them out.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # CG3P art. D. 3212-3: ceiling of the unit value at a free transfer (euros).
    "DONATION_UNIT_CEILING_EUR": 300,
    # Basis of the book value at transfer: "TTC" (general budget: depreciation on the TTC
    # acquisition value) or "HT" (budgets that recover VAT).
    "DONATION_VALUE_BASIS": "TTC",
    # Days after the pickup slot before a claim nobody picked up is released.
    "CLAIM_PICKUP_DELAY_DAYS": 7,
    # Months after a donation before the association is asked how the kit is used.
    "FOLLOW_UP_MONTHS": 6,
}


def setting(name):
    return settings.PROLONGE.get(name, DEFAULTS[name])


def donation_ceiling():
    return Decimal(str(setting("DONATION_UNIT_CEILING_EUR")))


def pickup_delay_days():
    return int(setting("CLAIM_PICKUP_DELAY_DAYS"))


def follow_up_months():
    return int(setting("FOLLOW_UP_MONTHS"))


def value_basis():
    """``TTC`` (default: the general budget depreciates the TTC acquisition value) or ``HT``."""
    basis = str(setting("DONATION_VALUE_BASIS")).upper()
    if basis not in ("TTC", "HT"):
        raise ImproperlyConfigured(f"PROLONGE['DONATION_VALUE_BASIS'] must be 'TTC' or 'HT', not {basis!r}.")
    return basis
