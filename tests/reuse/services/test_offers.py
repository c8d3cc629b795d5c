import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory.models import Event, Status
from reuse import services
from reuse.models import Offer

from ..conftest import erase, offered, retired_device

pytestmark = pytest.mark.django_db


def test_an_offer_makes_its_devices_available_at_their_book_value(buyer):
    devices = [retired_device(price=Decimal("1000")), retired_device(price=Decimal("1000"))]
    offer = offered(devices, buyer)
    assert offer.title.startswith("2 × Dell Latitude") or offer.title.startswith("2 × ")
    for item in offer.items.select_related("device"):
        assert item.device.status == Status.AVAILABLE
        assert Decimal("150") < item.value_at_transfer < Decimal("250")
        event = item.device.events.latest("at")
        assert (event.kind, event.data["offer_id"]) == (Event.Kind.OFFERED, offer.pk)


def test_a_value_above_the_ceiling_is_refused_before_anything_is_offered(buyer):
    device = retired_device(price=Decimal("2000"), purchase_date=timezone.localdate() - dt.timedelta(days=200))
    erase(device)
    with pytest.raises(ValidationError) as error:
        services.create_offer(devices=[device], grade="A", actor=buyer)
    assert "3212-3" in " ".join(error.value.messages)
    device.refresh_from_db()
    assert device.status == Status.RETIRED
    assert not Offer.objects.exists()


def test_staff_may_set_the_value_when_the_book_value_is_unknown(buyer):
    device = retired_device(price=None)
    erase(device)
    with pytest.raises(ValidationError):
        services.create_offer(devices=[device], grade="C", actor=buyer)
    offer = services.create_offer(devices=[device], grade="C", actor=buyer, value="20",
                                  value_justification="Prix et date d'achat perdus ; cote du marché.")
    assert offer.items.get().value_at_transfer == Decimal("20.00")


def test_a_lot_gathers_one_category(buyer):
    devices = [retired_device(), retired_device(storage=False)]
    for device in devices[:1]:
        erase(device)
    with pytest.raises(ValidationError):
        services.create_offer(devices=devices, grade="B", actor=buyer)


def test_a_device_cannot_be_in_two_open_offers(buyer):
    device = retired_device()
    offered([device], buyer)
    with pytest.raises(Exception):  # noqa: B017 - the lifecycle (available→available) or the index refuses
        services.create_offer(devices=[device], grade="B", actor=buyer)
    assert device.offer_items.filter(active=True).count() == 1


def test_withdrawing_an_offer_retires_its_free_devices(buyer):
    offer = offered([retired_device()], buyer)
    services.withdraw_offer(offer=offer, actor=buyer)
    assert offer.status == Offer.Status.WITHDRAWN
    assert offer.items.get().device.status == Status.RETIRED
