"""Exits from the fleet other than donation and recycling (DOMAIN.md §7), a room of inventory.

Public interface::

    record_exit(device=…, route=…, actor=…, **fields)   # sale, transfer, take-back, return,
                                                       # theft, destruction: record + status
    found_again(device=…, actor=…, note=…)             # lost or stolen → in stock
    ROUTE_FIELDS                                       # the fields each route asks for
    documents.issue_document(exit, signatory=key)      # sale receipt, transfer minutes,
                                                       # take-back slip: issued once, kept

Pages (``views``), the API actions (``inventory.api`` ``DeviceViewSet.exit``/``found_again``) and
the admin (``ExitAdmin``) all call these two services; the device page's exits panel (``panel``)
and ``/api/exits/<id>/issue_document/`` call ``issue_document``.
"""

from .services import REQUIRED_FIELDS, ROUTE_FIELDS, found_again, record_exit

__all__ = ["REQUIRED_FIELDS", "ROUTE_FIELDS", "found_again", "record_exit"]
