"""The one place where a device changes status (DESIGN.md §3).

``transition()`` checks the transition table and the guards, updates the device and writes the
journal ``Event`` in one transaction, under a row lock so that two concurrent changes of one
device are serialised. Views, API, admin, imports and tasks all call it.

Other apps add guards without inventory importing them: ``register_guard()`` is called from
their ``AppConfig.ready()`` (e.g. reuse: no donation without a passed erasure).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import journal
from .models import Device, Event, Ownership, Status

__all__ = [
    "EDGE_WORKFLOWS", "EXIT_ROUTES", "GONE", "OWNED_ONLY", "TERMINAL", "TRANSITIONS", "WORKFLOWS", "WORKFLOW_ONLY",
    "Workflow", "TransitionConflict", "TransitionRefused", "available_transitions",
    "can_transition", "check_transition", "register_guard", "status_label", "transition", "transition_many",
]

S = Status

TRANSITIONS = {
    S.IN_STOCK: {S.IN_SERVICE, S.IN_REPAIR, S.RETIRED, S.LOST, S.STOLEN, S.RETURNED},
    S.IN_SERVICE: {S.IN_STOCK, S.IN_REPAIR, S.RETIRED, S.LOST, S.STOLEN, S.RETURNED},
    S.IN_REPAIR: {S.IN_STOCK, S.IN_SERVICE, S.RETIRED},
    S.RETIRED: {
        S.IN_STOCK, S.AVAILABLE, S.RECYCLED, S.LOST, S.SOLD, S.TRANSFERRED, S.TAKEN_BACK, S.RETURNED, S.STOLEN,
        S.DESTROYED, S.DONATED,
    },
    S.AVAILABLE: {S.RETIRED, S.RESERVED, S.RECYCLED},
    S.RESERVED: {S.AVAILABLE, S.DONATED},
    S.DONATED: set(),
    S.RECYCLED: set(),
    S.LOST: {S.IN_STOCK, S.STOLEN},
    S.STOLEN: {S.IN_STOCK},
    S.SOLD: set(),
    S.TRANSFERRED: set(),
    S.TAKEN_BACK: set(),
    S.RETURNED: set(),
    S.DESTROYED: set(),
}
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
# Gone from the fleet, for good or until found again: a lost or stolen device is no longer held.
GONE = TERMINAL | {S.LOST, S.STOLEN}
EXIT_ROUTES = frozenset({S.SOLD, S.TRANSFERRED, S.TAKEN_BACK, S.RETURNED, S.STOLEN, S.DESTROYED})


class Workflow:
    """Names of the workflows that alone may reach some statuses (issue 14 §5).

    The service of a workflow passes ``workflow=Workflow.X`` to ``transition()``; the generic
    entry points (device page, API ``transition``, admin action, review "accept") pass none, so a
    device never becomes ``available`` without an offer, ``reserved`` without an approved claim,
    ``donated`` without a handover or a donation to a staff member, ``in_repair`` without a repair,
    ``recycled`` without a WEEE shipment (its register entry), or leaves by a route without the
    record of that route.
    """

    OFFER = "offer"
    CLAIM = "claim"
    HANDOVER = "handover"
    REPAIR = "repair"
    EXIT = "exit"
    FOUND = "found"
    SHIPMENT = "shipment"
    STAFF_DONATION = "staff_donation"


W = Workflow

# Target status -> the workflows allowed to reach it. (``available`` is also reached when a
# claim releases its devices back to their offer.)
WORKFLOWS = {
    S.IN_REPAIR: frozenset({W.REPAIR}),
    S.AVAILABLE: frozenset({W.OFFER, W.CLAIM}),
    S.RESERVED: frozenset({W.CLAIM}),
    S.DONATED: frozenset({W.HANDOVER, W.STAFF_DONATION}),
    S.RECYCLED: frozenset({W.SHIPMENT}),
    **{status: frozenset({W.EXIT}) for status in EXIT_ROUTES},
}
# Edges (from, to) with a workflow of their own: finding a device again closes its theft record;
# a retired device goes straight to ``donated`` only when given to a staff member (CG3P
# L. 3212-2, 5°: no offer, no claim), and a reserved one only through the handover of its claim.
EDGE_WORKFLOWS = {
    (S.RETIRED, S.DONATED): frozenset({W.STAFF_DONATION}),
    (S.RESERVED, S.DONATED): frozenset({W.HANDOVER}),
    (S.LOST, S.IN_STOCK): frozenset({W.FOUND}),
    (S.STOLEN, S.IN_STOCK): frozenset({W.FOUND}),
}
# Statuses only reached through their own workflow: the generic "change status" buttons do not
# offer them, and ``transition()`` refuses them without the workflow's name.
WORKFLOW_ONLY = frozenset(WORKFLOWS)
# A leased or rented device belongs to its lessor: never offered, sold, donated or transferred.
OWNED_ONLY = frozenset({S.AVAILABLE, S.RESERVED, S.DONATED, S.SOLD, S.TRANSFERRED, S.TAKEN_BACK})

ACTION_LABELS = {
    S.IN_STOCK: gettext_lazy("Put back in stock"),
    S.IN_SERVICE: gettext_lazy("Put in service"),
    S.IN_REPAIR: gettext_lazy("Send to repair"),
    S.RETIRED: gettext_lazy("Retire"),
    S.AVAILABLE: gettext_lazy("Offer to associations"),
    S.RESERVED: gettext_lazy("Reserve"),
    S.DONATED: gettext_lazy("Record the donation"),
    S.RECYCLED: gettext_lazy("Send to recycling"),
    S.LOST: gettext_lazy("Declare lost"),
    S.SOLD: gettext_lazy("Record a sale"),
    S.TRANSFERRED: gettext_lazy("Transfer to a public body"),
    S.TAKEN_BACK: gettext_lazy("Record a take-back for reuse"),
    S.RETURNED: gettext_lazy("Return to the lessor"),
    S.STOLEN: gettext_lazy("Declare stolen"),
    S.DESTROYED: gettext_lazy("Record a destruction"),
}


class TransitionRefused(Exception):
    """A status change the rules do not allow; the message is for people (French by default)."""

    http_status = 400
    code = "refused"

    def __init__(self, message, *, code=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class TransitionConflict(TransitionRefused):
    """The device changed meanwhile (another person or process was faster)."""

    http_status = 409
    code = "conflict"


_guards = []


def register_guard(guard):
    """Add ``guard(device, to_status, context)`` that raises TransitionRefused to refuse.

    ``context`` is the dict of keyword links passed to ``transition()`` (e.g. ``value``).
    Registration is idempotent so that ``ready()`` may run more than once in tests.
    """
    if guard not in _guards:
        _guards.append(guard)
    return guard


def status_label(status):
    """The status's label in the active language."""
    return Status(status).label


