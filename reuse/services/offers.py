"""Offers: retired devices made available to associations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inventory import lifecycle
from inventory.journal import acting_user
from inventory.models import Device, Event, Status

from .. import tasks
from ..exceptions import ReuseRefused
from ..models import Offer, OfferItem
from ..queries import free_items
from ..valuation import value_at_transfer
from .common import enqueue


@transaction.atomic
def create_offer(*, devices, grade, actor, title="", description="", value=None, value_justification=""):
    """Offer retired devices (one, or a lot of the same category) to associations.

    Each device's value at transfer is its book value today (on the configured TTC/HT basis),
    or ``value`` (per unit) when staff declare one with a written ``value_justification``;
    ``reuse.valuation.value_at_transfer`` decides (known, within the legal ceiling, and never
    hiding a book value above it). The devices become ``available`` (journal kind
    ``offered``); associations following the category are told.
    """
    devices = list(
        Device.objects.select_related("model", "model__category")
        .filter(pk__in=[d.pk for d in devices])
        .order_by("asset_tag")
    )
    if not devices:
        raise ValidationError({"devices": _("Choose at least one device.")})
    categories = {d.model.category_id for d in devices}
    if len(categories) > 1:
        raise ValidationError({"devices": _("A lot gathers devices of one category; make one offer per category.")})
    if grade not in Offer.Grade.values:
        raise ValidationError({"grade": _("Choose a condition grade (A, B or C).")})
    values = {d.pk: value_at_transfer(d, declared=value, justification=value_justification) for d in devices}
    # A device retired by hand from the device page left its previous offer without saying so.
    OfferItem.objects.filter(device__in=devices, active=True, device__status=Status.RETIRED).update(active=False)
    offer = Offer.objects.create(
        title=(title or "").strip() or _default_title(devices),
        description=(description or "").strip(),
        grade=grade,
        category=devices[0].model.category,
        created_by=acting_user(actor),
    )
    OfferItem.objects.bulk_create(
        [OfferItem(offer=offer, device=d, value_at_transfer=values[d.pk].value, value_source=values[d.pk].source,
                   value_basis=values[d.pk].basis, value_justification=values[d.pk].justification,
                   book_value=values[d.pk].book_value)
         for d in devices]
    )
    for device in devices:
        lifecycle.transition(
            device, Status.AVAILABLE, actor=actor, kind=Event.Kind.OFFERED, expected_status=Status.RETIRED,
            workflow=lifecycle.Workflow.OFFER,
            data={"offer_id": offer.pk}, note=offer.title,
        )
    enqueue(tasks.notify_offer_published, offer.pk)
    return offer


def _default_title(devices):
    models = {(d.model.manufacturer, d.model.name) for d in devices}
    if len(models) == 1:
        manufacturer, name = models.pop()
        label = f"{manufacturer} {name}"
    else:
        label = devices[0].model.category.name
    return f"{len(devices)} × {label}" if len(devices) > 1 else label


@transaction.atomic
def withdraw_offer(*, offer, actor, note=""):
    """Take the unclaimed devices of an offer back (they return to ``retired``).

    Devices a live claim holds stay with that claim; the offer closes for new claims.
    """
    original, offer = offer, Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != Offer.Status.OPEN:
        raise ReuseRefused(_("This offer is no longer open."), code="offer_closed")
    items = list(free_items(offer).select_related("device"))
    for item in items:
        lifecycle.transition(
            item.device, Status.RETIRED, actor=actor, note=note or _("Offer withdrawn"),
            expected_status=Status.AVAILABLE, data={"offer_id": offer.pk},
        )
    OfferItem.objects.filter(pk__in=[item.pk for item in items]).update(active=False)
    offer.status = original.status = Offer.Status.WITHDRAWN
    offer.save(update_fields=["status"])
    return offer
