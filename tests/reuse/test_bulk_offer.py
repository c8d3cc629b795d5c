"""The offer form pre-filled by the device list's bulk action (``?tags=A,B``): a GET only fills
the form; the offer is published by the form's own POST, with its validation (issue 13 item 8)."""

import pytest
from django.urls import reverse

from reuse.models import Offer
from tests.factories import DeviceFactory

from .conftest import erase, retired_device

pytestmark = pytest.mark.django_db


def test_ticked_devices_reach_the_offer_form_and_are_offered_by_its_post(client, buyer):
    devices = [retired_device(), retired_device()]
    for device in devices:
        erase(device)
    client.force_login(buyer)
    response = client.post("/devices/bulk/", {"device": [d.pk for d in devices], "action": "offer"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("reuse:offer-create") + "?tags=")
    prefilled = response.context["form"]["devices"].value()
    assert prefilled.split() == sorted(d.asset_tag for d in devices)
    assert not Offer.objects.exists()  # a GET publishes nothing
    published = client.post(reverse("reuse:offer-create"), {"devices": prefilled, "grade": "B"})
    offer = Offer.objects.get()
    assert published["Location"] == offer.get_absolute_url() and offer.items.count() == 2


def test_the_prefill_accepts_commas_and_spaces_normalises_and_drops_repeats(client, buyer):
    client.force_login(buyer)
    url = reverse("reuse:offer-create") + "?tags=gam-000001,GAM-000002, gam-000001&device=GAM-000003"
    form = client.get(url).context["form"]
    assert form["devices"].value().split() == ["GAM-000003", "GAM-000001", "GAM-000002"]


def test_a_device_that_cannot_be_offered_is_refused_by_the_form_not_by_the_prefill(client, buyer):
    device = DeviceFactory()  # in stock, not retired
    client.force_login(buyer)
    page = client.get(reverse("reuse:offer-create") + f"?tags={device.asset_tag}")
    assert page.status_code == 200 and page.context["form"]["devices"].value() == device.asset_tag
    refused = client.post(reverse("reuse:offer-create"), {"devices": device.asset_tag, "grade": "B"})
    assert refused.status_code == 200 and not Offer.objects.exists()
    assert "Seuls les appareils réformés peuvent être proposés" in refused.content.decode()
