"""The "Second life" section of the device page."""

import pytest
from django.urls import reverse

from inventory.models import Status
from tests.factories import DeviceFactory

from .conftest import erase, make_member, offered, retired_device

pytestmark = pytest.mark.django_db


def test_a_retired_device_shows_its_erasures_and_the_reuse_actions(client, buyer):
    device = retired_device()
    erasure = erase(device)
    client.force_login(buyer)
    page = client.get(device.get_absolute_url()).content.decode()
    assert erasure.number in page
    assert reverse("reuse:redeploy", args=[device.asset_tag]) in page
    assert reverse("reuse:offer-create") + f"?device={device.asset_tag}" in page


def test_a_device_in_service_offers_neither_redeployment_nor_offer(client, tech):
    device = DeviceFactory(status=Status.IN_SERVICE)
    client.force_login(tech)
    page = client.get(device.get_absolute_url()).content.decode()
    assert reverse("reuse:erasure-create", args=[device.asset_tag]) in page
    assert reverse("reuse:redeploy", args=[device.asset_tag]) not in page
    assert "?device=" not in page


def test_a_claimed_device_shows_its_claim(client, buyer):
    member = make_member(username="m")
    offer = offered([retired_device()], buyer)
    from reuse import services

    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    client.force_login(buyer)
    page = client.get(offer.items.get().device.get_absolute_url()).content.decode()
    assert claim.get_absolute_url() in page
    assert offer.get_absolute_url() in page


def test_the_panel_costs_the_same_queries_whatever_the_history(client, buyer, django_assert_num_queries):
    device = retired_device()
    erase(device)
    client.force_login(buyer)
    client.get(device.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(device.get_absolute_url())
    for _ in range(6):
        erase(device)
    with CaptureQueriesContext(connection) as second:
        client.get(device.get_absolute_url())
    assert len(second.captured_queries) == len(first.captured_queries)