def check_transition(device, to_status, context=None, *, workflow=None):
    """Raise TransitionRefused if ``device`` may not go to ``to_status`` now (by ``workflow``)."""
    if to_status not in Status.values:
        raise TransitionRefused(_("“%(status)s” is not a known status.") % {"status": to_status}, code="unknown_status")
    current = Status(device.status)
    if current in TERMINAL:
        raise TransitionRefused(
            _("%(tag)s is %(status)s: this status is final.")
            % {"tag": device.asset_tag, "status": status_label(current)},
            code="terminal",
        )
    if to_status == current:
        raise TransitionRefused(
            _("%(tag)s is already %(status)s.") % {"tag": device.asset_tag, "status": status_label(current)},
            code="same_status",
        )
    if to_status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(str(status_label(s)) for s in TRANSITIONS[current]))
        raise TransitionRefused(
            _("%(tag)s cannot go from “%(from)s” to “%(to)s”. Allowed from here: %(allowed)s.")
            % {
                "tag": device.asset_tag,
                "from": status_label(current),
                "to": status_label(to_status),
                "allowed": allowed,
            },
            code="not_allowed",
        )
    _check_workflow(device, current, to_status, workflow)
    _check_ownership(device, to_status)
    for guard in _guards:
        guard(device, to_status, context or {})


def _check_workflow(device, current, to_status, workflow):
    allowed = EDGE_WORKFLOWS.get((current, to_status)) or WORKFLOWS.get(to_status)
    if allowed and workflow not in allowed:
        raise TransitionRefused(
            _("%(tag)s: “%(status)s” is reached only through its own procedure (%(how)s), not by a plain "
              "status change.")
            % {"tag": device.asset_tag, "status": status_label(to_status), "how": _procedure(current, to_status)},
            code="workflow_only",
        )


def _procedure(current, to_status):
    if (current, to_status) == (S.RETIRED, S.DONATED):
        return _("give it to a staff member")
    if (current, to_status) in EDGE_WORKFLOWS and to_status == S.IN_STOCK:
        return _("“found again” on the device page")
    return {
        S.IN_REPAIR: _("open a repair"),
        S.AVAILABLE: _("publish an offer"),
        S.RESERVED: _("approve a claim"),
        S.DONATED: _("hand over a claim"),
        S.RECYCLED: _("add it to a WEEE shipment and dispatch the shipment"),
    }.get(to_status, _("record the exit from the fleet with its document"))


def _check_ownership(device, to_status):
    owned = device.ownership == Ownership.OWNED
    if to_status in OWNED_ONLY and not owned:
        raise TransitionRefused(
            _("%(tag)s is %(ownership)s (%(lessor)s): it belongs to its lessor and can never be offered, sold, "
              "donated or transferred; return it to the lessor.")
            % {"tag": device.asset_tag, "ownership": device.get_ownership_display().lower(),
               "lessor": device.lessor or "—"},
            code="not_owned",
        )
    if to_status == S.RETURNED and owned:
        raise TransitionRefused(
            _("%(tag)s is owned by the authority: only a leased or rented device is returned to a lessor.")
            % {"tag": device.asset_tag},
            code="owned",
        )


