"""The verbs of the exit routes: one record per device and route, and its status, atomically."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import lifecycle
from ..journal import acting_user
from ..models import Event, Exit, Status

__all__ = ["REQUIRED_FIELDS", "ROUTE_FIELDS", "found_again", "record_exit"]

R = Exit.Route

# What each route asks for, in the order forms show it (DOMAIN.md §7).
ROUTE_FIELDS = {
    R.SOLD: ("counterparty", "counterparty_address", "price", "platform", "decision"),
    R.TRANSFERRED: ("counterparty", "counterparty_siret", "counterparty_address", "decision"),
    R.TAKEN_BACK: ("counterparty", "counterparty_siret", "counterparty_address", "reuse_commitment", "proof_of_reuse"),
    R.RETURNED: ("counterparty", "contract_reference", "contract_terms_confirmed"),
    R.STOLEN: ("police_report", "personal_data"),
    R.DESTROYED: ("reason", "certificate"),
}
REQUIRED_FIELDS = {
    R.SOLD: ("counterparty", "price", "decision"),
    R.TRANSFERRED: ("counterparty", "counterparty_siret"),
    R.TAKEN_BACK: ("counterparty", "reuse_commitment"),
    R.RETURNED: ("counterparty", "contract_reference"),
    R.STOLEN: ("police_report",),
    R.DESTROYED: ("reason",),
}
COMMON_FIELDS = ("exited_on", "note")
SIRET = re.compile(r"^[0-9]{14}$")


def _clean(route, fields):
    if route not in R.values:
        raise ValidationError({"route": _("Choose a way out of the fleet.")})
    allowed = set(ROUTE_FIELDS[route]) | set(COMMON_FIELDS)
    values = {name: value for name, value in fields.items() if name in allowed}
    for name, value in list(values.items()):
        if isinstance(value, str):
            values[name] = value.strip()
    errors = {}
    for name in REQUIRED_FIELDS[route]:
        if values.get(name) in (None, "", False):
            errors[name] = _("Required for this way out.")
    siret = values.get("counterparty_siret", "")
    if siret and not SIRET.match(siret.replace(" ", "")):
        errors["counterparty_siret"] = _("A SIRET has 14 digits.")
    elif siret:
        values["counterparty_siret"] = siret.replace(" ", "")
    if values.get("price") is not None and values["price"] < 0:
        errors["price"] = _("A price cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def record_exit(*, device, route, actor=None, expected_status=None, **fields):
    """Record that ``device`` leaves the fleet by ``route`` and move it to that route's status.

    The ``Exit`` row and the status change (journal kind ``exited``) are one transaction: the
    lifecycle guards (ownership, erasure) refuse, and nothing is written. ``fields`` are the
    route's facts (``ROUTE_FIELDS``); a return to the lessor passes ``contract_terms_confirmed``
    to the erasure guard, which waives the erasure only then.
    """
    values = _clean(route, fields)
    record = Exit.objects.create(device=device, route=route, created_by=acting_user(actor), **values)
    lifecycle.transition(
        device, Status(route), actor=actor, kind=Event.Kind.EXITED, expected_status=expected_status,
        workflow=lifecycle.Workflow.EXIT, note=values.get("note", "") or record.get_route_display(),
        data={"exit_id": record.pk, "route": route},
        contract_terms_confirmed=bool(values.get("contract_terms_confirmed")),
    )
    return record


@transaction.atomic
def found_again(*, device, actor=None, note=""):
    """A lost or stolen device is back: in stock again, its theft record marked found."""
    lifecycle.transition(
        device, Status.IN_STOCK, actor=actor, kind=Event.Kind.FOUND, workflow=lifecycle.Workflow.FOUND,
        note=(note or "").strip() or _("Found again"),
    )
    Exit.objects.filter(device=device, route=R.STOLEN, found_at__isnull=True).update(found_at=timezone.now())
    return device
