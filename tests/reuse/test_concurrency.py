"""Exactly one claim wins a device, even when associations click at the same moment.

Runs on PostgreSQL (row locks and a partial unique index under real concurrency): 20 threads,
one per association, each with its own connection, released together by a barrier.
"""

import threading

import pytest
from django.db import connection
from django.db.models import Count
from rest_framework.test import APIClient

from config.roles import PROCUREMENT
from reuse.models import Claim, ClaimLine
from tests.factories import UserFactory

from .conftest import make_member, offered, retired_device
from .factories import AssociationFactory

CLAIMANTS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_claims_on_a_single_device_make_one_winner_and_nineteen_clean_conflicts():
    buyer = UserFactory(username="buyer", roles=[PROCUREMENT])
    offer = offered([retired_device()], buyer)
    members = [make_member(AssociationFactory(), username=f"member{i}") for i in range(CLAIMANTS)]
    barrier = threading.Barrier(CLAIMANTS)
    results = [None] * CLAIMANTS

    def attempt(index):
        try:
            client = APIClient()
            client.force_authenticate(members[index])
            barrier.wait(timeout=30)
            response = client.post(f"/api/offers/{offer.pk}/claim/", {"quantity": 1}, format="json")
            results[index] = (response.status_code, response.json())
        except Exception as exc:  # a thread must report, not die silently
            results[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(CLAIMANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = [code for code, _body in results]
    assert codes.count(201) == 1, results
    assert codes.count(409) == CLAIMANTS - 1, results
    for code, body in results:
        if code == 409:
            assert set(body) == {"detail", "code"}
            assert body["code"] == "already_claimed"
            assert body["detail"]
    assert Claim.objects.count() == 1
    assert ClaimLine.objects.filter(active=True).count() == 1
    assert not ClaimLine.objects.values("device").annotate(n=Count("claim")).filter(n__gt=1).exists()
    winner = next(body for code, body in results if code == 201)
    assert Claim.objects.get().pk == winner["id"]
