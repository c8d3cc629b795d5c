"""The lifecycle guards reuse registers: erasure before leaving, legal value ceiling."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from inventory import lifecycle
from inventory.models import Event, Status
from reuse import services
from reuse.models import Donation

from .conftest import erase, offered, retired_device

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def test_offering_a_device_with_storage_and_no_erasure_is_refused_in_french():
    device = retired_device()
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    assert refusal.value.code == "erasure_required"
    assert "effacement" in refusal.value.message
    device.refresh_from_db()
    assert device.status == Status.RETIRED


def test_donating_without_erasure_is_refused_in_french_and_nothing_is_written(buyer):
    device = retired_device()
    # A reserved device whose erasure is missing (as after an import): only the guard stops it.
    type(device).objects.filter(pk=device.pk).update(status=Status.RESERVED)
    device.status = Status.RESERVED
    before = Event.objects.count()
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.DONATED, value=Decimal("50"), workflow="handover")
    assert refusal.value.code == "erasure_required"
    assert "effacement" in refusal.value.message
    assert Event.objects.count() == before
    device.refresh_from_db()
    assert device.status == Status.RESERVED


def test_recycling_without_erasure_is_refused():
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(retired_device(), Status.RECYCLED, workflow="shipment")


def test_a_failed_erasure_does_not_count():
    device = retired_device()
    erase(device, passed=False)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(device, Status.AVAILABLE, workflow="offer")


def test_an_erasure_made_before_the_device_last_left_service_does_not_count():
    device = retired_device()
    erase(device, performed_at=timezone.now() - dt.timedelta(minutes=1))
    lifecycle.transition(device, Status.IN_STOCK)
    lifecycle.transition(device, Status.IN_SERVICE)
    lifecycle.transition(device, Status.RETIRED)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    erase(device)
    lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    assert device.status == Status.AVAILABLE


def test_a_redeployment_voids_an_earlier_erasure(buyer):
    device = retired_device()
    erase(device)
    services.redeploy_device(device=device, actor=buyer, assignee="Accueil", put_in_service=False)
    lifecycle.transition(device, Status.RETIRED)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(device, Status.RECYCLED, workflow="shipment")


def test_a_device_without_storage_needs_no_erasure():
    device = retired_device(storage=False)
    lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    assert device.status == Status.AVAILABLE


def test_a_donation_above_the_ceiling_is_refused_in_french_and_nothing_is_written():
    device = retired_device()
    erase(device)
    lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    lifecycle.transition(device, Status.RESERVED, workflow="claim")
    before = Event.objects.count()
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.DONATED, value=Decimal("300.01"), workflow="handover")
    assert refusal.value.code == "over_ceiling"
    assert "plafond" in refusal.value.message
    assert "300,01" in refusal.value.message
    assert Event.objects.count() == before
    device.refresh_from_db()
    assert device.status == Status.RESERVED


def test_a_donation_at_the_ceiling_is_allowed():
    device = retired_device()
    erase(device)
    lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    lifecycle.transition(device, Status.RESERVED, workflow="claim")
    lifecycle.transition(device, Status.DONATED, value=Decimal("300.00"), workflow="handover")
    assert device.status == Status.DONATED


def test_a_donation_without_a_value_is_refused():
    device = retired_device()
    erase(device)
    lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    lifecycle.transition(device, Status.RESERVED, workflow="claim")
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.DONATED, workflow="handover")
    assert refusal.value.code == "value_required"


def test_a_handover_after_the_ceiling_was_lowered_is_refused_and_writes_nothing(settings, buyer, member):
    offer = offered([retired_device(price=Decimal("1000"))], buyer)  # book value 240 € TTC
    from reuse.queries import association_of

    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    settings.PROLONGE = {**settings.PROLONGE, "DONATION_UNIT_CEILING_EUR": 150}
    events = Event.objects.count()
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="B. Durand")
    assert refusal.value.code == "over_ceiling"
    assert "plafond" in refusal.value.message
    assert Donation.objects.count() == 0
    assert Event.objects.count() == events
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_a_device_a_claim_holds_cannot_be_retired_by_hand(buyer, member):
    offer = offered([retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    device = claim.lines.get().device
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.RETIRED)
    assert refusal.value.code == "claimed"
    assert "Solidarité Numérique" in refusal.value.message


def test_a_device_retired_by_hand_from_an_offer_can_be_offered_again(buyer):
    device = retired_device()
    first = offered([device], buyer)
    lifecycle.transition(device, Status.RETIRED)
    second = services.create_offer(devices=[device], grade="C", actor=buyer)
    assert not first.items.filter(active=True).exists()
    assert second.items.get().device.status == Status.AVAILABLE
