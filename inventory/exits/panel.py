"""The exits section of the device page, registered by ``InventoryConfig.ready()``.

Shown to staff for a device whose status is an exit route (sold, transferred, taken back,
returned, stolen, destroyed): each exit record, with its legal document (a link when issued, else
an "issue" button with the signatory to choose). One query, and none for any other status (a
device in stock or in service costs the device page nothing).
"""

from config import legal
from config.roles import is_staff_member

from .. import lifecycle
from ..models import Exit
from ..panels import register_panel
from .documents import DOCUMENT_ROUTES

SHOWN = set(Exit.Route.values)


def exit_panel_context(device, user):
    if device.status not in SHOWN or not is_staff_member(user):
        return None
    exits = list(Exit.objects.filter(device=device).order_by("-exited_on", "-id"))
    if not exits:
        return None
    return {
        "exits": exits,
        "document_routes": [str(route) for route in DOCUMENT_ROUTES],
        "can_issue": lifecycle.can_transition(user),
        "signatories": legal.signatories(),
    }


def register_exit_panel():
    register_panel("exits", "inventory/exit_panel.html", exit_panel_context, order=55)
