"""Write side of reuse: one function per domain verb, keyword-only, atomic.

Views, API, admin actions, tasks and the demo call these; they hold no rules themselves.
Status changes go through ``inventory.lifecycle.transition`` only.
"""

from .associations import (
    add_member,
    apply_as_association,
    approve_association,
    refuse_application,
    suspend_association,
    update_association,
    update_interests,
)
from .claims import (
    approve_claim,
    cancel_claim,
    claim_offer,
    expire_claim,
    expire_claims,
    hand_over,
    refuse_claim,
    set_pickup,
)
from .erasures import record_erasure
from .follow_up import record_follow_up, request_follow_ups
from .offers import create_offer, withdraw_offer
from .redeployment import cancel_internal_request, create_internal_request, redeploy_device
from .staff import donate_to_staff, preview_staff_donation

__all__ = [
    "add_member",
    "apply_as_association",
    "approve_association",
    "approve_claim",
    "cancel_claim",
    "cancel_internal_request",
    "claim_offer",
    "create_internal_request",
    "create_offer",
    "donate_to_staff",
    "expire_claim",
    "expire_claims",
    "hand_over",
    "preview_staff_donation",
    "record_erasure",
    "record_follow_up",
    "redeploy_device",
    "refuse_application",
    "refuse_claim",
    "request_follow_ups",
    "set_pickup",
    "suspend_association",
    "update_association",
    "update_interests",
    "withdraw_offer",
]
