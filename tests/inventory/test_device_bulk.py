"""Bulk actions on the device list (issue 13): tick devices, choose an action, confirm, done."""

import pytest
from django.test import Client
from django.urls import reverse

from inventory import lifecycle
from inventory.models import Device, Event, Status
from tests.factories import DeviceFactory, SiteFactory

pytestmark = pytest.mark.django_db
BULK = "/devices/bulk/"


@pytest.fixture
def tech_client(technician):
    client = Client()
    client.force_login(technician)
    return client


def _in_service(n, technician, **fields):
    devices = []
    for _ in range(n):
        device = DeviceFactory(**fields)
        lifecycle.transition(device, Status.IN_SERVICE, actor=technician)
        devices.append(device)
    return devices


def _ids(devices):
    return [str(device.pk) for device in devices]


def test_the_list_has_a_checkbox_per_device_a_select_all_box_and_the_actions(tech_client):
    devices = DeviceFactory.create_batch(3)
    html = tech_client.get("/devices/").content.decode()
    assert html.count('name="device"') == 3 and 'id="select-all"' in html and "js/bulk.js" in html
    assert f'value="{devices[0].pk}" aria-label="Cocher {devices[0].asset_tag}"' in html
    for action in ("labels", "move", "in_stock", "in_service", "retired"):
        assert f'<option value="{action}">' in html
    assert f'action="{reverse("inventory:device-bulk")}"' in html


def test_printing_the_labels_of_a_selection_goes_to_the_label_page_with_their_tags(tech_client):
    first, second = DeviceFactory(asset_tag="GAM-000002"), DeviceFactory(asset_tag="GAM-000001")
    response = tech_client.post(BULK, {"device": _ids([first, second]), "action": "labels"})
    assert response.status_code == 302
    assert response["Location"] == reverse("labels:print") + "?tags=GAM-000001%2CGAM-000002"


def test_retiring_asks_first_with_the_list_of_devices_then_changes_each_one(tech_client, technician):
    devices = _in_service(3, technician)
    events = Event.objects.count()
    page = tech_client.post(BULK, {"device": _ids(devices), "action": "retired", "next": "/devices/?q=x"})
    assert page.status_code == 200
    html = page.content.decode()
    assert all(device.asset_tag in html for device in devices) and 'name="confirmed" value="1"' in html
    assert Event.objects.count() == events and not Device.objects.filter(status=Status.RETIRED).exists()
    seen = [f"{device.pk}:in_service" for device in devices]
    done = tech_client.post(BULK, {"device": _ids(devices), "seen": seen, "action": "retired", "confirmed": "1",
                                   "note": "Fin de bail", "next": "/devices/?q=x"})
    assert done.status_code == 302 and done["Location"] == "/devices/?q=x"
    assert set(Device.objects.filter(pk__in=[d.pk for d in devices]).values_list("status", flat=True)) == {"retired"}
    retired = Event.objects.filter(to_status=Status.RETIRED)
    assert retired.count() == 3 and {e.device_id for e in retired} == {d.pk for d in devices}
    assert all((e.kind, e.from_status, e.note, e.actor) == ("status", "in_service", "Fin de bail", technician)
               for e in retired)


def test_devices_that_cannot_take_the_change_are_listed_and_left_as_they_are(tech_client, technician):
    in_service = _in_service(2, technician)
    in_stock = DeviceFactory()
    page = tech_client.post(BULK, {"device": _ids([*in_service, in_stock]), "action": "in_stock"}).content.decode()
    assert "1 appareil coché ne peut pas recevoir ce changement" in page
    assert page.count('name="device"') == 2
    tech_client.post(BULK, {"device": _ids(in_service), "action": "in_stock", "confirmed": "1"})
    assert Device.objects.filter(status=Status.IN_STOCK).count() == 3


def test_back_in_stock_in_bulk_clears_the_assignees_and_journals_them(tech_client, technician):
    device = _in_service(1, technician, assignee="Mme Durand")[0]
    tech_client.post(BULK, {"device": [device.pk], "action": "in_stock", "confirmed": "1"})
    device.refresh_from_db()
    assert (device.status, device.assignee) == (Status.IN_STOCK, "")
    assert device.events.latest("id").data["previous_assignee"] == "Mme Durand"


