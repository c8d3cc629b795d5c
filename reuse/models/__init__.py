"""Second life: erasures, internal requests, partner associations, offers, claims, donations
(to associations and to staff members).

Rows hold data and their own invariants; workflows that span rows live in ``reuse.services``.
One module per topic; import from here (``from reuse.models import Claim``), the modules are
an implementation detail. ``validate_siret`` stays importable here because migration 0001
names it as ``reuse.models.validate_siret``.
"""

from .associations import Association, EligibilityCategory, Membership, luhn_valid, validate_rna, validate_siret
from .claims import LEGAL_BASIS, Claim, ClaimLine, Donation, FollowUp
from .erasures import Erasure
from .hashing import content_hash
from .notifications import OutboxMessage, SentNotification
from .offers import Offer, OfferItem
from .redeployment import InternalRequest
from .staff import StaffDonation, StaffDonationLine

__all__ = [
    "LEGAL_BASIS",
    "Association",
    "Claim",
    "ClaimLine",
    "Donation",
    "EligibilityCategory",
    "Erasure",
    "FollowUp",
    "InternalRequest",
    "Membership",
    "Offer",
    "OfferItem",
    "OutboxMessage",
    "SentNotification",
    "StaffDonation",
    "StaffDonationLine",
    "content_hash",
    "luhn_valid",
    "validate_rna",
    "validate_siret",
]
