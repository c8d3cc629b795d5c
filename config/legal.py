"""The authority's identity on legal documents, shared by every app that issues one.

``reuse`` (transfer agreements, erasure certificates) and ``inventory`` (sale receipts, transfer
minutes, take-back slips of the exit routes) both print the authority with its SIRET and address,
the place of signature, the authorising decision and a signatory with standing and delegation
(DOMAIN.md §3 and §7). They read them here, from ``settings.PROLONGE`` (``PROLONGE_*`` environment
variables): a document is refused (``ValidationError`` naming the missing settings, in French)
rather than issued without them. ``reuse.conf`` keeps its functions as thin delegations.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["agreement_settings", "legal_identity", "missing_legal_settings", "place", "signatories", "signatory"]


def _value(name):
    return (settings.PROLONGE.get(name) or "").strip()


def missing_legal_settings(names):
    """Refuse a legal document: ``names`` are the labels of the settings left empty."""
    raise ValidationError(
        _(
            "This legal document cannot be issued: the authority's %(missing)s are not configured. An administrator "
            "must set them (PROLONGE settings or PROLONGE_* environment variables, see docs/reuse.md)."
        )
        % {"missing": ", ".join(str(name) for name in names)},
        code="legal_identity_missing",
    )


def legal_identity():
    """{"name", "siret", "address"} of the authority; refuses (ValidationError) when one is missing."""
    identity = {
        "name": _value("OWNER_NAME"),
        "siret": (settings.PROLONGE.get("OWNER_SIRET") or "").replace(" ", ""),
        "address": _value("OWNER_ADDRESS"),
    }
    labels = {
        "name": _("name (PROLONGE_OWNER_NAME)"),
        "siret": _("SIRET number (PROLONGE_OWNER_SIRET)"),
        "address": _("postal address (PROLONGE_OWNER_ADDRESS)"),
    }
    missing = [labels[key] for key, value in identity.items() if not value]
    if missing:
        missing_legal_settings(missing)
    return identity


def place():
    """The town of "Fait à <place>, le <date>"; refuses when it is not configured."""
    value = _value("OWNER_PLACE")
    if not value:
        missing_legal_settings([_("place of signature, a town (PROLONGE_OWNER_PLACE)")])
    return value


def agreement_settings():
    """What a free-transfer agreement needs besides the identity: place and authorising decision."""
    values = {"place": _value("OWNER_PLACE"), "decision": _value("TRANSFER_DECISION")}
    labels = {
        "place": _("place of signature, a town (PROLONGE_OWNER_PLACE)"),
        "decision": _("deliberation or delegated decision authorising transfers (PROLONGE_TRANSFER_DECISION)"),
    }
    missing = [labels[key] for key, value in values.items() if not value]
    if not signatories():
        missing.append(_("signatories (PROLONGE_SIGNATORIES)"))
    if missing:
        missing_legal_settings(missing)
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
