"""Repairs, a room of the register: verbs in ``services``, reads in ``queries``, pages, API, panel.

The verbs keep their historical import path: ``from inventory.repairs import open_repair``.
"""

from .queries import device_repairs, open_repair_of, repair_list
from .services import END_OF_LIFE_STATUS, OPENABLE_FROM, RETURN_STATUSES, close_repair, open_repair

__all__ = [
    "END_OF_LIFE_STATUS", "OPENABLE_FROM", "RETURN_STATUSES", "close_repair", "device_repairs", "open_repair",
    "open_repair_of", "repair_list",
]
