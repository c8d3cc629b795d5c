"""The "Second life" section of the device page (registered in ``ReuseConfig.ready``)."""

from config.roles import is_staff_member
from inventory.lifecycle import GONE
from inventory.models import Ownership, Status

from .guards import has_valid_erasure
from .queries import device_panel
from .services.redeployment import REDEPLOYABLE


def device_panel_context(device, user):
    """Erasures, current offer and claim, and the actions the user may take: four queries."""
    if not is_staff_member(user):
        return None
    context = device_panel(device)
    context.update(
        {
            "device": device,
            "erased": has_valid_erasure(device),
            "carries_storage": device.model.stores_data,
            "can_erase": user.has_perm("reuse.add_erasure") and device.status not in GONE,
            "can_redeploy": user.has_perm("inventory.transition_device") and device.status in REDEPLOYABLE,
            "can_offer": user.has_perm("reuse.add_offer") and device.status == Status.RETIRED,
            "can_give_to_staff": user.has_perm("reuse.add_staffdonation") and device.status == Status.RETIRED
            and device.ownership == Ownership.OWNED,
        }
    )
    return context
