"""The smaller things of issue 13."""

import re

import pytest
from django.test import Client

from inventory import lifecycle
from inventory.models import Event, Status
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_back_to_stock_clears_the_assignee_and_the_journal_keeps_it(technician):
    device = DeviceFactory(assignee="M. Martin")
    lifecycle.transition(device, Status.IN_SERVICE, actor=technician)
    event = lifecycle.transition(device, Status.IN_STOCK, actor=technician)
    assert device.assignee == ""
    device.refresh_from_db()
    assert device.assignee == ""
    assert event.data["previous_assignee"] == "M. Martin"
    assert event.data["changes"] == {"assignee": ["M. Martin", ""]}
    client = Client()
    client.force_login(technician)
    html = client.get(f"/devices/{device.asset_tag}/").content.decode()
    assert "N’est plus attribué à M. Martin" in html


def test_back_to_stock_without_an_assignee_writes_no_assignee_change(technician):
    device = DeviceFactory(assignee="")
    lifecycle.transition(device, Status.IN_SERVICE, actor=technician)
    event = lifecycle.transition(device, Status.IN_STOCK, actor=technician)
    assert "previous_assignee" not in event.data and "changes" not in event.data


def test_a_retired_device_put_back_in_stock_loses_its_assignee_too(technician):
    device = DeviceFactory(assignee="Accueil mairie")
    lifecycle.transition(device, Status.IN_SERVICE, actor=technician)
    lifecycle.transition(device, Status.RETIRED, actor=technician)
    lifecycle.transition(device, Status.IN_STOCK, actor=technician)
    device.refresh_from_db()
    assert device.assignee == ""


def test_a_redeployment_passes_through_stock_and_keeps_its_new_assignee(technician):
    from reuse import services as reuse_services

    device = DeviceFactory(assignee="Ancien agent")
    lifecycle.transition(device, Status.IN_SERVICE, actor=technician)
    lifecycle.transition(device, Status.RETIRED, actor=technician)
    reuse_services.redeploy_device(device=device, actor=technician, assignee="Accueil piscine", put_in_service=False)
    device.refresh_from_db()
    assert (device.status, device.assignee) == (Status.IN_STOCK, "Accueil piscine")
    redeployed = device.events.get(kind=Event.Kind.REDEPLOYED)
    assert "previous_assignee" not in redeployed.data


def test_time_elements_carry_no_microseconds(technician):
    device = DeviceFactory()
    lifecycle.transition(device, Status.IN_SERVICE, actor=technician)
    client = Client()
    client.force_login(technician)
    html = client.get(f"/devices/{device.asset_tag}/").content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp) for stamp in stamps)


def test_one_device_is_singular(technician):
    DeviceFactory()
    client = Client()
    client.force_login(technician)
    html = client.get("/devices/").content.decode()
    assert "Imprimer l’étiquette de cet appareil" in html and "ces 1 appareils" not in html


def test_every_aria_describedby_points_at_an_element_of_the_page(technician):
    client = Client()
    client.force_login(technician)
    for url in ("/devices/", "/repairs/", "/flags/", "/devices/new/"):
        html = client.get(url).content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        for described in re.findall(r'aria-describedby="([^"]+)"', html):
            assert set(described.split()) <= ids, (url, described)
