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
from .models import Device, Event, Status

__all__ = [
    "TERMINAL", "TRANSITIONS", "WORKFLOW_ONLY", "TransitionConflict", "TransitionRefused", "available_transitions",
    "can_transition", "check_transition", "register_guard", "status_label", "transition",
]

S = Status

TRANSITIONS = {
    S.IN_STOCK: {S.IN_SERVICE, S.IN_REPAIR, S.RETIRED, S.LOST},
    S.IN_SERVICE: {S.IN_STOCK, S.IN_REPAIR, S.RETIRED, S.LOST},
    S.IN_REPAIR: {S.IN_STOCK, S.IN_SERVICE, S.RETIRED},
    S.RETIRED: {S.IN_STOCK, S.AVAILABLE, S.RECYCLED, S.LOST},
    S.AVAILABLE: {S.RETIRED, S.RESERVED, S.RECYCLED},
    S.RESERVED: {S.AVAILABLE, S.DONATED},
    S.DONATED: set(),
    S.RECYCLED: set(),
    S.LOST: set(),
}
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)

# Statuses only reached through their own workflow (an offer, a claim, a donation, a repair):
# the generic "change status" buttons do not offer them.
WORKFLOW_ONLY = frozenset({S.IN_REPAIR, S.AVAILABLE, S.RESERVED, S.DONATED})

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


def check_transition(device, to_status, context=None):
    """Raise TransitionRefused if ``device`` may not go to ``to_status`` now."""
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
    for guard in _guards:
        guard(device, to_status, context or {})


def can_transition(user):
    """Whether ``user`` may change statuses at all (the ``transition_device`` permission)."""
    return user.is_authenticated and user.has_perm("inventory.transition_device")


def available_transitions(device, user, *, include_workflow=False):
    """Targets the user may choose for this device now (table, guards and permission)."""
    if not can_transition(user):
        return []
    targets = []
    for target in sorted(TRANSITIONS[Status(device.status)], key=lambda s: Status.values.index(s)):
        if target in WORKFLOW_ONLY and not include_workflow:
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
    **context,
):
    """Move ``device`` to ``to_status`` and journal it, atomically, under a row lock.

    ``expected_status`` is the status the caller saw (the form or API client): if the device
    changed meanwhile the call is refused with TransitionConflict rather than applied to a
    state nobody looked at. Extra keyword arguments (``value``, ``claim_id``…) are passed to
    the guards and stored in the event's details. Returns the written Event.
    """
    if check_permission and not can_transition(actor):
        raise PermissionDenied(_("You may not change the status of devices."))
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if expected_status and locked.status != expected_status:
        raise TransitionConflict(
            _("%(tag)s changed meanwhile: it is now “%(status)s”. Reload the page and try again.")
            % {"tag": locked.asset_tag, "status": status_label(locked.status)}
        )
    check_transition(locked, to_status, context)
    now = timezone.now()
    from_status = locked.status
    Device.objects.filter(pk=locked.pk).update(status=to_status, status_changed_at=now, updated_at=now)
    device.status, device.status_changed_at = to_status, now
    details = dict(data or {})
    details.update({key: _jsonable(value) for key, value in context.items()})
    return journal.record(
        locked, kind, from_status=from_status, to_status=to_status, actor=actor, at=now, note=note,
        repair=repair, data=details,
    )


def _jsonable(value):
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
