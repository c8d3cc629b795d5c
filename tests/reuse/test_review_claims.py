"""The review rules reuse registers: ``claim_expired`` expires the claim through the claim service."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from config.roles import PROCUREMENT
from inventory import lifecycle
from inventory.models import Device, Flag, Status
from inventory.review import accept_flags, run_review
from reuse import services
from reuse.models import Claim, ClaimLine
from tests.factories import UserFactory

from .conftest import make_member, offered, retired_device
from .factories import AssociationFactory


def _overdue_claim(offer, member, buyer):
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    services.set_pickup(claim=claim, actor=buyer, pickup_at=timezone.now() - dt.timedelta(days=8))
    return claim


def _consistent(claim):
    claim.refresh_from_db()
    devices = Device.objects.filter(claim_lines__claim=claim)
    assert claim.status == Claim.Status.EXPIRED
    assert not ClaimLine.objects.filter(claim=claim, active=True).exists()
    assert set(devices.values_list("status", flat=True)) == {Status.AVAILABLE}


@pytest.mark.django_db
def test_accepting_an_overdue_pickup_expires_the_claim_and_releases_its_devices(offer, member, buyer):
    claim = _overdue_claim(offer, member, buyer)
    run_review(rules=["claim_expired"])
    assert Flag.objects.filter(rule="claim_expired", resolved_at=None).count() == 2

    report = accept_flags(flags=Flag.objects.all(), actor=buyer)

    assert report.accepted == 2 and not report.refused
    _consistent(claim)


@pytest.mark.django_db
def test_a_claimed_device_is_not_released_behind_its_claim(offer, member, buyer):
    _overdue_claim(offer, member, buyer)
    device = Device.objects.filter(status=Status.RESERVED).first()

    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.AVAILABLE, workflow=lifecycle.Workflow.CLAIM)

    assert refusal.value.code == "claimed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accepting_an_expired_claim_while_another_association_claims_leaves_everything_consistent():
    buyer = UserFactory(username="buyer", roles=[PROCUREMENT])
    first, second = (make_member(AssociationFactory(), username=f"member{i}") for i in range(2))
    offer = offered([retired_device()], buyer)
    claim = _overdue_claim(offer, first, buyer)
    run_review(rules=["claim_expired"])
    barrier, results = threading.Barrier(2), {}

    def accept():
        try:
            barrier.wait(timeout=30)
            results["accept"] = accept_flags(flags=Flag.objects.filter(rule="claim_expired"), actor=buyer)
        except Exception as exc:
            results["accept"] = repr(exc)
        finally:
            connection.close()

    def claim_again():
        try:
            client = APIClient()
            client.force_authenticate(second)
            barrier.wait(timeout=30)
            results["claim"] = client.post(f"/api/offers/{offer.pk}/claim/", {"quantity": 1}, format="json").status_code
        except Exception as exc:
            results["claim"] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept), threading.Thread(target=claim_again)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results["claim"] in (201, 409), results
    _consistent_or_reclaimed = Claim.objects.filter(status__in=Claim.ACTIVE).exclude(pk=claim.pk)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.EXPIRED, results
    assert ClaimLine.objects.filter(active=True).count() == _consistent_or_reclaimed.count()
    device = Device.objects.get()
    assert device.status == Status.AVAILABLE
