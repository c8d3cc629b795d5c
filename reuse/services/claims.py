"""Claims: an association asks, staff decide, the devices are handed over (donation).

Exactly one claim wins a device. ``claim_offer`` locks the offer row (claims on one offer are
serialised) and picks devices no holding ``ClaimLine`` has; the partial unique index
``claimline_one_winner_per_device`` makes the database refuse a second holder whatever happens
in the code. A loser gets ``ClaimConflict`` (HTTP 409) and nothing is written.
"""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inventory import lifecycle
from inventory.journal import acting_user
from inventory.models import Event, Status

from .. import conf, tasks
from ..conf import follow_up_months, pickup_delay_days
from ..exceptions import ClaimConflict, NotAllowed
from ..models import Association, Claim, ClaimLine, Donation, EligibilityCategory, Offer, OfferItem
from ..queries import free_items
from .common import enqueue


def _check_may_claim(association, on=None):
    """Refuse (403) a suspended or unapproved association, and a body approved ESUS whose
    approval is not recorded or has expired on ``on`` (default today): the approval is what makes
    it eligible (CG3P art. L. 3212-2, 3°)."""
    if association.status == Association.Status.SUSPENDED:
        raise NotAllowed(
            _("%(name)s is suspended: it cannot claim or receive devices for now.") % {"name": association.name},
            code="association_suspended",
        )
    if association.status != Association.Status.APPROVED:
        raise NotAllowed(
            _("%(name)s is not approved yet: it cannot claim devices.") % {"name": association.name},
            code="association_not_approved",
        )
    _check_esus_approval(association, on or timezone.localdate())


def _check_esus_approval(association, on):
    if association.eligibility.recipient_kind != EligibilityCategory.RecipientKind.ESUS:
        return
    expires = association.esus_expires_on
    if expires is None:
        raise NotAllowed(
            _("%(name)s: its ESUS approval (date and expiry) is not recorded: it cannot claim or receive devices "
              "until staff record it.") % {"name": association.name},
            code="esus_approval_missing",
        )
    if expires < on:
        raise NotAllowed(
            _("%(name)s: its ESUS approval expired on %(date)s: it can no longer claim or receive devices free of "
              "charge (CG3P art. L. 3212-2, 3°) until it is renewed.")
            % {"name": association.name, "date": formats.date_format(expires, "SHORT_DATE_FORMAT")},
            code="esus_approval_expired",
        )


@transaction.atomic
def claim_offer(*, offer, association, actor, quantity=None, message=""):
    """Claim ``quantity`` devices of an offer (default: all that are still free)."""
    association = Association.objects.select_related("eligibility").get(pk=association.pk)
    _check_may_claim(association)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != Offer.Status.OPEN:
        raise ClaimConflict(_("This offer is no longer open."), code="offer_closed")
    if Claim.objects.filter(offer=offer, association=association, status__in=Claim.ACTIVE).exists():
        raise ClaimConflict(
            _("%(name)s already has a claim on this offer: cancel it to ask for another quantity.")
            % {"name": association.name},
            code="already_claimed_by_you",
        )
    free = list(free_items(offer).select_related("device").order_by("device__asset_tag"))
    if quantity is None:
        quantity = len(free) or 1
    if quantity < 1:
        raise ValidationError({"quantity": _("Ask for at least one device.")})
    if len(free) < quantity:
        if not free:
            raise ClaimConflict(
                _("Another association was faster: every device of this offer is already claimed."),
                code="already_claimed",
            )
        raise ClaimConflict(
            ngettext(
                "Only %(count)d device of this offer is still free.",
                "Only %(count)d devices of this offer are still free.",
                len(free),
            )
            % {"count": len(free)},
            code="not_enough",
        )
    claim = Claim.objects.create(
        offer=offer, association=association, quantity=quantity, message=(message or "").strip(),
        created_by=acting_user(actor),
    )
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(
                [ClaimLine(claim=claim, device=item.device, value_at_transfer=item.value_at_transfer,
                           value_source=item.value_source, value_basis=item.value_basis,
                           value_justification=item.value_justification, book_value=item.book_value)
                 for item in free[:quantity]]
            )
    except IntegrityError as exc:
        raise ClaimConflict(
            _("Another association was faster: these devices are already claimed."), code="already_claimed"
        ) from exc
    enqueue(tasks.notify_claim_received, claim.pk)
    return claim


def _lock(claim, allowed, action):
    locked = Claim.objects.select_for_update().select_related("association", "offer").get(pk=claim.pk)
    if locked.status not in allowed:
        raise ClaimConflict(
            _("Claim #%(id)s is “%(status)s”: it cannot be %(action)s.")
            % {"id": locked.pk, "status": locked.get_status_display(), "action": action},
            code="wrong_status",
        )
    return locked


