"""Lifecycle guards registered with ``inventory.lifecycle.register_guard`` (DESIGN.md §3).

- A device whose model carries storage (the model's own answer, else its category's: a
  multifunction printer with a disk) cannot become available, reserved, donated or recycled, nor
  leave by any exit route, without a passed ``Erasure`` performed after its last time in
  service. Two exceptions: a theft (nobody chose it) and a return to the lessor whose contract
  terms the user confirmed (``contract_terms_confirmed=True``).
- A donation's unit value at transfer must be within the legal ceiling (CG3P art. D. 3212-3;
  art. D. 3212-4 for staff, passed as ``ceiling_article=``),
  and so must the device's own book value (a typed value never hides one above it); a typed
  value needs its justification. The donation flow passes ``value=``, ``value_source=`` and
  ``value_justification=`` to ``transition()``.
- A device a claim holds is not retired or recycled by hand: the claim is cancelled or refused
  first (its services release the devices before moving them).
"""

from decimal import Decimal, InvalidOperation

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _

from inventory.lifecycle import TransitionRefused, status_label
from inventory.models import Device, Event, Status

from .conf import donation_ceiling, value_basis
from .models import ClaimLine, Erasure
from .valuation import book_value

NEEDS_ERASURE = frozenset({
    Status.AVAILABLE, Status.RESERVED, Status.DONATED, Status.RECYCLED, Status.SOLD, Status.TRANSFERRED,
    Status.TAKEN_BACK, Status.RETURNED, Status.DESTROYED,
})

# A device is "in service" until an event takes it out of service; a redeployment hands it to
# new people, so an erasure made before a redeployment no longer counts either.
LEFT_SERVICE = Q(from_status=Status.IN_SERVICE) | Q(kind=Event.Kind.REDEPLOYED)


def last_left_service(device_ref):
    """Subquery: when the device last left service (None when the journal never shows it)."""
    return Subquery(
        Event.objects.filter(LEFT_SERVICE, device=device_ref).order_by("-at", "-id").values("at")[:1]
    )


def valid_erasures(device):
    """Passed erasures performed after the device last left service, newest first (one query)."""
    return (
        Erasure.objects.filter(device=device, passed=True)
        .annotate(left_service=last_left_service(OuterRef("device")))
        .filter(Q(left_service__isnull=True) | Q(performed_at__gte=F("left_service")))
        .order_by("-performed_at", "-id")
    )


def exit_certificates(device, until):
    """The certificate printed on an exit document (``inventory.exits.documents``): the newest
    passed erasure done after the device last left service and before the exit was recorded."""
    return list(valid_erasures(device).filter(performed_at__lte=until).values_list("number", flat=True)[:1])


def has_valid_erasure(device):
    if device.status == Status.IN_SERVICE:
        return False
    return valid_erasures(device).exists()


def erasure_guard(device, to_status, context):
    if to_status not in NEEDS_ERASURE:
        return
    if to_status == Status.RETURNED and context.get("contract_terms_confirmed"):
        return
    carries_storage = (
        Device.objects.filter(pk=device.pk)
        .values_list(Coalesce("model__carries_storage", "model__category__carries_storage"), flat=True)
        .first()
    )
    if carries_storage and not has_valid_erasure(device):
        raise TransitionRefused(
            _(
                "%(tag)s holds storage: record a passed data erasure, done after it left service, "
                "before it can become “%(status)s”."
            )
            % {"tag": device.asset_tag, "status": status_label(to_status)},
            code="erasure_required",
        )


def ceiling_guard(device, to_status, context):
    if to_status != Status.DONATED:
        return
    raw = context.get("value")
    try:
        value = Decimal(str(raw)) if raw is not None else None
    except InvalidOperation:
        value = None
    if value is None:
        raise TransitionRefused(
            _("%(tag)s: a donation needs its value at transfer; record it through the handover of a claim or the "
              "donation to a staff member.")
            % {"tag": device.asset_tag},
            code="value_required",
        )
    ceiling = donation_ceiling()
    if context.get("value_source") == "declared" and not (context.get("value_justification") or "").strip():
        raise TransitionRefused(
            _("%(tag)s: a value typed instead of the book value needs a written justification.")
            % {"tag": device.asset_tag},
            code="justification_required",
        )
    # Whatever value was typed, the device's own book value must be within the ceiling too.
    book = book_value(Device.objects.select_related("model__category").get(pk=device.pk))
    if book is not None and book > ceiling:
        raise TransitionRefused(
            _(
                "%(tag)s has a book value of %(book)s € %(basis)s, above the legal ceiling of %(ceiling)s € per "
                "unit: it cannot be given free of charge."
            )
            % {"tag": device.asset_tag, "book": formats.number_format(book, 2), "basis": value_basis(),
               "ceiling": formats.number_format(ceiling, 0)},
            code="over_ceiling",
        )
    if value > ceiling:
        raise TransitionRefused(
            _(
                "%(tag)s is worth %(value)s € at transfer, above the legal ceiling of %(ceiling)s € per unit "
                "(%(article)s): it cannot be given free of charge."
            )
            % {
                "tag": device.asset_tag,
                "value": formats.number_format(value, 2),
                "ceiling": formats.number_format(ceiling, 0),
                "article": context.get("ceiling_article") or "CG3P art. D. 3212-3",
            },
            code="over_ceiling",
        )


def claim_hold_guard(device, to_status, context):
    """``reserved → available`` only once no active claim line holds the device (the claim
    services deactivate the lines first, then release)."""
    if to_status != Status.AVAILABLE or device.status != Status.RESERVED:
        return
    line = ClaimLine.objects.filter(device=device, active=True).only("claim_id").first()
    if line is not None:
        raise TransitionRefused(
            _("%(tag)s is held by claim #%(id)s: expire, cancel or refuse that claim to release it.")
            % {"tag": device.asset_tag, "id": line.claim_id},
            code="claimed",
        )


def claim_guard(device, to_status, context):
    if to_status not in (Status.RETIRED, Status.RECYCLED) or device.status not in (Status.AVAILABLE, Status.RESERVED):
        return
    line = ClaimLine.objects.filter(device=device, active=True).select_related("claim__association").first()
    if line is not None:
        raise TransitionRefused(
            _("%(tag)s is held by claim #%(id)s of %(name)s: cancel or refuse that claim first.")
            % {"tag": device.asset_tag, "id": line.claim_id, "name": line.claim.association.name},
            code="claimed",
        )
