"""The scheduled tasks, run by a real Celery worker on the test database."""

import datetime as dt

import pytest
from django.utils import timezone

from reuse import services
from reuse.models import Claim

from .conftest import make_member, offered, retired_device


@pytest.mark.celery_worker
def test_a_worker_expires_claims_nobody_picked_up(celery_worker, buyer):
    member = make_member(username="late")
    offer = offered([retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    services.set_pickup(claim=claim, actor=buyer, pickup_at=timezone.now() - dt.timedelta(days=10))
    assert celery_worker.send("reuse.expire_claims").get(timeout=60) == {"expired": 1}
    claim.refresh_from_db()
    assert claim.status == Claim.Status.EXPIRED
    assert celery_worker.send("reuse.expire_claims").get(timeout=60) == {"expired": 0}