def _lines(claim):
    return list(claim.lines.filter(active=True).select_related("device", "device__model"))


SYNCED = ("status", "reason", "pickup_at", "pickup_place", "expires_at", "decided_by_id", "decided_at", "updated_at")


def _sync(original, locked):
    """Give the caller's instance the new state (as ``lifecycle.transition`` does for devices)."""
    if original is not locked:
        for name in SYNCED:
            setattr(original, name, getattr(locked, name))
    return original


def _set_status(claim, status, actor=None, **fields):
    claim.status = status
    names = ["status", "updated_at", *fields]
    for name, value in fields.items():
        setattr(claim, name, value)
    if actor is not None:
        claim.decided_by, claim.decided_at = acting_user(actor), timezone.now()
        names += ["decided_by", "decided_at"]
    claim.save(update_fields=names)
    enqueue(tasks.notify_claim_status, claim.pk, status)


@transaction.atomic
def approve_claim(*, claim, actor, note=""):
    """Approve a requested claim: its devices become ``reserved`` (journal kind ``claimed``)."""
    locked = _lock(claim, (Claim.Status.REQUESTED,), _("approved"))
    _check_may_claim(locked.association)
    for line in _lines(locked):
        lifecycle.transition(
            line.device, Status.RESERVED, actor=actor, kind=Event.Kind.CLAIMED, expected_status=Status.AVAILABLE,
            workflow=lifecycle.Workflow.CLAIM,
            note=note or locked.association.name, data={"claim_id": locked.pk, "offer_id": locked.offer_id},
        )
    _set_status(locked, Claim.Status.APPROVED, actor)
    return _sync(claim, locked)


