"""Reuse settings: every legal or operational threshold is a setting (DOMAIN.md), read here.

They live in ``settings.PROLONGE``; the defaults below apply when a deployment leaves them out.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import legal as _legal

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


# --- The authority's identity on legal documents (agreements, erasure certificates) -----------
# DOMAIN.md §3: an agreement names both parties with SIRET and address, the decision that
# authorised the transfer ("Vu …"), the signatory's standing and delegation, and where it is made.
# The shared kernel (``config.legal``) holds the rules: inventory's exit documents need them too.


def _missing_legal_settings(names):
    _legal.missing_legal_settings(names)


def legal_identity():
    """{"name", "siret", "address"} of the authority; refuses (ValidationError) when one is missing."""
    return _legal.legal_identity()


def agreement_settings():
    """What an agreement needs besides the identity: place of signature and authorising decision."""
    return _legal.agreement_settings()


def signatories():
    """The people who may sign for the authority: [{"key", "name", "role", "delegation"}]."""
    return _legal.signatories()


def signatory(value):
    """The configured signatory whose key or name is ``value``, or None."""
    return _legal.signatory(value)


# Décret 2022-1413: highest solidarity resale prices (€ TTC, working device with charger, disk,
# OS and battery) for ARUP and 3DS inclusion associations.
SOLIDARITY_CAPS_DEFAULT = {
    "laptop": 180, "desktop_set": 150, "tablet": 100, "smartphone": 100, "screen": 30, "printer": 30,
    "multifunction": 170,
}
DEFAULTS["SOLIDARITY_RESALE_CAPS_EUR"] = SOLIDARITY_CAPS_DEFAULT


def solidarity_caps():
    return dict(setting("SOLIDARITY_RESALE_CAPS_EUR"))
