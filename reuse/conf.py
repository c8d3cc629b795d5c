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


# --- The authority's identity on legal documents (agreements, erasure certificates) -----------
# DOMAIN.md §3: an agreement names both parties with SIRET and address, the decision that
# authorised the transfer ("Vu …"), the signatory's standing and delegation, and where it is made.


def _missing_legal_settings(names):
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    raise ValidationError(
        _(
            "This legal document cannot be issued: the authority's %(missing)s are not configured. An administrator "
            "must set them (PROLONGE settings or PROLONGE_* environment variables, see docs/reuse.md)."
        )
        % {"missing": ", ".join(names)},
        code="legal_identity_missing",
    )


def legal_identity():
    """{"name", "siret", "address"} of the authority; refuses (ValidationError) when one is missing."""
    from django.utils.translation import gettext as _

    identity = {
        "name": (settings.PROLONGE.get("OWNER_NAME") or "").strip(),
        "siret": (settings.PROLONGE.get("OWNER_SIRET") or "").replace(" ", ""),
        "address": (settings.PROLONGE.get("OWNER_ADDRESS") or "").strip(),
    }
    labels = {
        "name": _("name (PROLONGE_OWNER_NAME)"),
        "siret": _("SIRET number (PROLONGE_OWNER_SIRET)"),
        "address": _("postal address (PROLONGE_OWNER_ADDRESS)"),
    }
    missing = [labels[key] for key, value in identity.items() if not value]
    if missing:
        _missing_legal_settings(missing)
    return identity


def agreement_settings():
    """What an agreement needs besides the identity: place of signature and authorising decision."""
    from django.utils.translation import gettext as _

    values = {
        "place": (settings.PROLONGE.get("OWNER_PLACE") or "").strip(),
        "decision": (settings.PROLONGE.get("TRANSFER_DECISION") or "").strip(),
    }
    labels = {
        "place": _("place of signature, a town (PROLONGE_OWNER_PLACE)"),
        "decision": _("deliberation or delegated decision authorising transfers (PROLONGE_TRANSFER_DECISION)"),
    }
    missing = [labels[key] for key, value in values.items() if not value]
    if not signatories():
        missing.append(_("signatories (PROLONGE_SIGNATORIES)"))
    if missing:
        _missing_legal_settings(missing)
    return values


def signatories():
    """The people who may sign for the authority: [{"key", "name", "role", "delegation"}]."""
    return [dict(entry) for entry in settings.PROLONGE.get("SIGNATORIES") or () if entry.get("key")]


def signatory(value):
    """The configured signatory whose key or name is ``value``, or None."""
    value = (value or "").strip()
    for entry in signatories():
        if value and value.casefold() in (entry["key"].casefold(), entry.get("name", "").casefold()):
            return entry
    return None


# Décret 2022-1413: highest solidarity resale prices (€ TTC, working device with charger, disk,
# OS and battery) for ARUP and 3DS inclusion associations.
SOLIDARITY_CAPS_DEFAULT = {
    "laptop": 180, "desktop_set": 150, "tablet": 100, "smartphone": 100, "screen": 30, "printer": 30,
    "multifunction": 170,
}
DEFAULTS["SOLIDARITY_RESALE_CAPS_EUR"] = SOLIDARITY_CAPS_DEFAULT


def solidarity_caps():
    return dict(setting("SOLIDARITY_RESALE_CAPS_EUR"))