def test_a_device_changed_meanwhile_refuses_the_whole_lot(tech_client, technician):
    devices = _in_service(2, technician)
    lifecycle.transition(devices[1], Status.IN_STOCK, actor=technician)
    response = tech_client.post(BULK, {"device": _ids(devices), "action": "retired", "confirmed": "1",
                                       "seen": [f"{d.pk}:in_service" for d in devices]})
    assert response.status_code == 200 and "a changé entre-temps" in response.content.decode()
    assert not Device.objects.filter(status=Status.RETIRED).exists()


def test_moving_asks_for_the_site_then_moves_each_device_with_one_event(tech_client, technician):
    devices = DeviceFactory.create_batch(3)
    target = SiteFactory(name="Médiathèque")
    page = tech_client.post(BULK, {"device": _ids(devices), "action": "move"}).content.decode()
    assert 'name="site"' in page and all(device.asset_tag in page for device in devices)
    missing = tech_client.post(BULK, {"device": _ids(devices), "action": "move", "confirmed": "1"})
    assert missing.status_code == 200 and "Choisissez le site où les déplacer." in missing.content.decode()
    assert not Device.objects.filter(site=target).exists()
    done = tech_client.post(BULK, {"device": _ids(devices), "action": "move", "confirmed": "1", "site": target.pk})
    assert done.status_code == 302
    assert Device.objects.filter(site=target).count() == 3
    moves = Event.objects.filter(kind=Event.Kind.MOVED)
    assert moves.count() == 3 and all(e.data["changes"]["site"][1] == str(target) for e in moves)


def test_nothing_ticked_or_no_action_goes_back_with_a_message(tech_client):
    device = DeviceFactory()
    assert tech_client.post(BULK, {"action": "retired", "next": "/devices/"})["Location"] == "/devices/"
    assert tech_client.post(BULK, {"device": [device.pk], "action": "explode"}).status_code == 302
    assert tech_client.post(BULK, {"device": [device.pk], "next": "https://evil.example/"})["Location"] == "/devices/"


def test_association_members_may_not_act_in_bulk(association_user):
    device = DeviceFactory()
    client = Client()
    client.force_login(association_user)
    assert client.post(BULK, {"device": [device.pk], "action": "retired", "confirmed": "1"}).status_code == 403
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK


@pytest.mark.parametrize("size", [5, 40])
def test_a_bulk_status_change_costs_a_constant_number_of_queries(tech_client, technician, size,
                                                                   django_assert_max_num_queries):
    devices = _in_service(size, technician)
    data = {"device": _ids(devices), "action": "retired", "confirmed": "1"}
    with django_assert_max_num_queries(14):
        assert tech_client.post(BULK, data).status_code == 302
    assert Device.objects.filter(status=Status.RETIRED).count() == size


@pytest.mark.parametrize("size", [5, 40])
def test_a_bulk_move_and_its_confirmation_cost_a_constant_number_of_queries(tech_client, size,
                                                                            django_assert_max_num_queries):
    devices = DeviceFactory.create_batch(size)
    target = SiteFactory()
    with django_assert_max_num_queries(10):
        assert tech_client.post(BULK, {"device": _ids(devices), "action": "move"}).status_code == 200
    with django_assert_max_num_queries(14):
        assert tech_client.post(BULK, {"device": _ids(devices), "action": "move", "confirmed": "1",
                                       "site": target.pk}).status_code == 302


def test_planning_the_replacement_of_a_selection_opens_the_renewal_form_for_those_devices(procurement):
    first, second = DeviceFactory(asset_tag="GAM-000011"), DeviceFactory(asset_tag="GAM-000012")
    DeviceFactory()
    client = Client()
    client.force_login(procurement)
    assert '<option value="plan">' in client.get("/devices/").content.decode()
    response = client.post(BULK, {"device": _ids([first, second]), "action": "plan"})
    assert response["Location"] == reverse("review:renewal-plan") + "?tags=GAM-000011%2CGAM-000012"
    form = client.get(response["Location"])
    assert form.status_code == 200 and form.context["matching"] == 2


def test_the_tags_filter_selects_a_list_of_devices(tech_client):
    DeviceFactory(asset_tag="GAM-000021")
    DeviceFactory(asset_tag="GAM-000022")
    DeviceFactory(asset_tag="GAM-000023")
    html = tech_client.get("/devices/", {"tags": "gam-000021, GAM-000023"}).content.decode()
    assert "GAM-000021" in html and "GAM-000023" in html and "GAM-000022" not in html


def test_technicians_are_not_offered_the_renewal_plan(tech_client):
    DeviceFactory()
    assert '<option value="plan">' not in tech_client.get("/devices/").content.decode()
