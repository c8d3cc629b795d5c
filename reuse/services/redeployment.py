"""Internal redeployment: before a device leaves, another department may need it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inventory import journal, lifecycle
from inventory.journal import acting_user
from inventory.models import Device, Event, Status
from inventory.services import update_device

from ..exceptions import ReuseRefused
from ..models import InternalRequest

REDEPLOYABLE = (Status.RETIRED, Status.IN_STOCK)


@transaction.atomic
def redeploy_device(
    *, device, actor, department=None, site=None, assignee=None, put_in_service=True, request=None, note=""
):
    """Give a retired or stocked device to a new department / site / person, in one step.

    Writes exactly one journal event of kind ``redeployed`` (reports count them): the status
    change when there is one, otherwise an event of its own; the facts (department, site,
    assignee) are changed through ``inventory.services.update_device``. ``request`` is the
    internal request this redeployment serves (same category), counted towards it.
    """
    locked = Device.objects.select_for_update().select_related("model").get(pk=device.pk)
    if locked.status not in REDEPLOYABLE:
        raise ReuseRefused(
            _("%(tag)s is “%(status)s”: only retired or stocked devices can be redeployed.")
            % {"tag": locked.asset_tag, "status": lifecycle.status_label(locked.status)},
            code="not_redeployable",
        )
    changes = {}
    if department is not None:
        changes["department"] = department
    if site is not None:
        changes["site"] = site
    if assignee is not None:
        changes["assignee"] = assignee.strip()
    if not changes:
        raise ValidationError(_("Choose at least a department, a site or an assignee."))
    if request is not None:
        _count_towards(request, locked)
    update_device(device=locked, actor=actor, note=note, **changes)
    data = {"request_id": request.pk} if request is not None else {}
    note = note or _("Redeployed")
    if locked.status == Status.RETIRED:
        event = lifecycle.transition(
            locked, Status.IN_STOCK, actor=actor, note=note, kind=Event.Kind.REDEPLOYED, data=data,
            expected_status=Status.RETIRED, keep_assignee=True,
        )
        if put_in_service:
            lifecycle.transition(locked, Status.IN_SERVICE, actor=actor, note=note, expected_status=Status.IN_STOCK)
    elif put_in_service:
        event = lifecycle.transition(
            locked, Status.IN_SERVICE, actor=actor, note=note, kind=Event.Kind.REDEPLOYED, data=data,
            expected_status=Status.IN_STOCK,
        )
    else:
        event = journal.record(locked, Event.Kind.REDEPLOYED, actor=actor, note=note, data=data)
    device.status = locked.status
    return event


def _count_towards(request, device):
    request = InternalRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != InternalRequest.Status.OPEN:
        raise ReuseRefused(_("This internal request is no longer open."), code="request_closed")
    if request.category_id != device.model.category_id:
        raise ValidationError({"request": _("This request asks for another category of device.")})
    request.fulfilled += 1
    if request.fulfilled >= request.quantity:
        request.status = InternalRequest.Status.FULFILLED
    request.save(update_fields=["fulfilled", "status"])


@transaction.atomic
def create_internal_request(*, department, category, quantity, actor, reason=""):
    """A department asks for ``quantity`` devices of ``category``."""
    request = InternalRequest(
        department=department, category=category, quantity=quantity, reason=reason.strip(),
        requested_by=acting_user(actor),
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def cancel_internal_request(*, request, actor):
    """Close a request nobody needs any more (what was redeployed stays counted)."""
    request = InternalRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != InternalRequest.Status.OPEN:
        raise ReuseRefused(_("This internal request is no longer open."), code="request_closed")
    request.status = InternalRequest.Status.CANCELLED
    request.save(update_fields=["status"])
    return request