@transaction.atomic
def refuse_claim(*, claim, actor, reason):
    """Refuse a requested claim, with a reason the association reads; the devices are free again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    locked = _lock(claim, (Claim.Status.REQUESTED,), _("refused"))
    _release(locked, actor, reason.strip())
    _set_status(locked, Claim.Status.REFUSED, actor, reason=reason.strip())
    return _sync(claim, locked)


@transaction.atomic
def cancel_claim(*, claim, actor, reason=""):
    """Cancel a live claim (the association changed its mind, or staff must): devices are released."""
    locked = _lock(claim, Claim.ACTIVE, _("cancelled"))
    _release(locked, actor, reason.strip() or _("Claim cancelled"))
    _set_status(locked, Claim.Status.CANCELLED, reason=reason.strip())
    return _sync(claim, locked)


def _release(claim, actor, note):
    """Free the claim's devices: reserved ones go back to ``available`` (or ``retired`` when the
    offer was withdrawn meanwhile), and its lines stop holding them."""
    offer_open = claim.offer.status == Offer.Status.OPEN
    lines = _lines(claim)
    ClaimLine.objects.filter(pk__in=[line.pk for line in lines]).update(active=False)
    data = {"claim_id": claim.pk, "offer_id": claim.offer_id}
    for line in lines:
        if line.device.status == Status.RESERVED:
            lifecycle.transition(line.device, Status.AVAILABLE, actor=actor, note=note, data=data,
                                 workflow=lifecycle.Workflow.CLAIM)
        if not offer_open and line.device.status == Status.AVAILABLE:
            lifecycle.transition(line.device, Status.RETIRED, actor=actor, note=note, data=data)
    if not offer_open:
        OfferItem.objects.filter(offer=claim.offer, device__in=[line.device for line in lines]).update(active=False)


@transaction.atomic
def set_pickup(*, claim, actor, pickup_at, place=""):
    """Set (or move) the pickup slot; the claim expires if nobody comes within the delay."""
    locked = _lock(claim, (Claim.Status.APPROVED, Claim.Status.READY), _("scheduled"))
    if pickup_at is None:
        raise ValidationError({"pickup_at": _("Choose a pickup slot.")})
    expires_at = pickup_at + dt.timedelta(days=pickup_delay_days())
    _set_status(locked, Claim.Status.READY, actor, pickup_at=pickup_at, pickup_place=place.strip(),
                expires_at=expires_at)
    return _sync(claim, locked)


@transaction.atomic
def hand_over(*, claim, actor, owner_signatory, association_signatory, handed_over_at=None, operating_system="",
              licence_status=""):
    """Hand the devices over: records the ``Donation``, its agreement PDF, and ``donated`` statuses.

    Each device's value at transfer goes to the lifecycle guards (legal ceiling) and each
    device needs its erasure: any refusal rolls everything back. ``owner_signatory`` is the key
    (or name) of a configured signatory (``PROLONGE["SIGNATORIES"]``): the agreement prints his
    or her standing and delegation. Refused, with nothing recorded, while the authority's SIRET,
    address, place or authorising decision is not configured (DOMAIN.md §3).
    """
    from ..pdf import transfer_agreement

    conf.legal_identity()
    required = conf.agreement_settings()
    original, claim = claim, _lock(claim, (Claim.Status.APPROVED, Claim.Status.READY), _("handed over"))
    handed_over_at = handed_over_at or timezone.now()
    _check_may_claim(claim.association, on=timezone.localdate(handed_over_at))
    if not owner_signatory.strip() or not association_signatory.strip():
        raise ValidationError(_("Name both signatories."))
    signatory = conf.signatory(owner_signatory)
    if signatory is None:
        raise ValidationError(
            {"owner_signatory": _("Choose the authority's signatory among the configured signatories: %(names)s.")
             % {"names": ", ".join(entry["name"] for entry in conf.signatories())}},
        )
    eligibility = claim.association.eligibility
    if not eligibility.legal_item or not eligibility.ceiling_article:
        raise ValidationError(
            _("The eligibility category “%(name)s” has no CG3P L. 3212-2 item or ceiling text: an administrator "
              "must fill them in before an agreement can be issued.") % {"name": eligibility.name}
        )
    if not claim.association.address.strip():
        raise ValidationError(
            _("“%(name)s” has no postal address: complete the association's record before an agreement can be "
              "issued.") % {"name": claim.association.name}
        )
    if licence_status and licence_status not in Donation.Licence.values:
        raise ValidationError({"licence_status": _("Choose a licence status from the list.")})
    lines = _lines(claim)
    donation = Donation.objects.create(
        number=f"CES-{handed_over_at:%Y}-{claim.pk:05d}",
        claim=claim,
        association=claim.association,
        handed_over_at=handed_over_at,
        handed_over_by=acting_user(actor),
        owner_signatory=signatory["name"],
        owner_signatory_role=signatory.get("role", ""),
        owner_signatory_delegation=signatory.get("delegation", ""),
        authorisation=required["decision"],
        place=required["place"],
        operating_system=operating_system.strip(),
        licence_status=licence_status,
        association_signatory=association_signatory.strip(),
        total_value=sum((line.value_at_transfer for line in lines), start=0),
        follow_up_due=add_months(timezone.localdate(handed_over_at), follow_up_months()),
    )
    for line in lines:
        lifecycle.transition(
            line.device, Status.DONATED, actor=actor, kind=Event.Kind.DONATED, expected_status=Status.RESERVED,
            workflow=lifecycle.Workflow.HANDOVER,
            note=_("Agreement %(number)s") % {"number": donation.number},
            data={"claim_id": claim.pk, "donation_id": donation.pk}, value=line.value_at_transfer,
            value_source=line.value_source, value_justification=line.value_justification,
        )
    donation.content_hash = donation.compute_hash()
    donation.agreement.save(f"{donation.number}.pdf", ContentFile(transfer_agreement(donation)), save=False)
    donation.save(update_fields=["content_hash", "agreement"])
    _set_status(claim, Claim.Status.HANDED_OVER, actor)
    _sync(original, claim)
    _close_if_given(claim.offer)
    return donation


def _close_if_given(offer):
    still_here = OfferItem.objects.filter(
        offer=offer, active=True, device__status__in=(Status.AVAILABLE, Status.RESERVED)
    ).exists()
    if not still_here:
        Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(status=Offer.Status.CLOSED)


def expire_claims(*, now=None, actor=None):
    """Release claims nobody picked up within the delay after their pickup slot.

    Idempotent and safe to run concurrently: each claim is re-checked under its row lock in a
    transaction of its own. Returns the number of claims expired.
    """
    now = now or timezone.now()
    due = Claim.objects.filter(status=Claim.Status.READY, expires_at__lt=now).values_list("pk", flat=True)
    return sum(expire_claim(claim_id=pk, now=now, actor=actor) for pk in list(due))


@transaction.atomic
def expire_claim(*, claim_id, now=None, actor=None):
    """Expire one claim whose pickup deadline passed: its lines stop holding, devices are released.

    Re-checked under the claim's row lock; returns False (and changes nothing) when the claim
    was handed over, cancelled or rescheduled meanwhile. The review's ``claim_expired`` accept
    calls it, so device, claim and claim lines always agree.
    """
    now = now or timezone.now()
    claim = Claim.objects.select_for_update().select_related("offer").get(pk=claim_id)
    if claim.status != Claim.Status.READY or claim.expires_at is None or claim.expires_at >= now:
        return False
    _release(claim, actor, _("Not picked up in time: claim expired"))
    _set_status(claim, Claim.Status.EXPIRED)
    return True


def add_months(day, months):
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
