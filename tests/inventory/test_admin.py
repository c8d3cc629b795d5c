"""The register's admin: every model is there, writes are journalled, the journal is read-only."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from inventory.models import Category, Department, Device, DeviceModel, Event, Flag, Repair, Site, Status
from tests.factories import DeviceFactory, DeviceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", [Category, DeviceModel, Site, Department, Device, Event, Repair, Flag])
def test_every_inventory_model_has_an_admin_list(client, model):
    assert admin.site.is_registered(model)
    assert client.get(f"/admin/inventory/{model._meta.model_name}/").status_code == 200


def test_event_admin_cannot_add_change_or_delete(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    event_admin = admin.site.get_model_admin(Event)
    event = Event.objects.create(device=DeviceFactory(), kind=Event.Kind.NOTE, note="n")
    assert not event_admin.has_add_permission(request)
    assert not event_admin.has_change_permission(request, event)
    assert not event_admin.has_delete_permission(request, event)
    assert "delete_selected" not in event_admin.get_actions(request)


def test_event_admin_pages_refuse_to_add_or_delete(client):
    event = Event.objects.create(device=DeviceFactory(), kind=Event.Kind.NOTE, note="n")
    assert client.get("/admin/inventory/event/add/").status_code == 403
    assert client.post(f"/admin/inventory/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_admin_shows_an_event_read_only(client):
    event = Event.objects.create(device=DeviceFactory(), kind=Event.Kind.NOTE, note="original")
    client.post(f"/admin/inventory/event/{event.pk}/change/", {"note": "rewritten"})
    event.refresh_from_db()
    assert event.note == "original"


def test_device_added_in_the_admin_is_registered_and_journalled(client, admin_user):
    model = DeviceModelFactory()
    response = client.post(
        "/admin/inventory/device/add/", {"asset_tag": "gam-000555", "model": model.pk, "acquired_as": "new"}
    )
    assert response.status_code == 302
    device = Device.objects.get(asset_tag="GAM-000555")
    assert device.events.get().kind == Event.Kind.CREATED


def test_device_edited_in_the_admin_is_journalled(client):
    device = DeviceFactory()
    site = SiteFactory()
    response = client.post(
        f"/admin/inventory/device/{device.pk}/change/",
        {
            "serial_number": device.serial_number,
            "model": device.model_id,
            "site": site.pk,
            "department": device.department_id,
            "acquired_as": device.acquired_as,
            "purchase_date": "2021-01-01",
            "purchase_price": "1000.00",
            "warranty_end": "2024-01-01",
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.site == site
    assert device.events.get().kind == Event.Kind.MOVED


def test_device_admin_refuses_a_serial_already_known_for_the_manufacturer(client):
    existing = DeviceFactory(serial_number="DUP1")
    response = client.post(
        "/admin/inventory/device/add/",
        {"asset_tag": "GAM-NEW", "model": existing.model_id, "serial_number": "DUP1", "acquired_as": "new"},
    )
    assert response.status_code == 200
    assert "serial_number" in response.context["adminform"].form.errors


def test_change_status_action_asks_for_the_new_status_first(client):
    device = DeviceFactory()
    response = client.post("/admin/inventory/device/", {"action": "change_status", ACTION_CHECKBOX_NAME: [device.pk]})
    assert response.status_code == 200
    assert b'name="apply"' in response.content
    assert not device.events.exists()


def test_change_status_action_goes_through_the_lifecycle(client, admin_user):
    device = DeviceFactory()
    client.post(
        "/admin/inventory/device/",
        {"action": "change_status", ACTION_CHECKBOX_NAME: [device.pk], "apply": "1", "to": "in_service", "note": "lot"},
    )
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE
    event = device.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "in_stock",
        "in_service",
        admin_user,
        "lot",
    )


def test_change_status_action_reports_refusals_and_leaves_those_devices_alone(client):
    allowed = DeviceFactory()
    refused = DeviceFactory()
    Device.objects.filter(pk=refused.pk).update(status=Status.LOST)
    response = client.post(
        "/admin/inventory/device/",
        {"action": "change_status", ACTION_CHECKBOX_NAME: [allowed.pk, refused.pk], "apply": "1", "to": "retired"},
        follow=True,
    )
    refused.refresh_from_db()
    assert refused.status == Status.LOST
    assert not refused.events.exists()
    assert allowed.events.count() == 1
    levels = sorted(message.level_tag for message in response.context["messages"])
    assert levels == ["error", "success"]


def test_device_admin_does_not_edit_the_status(client):
    device = DeviceFactory()
    form = client.get(f"/admin/inventory/device/{device.pk}/change/").context["adminform"].form
    assert "status" not in form.fields
    assert "asset_tag" not in form.fields


@pytest.mark.parametrize("model", [Category, DeviceModel, Site, Department, Device])
def test_admin_add_forms_render(client, model):
    assert client.get(f"/admin/inventory/{model._meta.model_name}/add/").status_code == 200


def test_admin_device_page_links_to_its_journal(client):
    device = DeviceFactory()
    content = client.get(f"/admin/inventory/device/{device.pk}/change/").content.decode()
    assert f"/admin/inventory/event/?device__id__exact={device.pk}" in content
