"""Issue 13 item 8: "offer to associations" among the device list's bulk actions. The action is
registered by reuse (``inventory/bulk.py``; inventory does not import reuse) and only hands the
ticked devices to the offer form, which keeps its own validation."""

import pytest
from django.test import Client
from django.urls import reverse

from inventory.bulk import bulk_link
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db
BULK = "/devices/bulk/"
OPTION = '<option value="offer">'


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_reuse_registers_the_offer_action_with_its_permission():
    link = bulk_link("offer")
    assert link.url_name == "reuse:offer-create" and link.permission == "reuse.add_offer"


def test_only_staff_who_may_make_offers_see_the_action(procurement, technician):
    DeviceFactory.create_batch(2)
    html = _client(procurement).get("/devices/").content.decode()
    assert OPTION + "Les proposer aux associations</option>" in html
    assert OPTION not in _client(technician).get("/devices/").content.decode()  # no reuse.add_offer


def test_offering_a_selection_opens_the_offer_form_with_their_tags(procurement):
    first, second = DeviceFactory(asset_tag="GAM-000002"), DeviceFactory(asset_tag="GAM-000001")
    response = _client(procurement).post(BULK, {"device": [first.pk, second.pk], "action": "offer"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reuse:offer-create") + "?tags=GAM-000001%2CGAM-000002"


def test_the_offer_action_is_refused_to_staff_without_the_permission(technician):
    device = DeviceFactory()
    response = _client(technician).post(BULK, {"device": [device.pk], "action": "offer"})
    assert response.status_code == 403


def test_an_unknown_action_is_still_refused(procurement):
    device = DeviceFactory()
    response = _client(procurement).post(BULK, {"device": [device.pk], "action": "sell"})
    assert response.status_code == 302 and response["Location"] == reverse("inventory:device-list")