def can_transition(user):
    """Whether ``user`` may change statuses at all (the ``transition_device`` permission)."""
    return user.is_authenticated and user.has_perm("inventory.transition_device")


def available_transitions(device, user):
    """Targets the user may choose for this device now (table, guards and permission)."""
    if not can_transition(user):
        return []
    targets = []
    for target in sorted(TRANSITIONS[Status(device.status)], key=lambda s: Status.values.index(s)):
        if target in WORKFLOW_ONLY or (device.status, target) in EDGE_WORKFLOWS:
            continue
        try:
            check_transition(device, target)
        except TransitionRefused:
            continue
        targets.append(target)
    return targets


@transaction.atomic
def transition(
    device,
    to_status,
    *,
    actor=None,
    note="",
    expected_status=None,
    kind=Event.Kind.STATUS,
    repair=None,
    data=None,
    check_permission=False,
    workflow=None,
    keep_assignee=False,
    **context,
):
    """Move ``device`` to ``to_status`` and journal it, atomically, under a row lock.

    ``expected_status`` is the status the caller saw (the form or API client): if the device
    changed meanwhile the call is refused with TransitionConflict rather than applied to a
    state nobody looked at. ``workflow`` names the procedure calling (``Workflow``): the statuses
    of ``WORKFLOWS`` are refused without it. Back in stock, nobody holds the device: the assignee
    is cleared and the event keeps who held it (``previous_assignee``), unless ``keep_assignee``
    (a redeployment passes through ``in_stock`` with the assignee it has just given). Extra keyword
    arguments (``value``, ``claim_id``…) are passed to the guards and stored in the event's details.
    Returns the written Event.
    """
    if check_permission and not can_transition(actor):
        raise PermissionDenied(_("You may not change the status of devices."))
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if expected_status and locked.status != expected_status:
        raise TransitionConflict(
            _("%(tag)s changed meanwhile: it is now “%(status)s”. Reload the page and try again.")
            % {"tag": locked.asset_tag, "status": status_label(locked.status)}
        )
    check_transition(locked, to_status, context, workflow=workflow)
    now = timezone.now()
    from_status = locked.status
    changes = {"status": to_status, "status_changed_at": now, "updated_at": now}
    details = dict(data or {})
    if to_status == S.IN_STOCK and locked.assignee and not keep_assignee:
        changes["assignee"] = ""
        details["previous_assignee"] = locked.assignee
        details["changes"] = {"assignee": [locked.assignee, ""]}
    Device.objects.filter(pk=locked.pk).update(**changes)
    device.status, device.status_changed_at = to_status, now
    if "assignee" in changes:
        device.assignee = ""
    details.update({key: _jsonable(value) for key, value in context.items()})
    return journal.record(
        locked, kind, from_status=from_status, to_status=to_status, actor=actor, at=now, note=note,
        repair=repair, data=details,
    )


@transaction.atomic
def transition_many(devices, to_status, *, actor=None, note="", expected=None, check_permission=False):
    """Move several devices to ``to_status``, all or none, with one journal event each.

    The same rules as ``transition()`` (table, workflows, ownership, guards) are checked on every
    locked row before anything is written; one refusal refuses the lot. ``expected`` maps device
    ids to the status the person saw (a changed device is a TransitionConflict). Back in stock,
    the assignee is cleared as by ``transition()``. A constant number of queries (plus what the
    guards read). Returns the number of devices changed.
    """
    if check_permission and not can_transition(actor):
        raise PermissionDenied(_("You may not change the status of devices."))
    ids = {device.pk for device in devices}
    locked = list(Device.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise TransitionConflict(_("Some of these devices no longer exist. Reload the page and try again."))
    for device in locked:
        seen = (expected or {}).get(device.pk)
        if seen and device.status != seen:
            raise TransitionConflict(
                _("%(tag)s changed meanwhile: it is now “%(status)s”. Reload the page and try again.")
                % {"tag": device.asset_tag, "status": status_label(device.status)}
            )
        check_transition(device, to_status)
    now = timezone.now()
    held = [device for device in locked if to_status == S.IN_STOCK and device.assignee]
    Device.objects.filter(pk__in=ids).update(status=to_status, status_changed_at=now, updated_at=now)
    if held:
        Device.objects.filter(pk__in=[device.pk for device in held]).update(assignee="")
    released = {device.pk for device in held}
    journal.record_many(
        journal.event(
            device, Event.Kind.STATUS, actor=actor, at=now, note=note, from_status=device.status, to_status=to_status,
            data={"previous_assignee": device.assignee, "changes": {"assignee": [device.assignee, ""]}}
            if device.pk in released else None,
        )
        for device in locked
    )
    return len(locked)


def _jsonable(value):
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
