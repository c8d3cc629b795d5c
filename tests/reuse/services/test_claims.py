"""Claims: request, decision, pickup, handover, expiry — and one winner per device."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from inventory.models import Event, Status
from reuse import services
from reuse.exceptions import ClaimConflict, NotAllowed
from reuse.models import Association, Claim, ClaimLine, Donation

from ..conftest import make_member, offered, retired_device
from ..factories import AssociationFactory

pytestmark = pytest.mark.django_db


def association_of(user):
    return user.association_membership.association


def claim(offer, user, **kwargs):
    return services.claim_offer(offer=offer, association=association_of(user), actor=user, **kwargs)


def test_a_claim_holds_the_devices_without_changing_their_status(offer, member):
    result = claim(offer, member)
    assert result.status == Claim.Status.REQUESTED
    assert result.quantity == 2
    assert ClaimLine.objects.filter(claim=result, active=True).count() == 2
    assert set(result.lines.values_list("device__status", flat=True)) == {Status.AVAILABLE}


def test_a_second_association_gets_a_conflict_when_nothing_is_left(offer, member):
    claim(offer, member)
    other = make_member(username="other")
    with pytest.raises(ClaimConflict) as conflict:
        claim(offer, other)
    assert conflict.value.http_status == 409
    assert Claim.objects.filter(association=association_of(other)).count() == 0


def test_a_lot_can_be_shared_between_associations(offer, member):
    claim(offer, member, quantity=1)
    other = make_member(username="other")
    second = claim(offer, other, quantity=1)
    assert second.lines.count() == 1
    with pytest.raises(ClaimConflict):
        claim(offer, make_member(username="third"), quantity=1)


def test_asking_for_more_than_is_free_is_a_conflict_that_says_how_many_are_left(offer, member):
    claim(offer, member, quantity=1)
    with translation.override("en"), pytest.raises(ClaimConflict) as conflict:
        claim(offer, make_member(username="other"), quantity=2)
    assert "Only 1 device" in conflict.value.message


def test_a_suspended_association_cannot_claim_french_message_and_nothing_written(offer, member):
    Association.objects.filter(pk=association_of(member).pk).update(status=Association.Status.SUSPENDED)
    member.association_membership.association.refresh_from_db()
    with translation.override("fr"), pytest.raises(NotAllowed) as refusal:
        claim(offer, member)
    assert refusal.value.http_status == 403
    assert "suspendue" in refusal.value.message
    assert Claim.objects.count() == 0
    assert ClaimLine.objects.count() == 0


def test_a_pending_association_cannot_claim(offer):
    user = make_member(AssociationFactory(status=Association.Status.PENDING), username="pending")
    with pytest.raises(NotAllowed):
        claim(offer, user)


def test_an_association_has_one_live_claim_per_offer(offer, member):
    claim(offer, member, quantity=1)
    with pytest.raises(ClaimConflict):
        claim(offer, member, quantity=1)


def test_the_database_refuses_a_second_holder_for_a_device(offer, member):
    first = claim(offer, member, quantity=1)
    line = first.lines.get()
    other = Claim.objects.create(offer=offer, association=AssociationFactory(), quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.create(claim=other, device=line.device, value_at_transfer=0)


def test_approval_reserves_the_devices_and_journals_a_claimed_event(offer, member, buyer):
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    devices = [line.device for line in result.lines.select_related("device")]
    for device in devices:
        device.refresh_from_db()
        assert device.status == Status.RESERVED
        event = device.events.latest("at")
        assert event.kind == Event.Kind.CLAIMED
        assert event.data["claim_id"] == result.pk


def test_approval_of_a_claim_of_an_association_suspended_meanwhile_is_refused(offer, member, buyer):
    result = claim(offer, member)
    services.suspend_association(association=association_of(member), actor=buyer, reason="Statuts expirés")
    with pytest.raises(NotAllowed):
        services.approve_claim(claim=result, actor=buyer)


def test_refusing_frees_the_devices_for_others(offer, member, buyer):
    result = claim(offer, member)
    services.refuse_claim(claim=result, actor=buyer, reason="Pas pour cette fois")
    assert result.status == Claim.Status.REFUSED
    assert not result.lines.filter(active=True).exists()
    assert claim(offer, make_member(username="other")).quantity == 2


def test_cancelling_an_approved_claim_puts_the_devices_back_in_the_catalogue(offer, member, buyer):
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    services.cancel_claim(claim=result, actor=member, reason="Plus besoin")
    statuses = set(result.lines.values_list("device__status", flat=True))
    assert statuses == {Status.AVAILABLE}


def test_a_released_claim_of_a_withdrawn_offer_sends_devices_back_to_retired(offer, member, buyer):
    result = claim(offer, member)
    services.withdraw_offer(offer=offer, actor=buyer)
    services.cancel_claim(claim=result, actor=buyer)
    assert set(result.lines.values_list("device__status", flat=True)) == {Status.RETIRED}
    assert not offer.items.filter(active=True).exists()


def test_a_pickup_slot_makes_the_claim_ready_and_sets_its_expiry(offer, member, buyer, settings):
    settings.PROLONGE = {**settings.PROLONGE, "CLAIM_PICKUP_DELAY_DAYS": 3}
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    slot = timezone.now() + dt.timedelta(days=2)
    services.set_pickup(claim=result, actor=buyer, pickup_at=slot, place="Magasin, 3 rue Malakoff")
    result.refresh_from_db()
    assert result.status == Claim.Status.READY
    assert result.expires_at == slot + dt.timedelta(days=3)


def test_claims_not_picked_up_in_time_expire_and_free_their_devices(offer, member, buyer):
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    services.set_pickup(claim=result, actor=buyer, pickup_at=timezone.now() - dt.timedelta(days=8))
    assert services.expire_claims() == 1
    result.refresh_from_db()
    assert result.status == Claim.Status.EXPIRED
    assert set(result.lines.values_list("device__status", flat=True)) == {Status.AVAILABLE}
    assert services.expire_claims() == 0


def test_claims_within_the_delay_do_not_expire(offer, member, buyer):
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    services.set_pickup(claim=result, actor=buyer, pickup_at=timezone.now() - dt.timedelta(days=6))
    assert services.expire_claims() == 0


def test_handover_records_the_donation_and_its_agreement(offer, member, buyer):
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    donation = services.hand_over(claim=result, actor=buyer, owner_signatory="dgs",
                                  association_signatory="B. Durand, présidente")
    assert donation.number == f"CES-{timezone.now():%Y}-{result.pk:05d}"
    assert donation.total_value == sum(line.value_at_transfer for line in result.lines.all())
    assert donation.agreement.name.endswith(".pdf")
    assert donation.content_hash == donation.compute_hash()
    for line in result.lines.select_related("device"):
        assert line.device.status == Status.DONATED
        event = line.device.events.latest("at")
        assert event.kind == Event.Kind.DONATED
        assert event.data["donation_id"] == donation.pk
    offer.refresh_from_db()
    assert offer.status == "closed"


def test_handover_sets_the_follow_up_six_months_later(offer, member, buyer):
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    when = timezone.make_aware(dt.datetime(2025, 8, 31, 10))
    donation = services.hand_over(claim=result, actor=buyer, owner_signatory="dgs", association_signatory="B",
                                  handed_over_at=when)
    assert donation.follow_up_due == dt.date(2026, 2, 28)


def test_a_requested_claim_cannot_be_handed_over(offer, member, buyer):
    result = claim(offer, member)
    with pytest.raises(ClaimConflict):
        services.hand_over(claim=result, actor=buyer, owner_signatory="dgs", association_signatory="B")
    assert Donation.objects.count() == 0


def test_devices_without_storage_are_handed_over_without_erasure(buyer, member):
    offer = offered([retired_device(storage=False)], buyer)
    result = claim(offer, member)
    services.approve_claim(claim=result, actor=buyer)
    donation = services.hand_over(claim=result, actor=buyer, owner_signatory="dgs", association_signatory="B")
    assert donation.agreement_lines()[0][1] == []
