"""Asset tags: one format, enforced by the model, the database, the forms and the API; a tag
stored before the rule is rewritten by a migration and never takes a page down."""

from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from inventory import services
from inventory.models import Device, Event, validate_asset_tag
from tests.factories import DeviceFactory, DeviceModelFactory

BAD_TAGS = ["GAM/1", "GAM 1", "GAM\x001", "-GAM", ".", "..", "GAM?1", "GAM#1", "GAM%1", "É1"]


@pytest.mark.parametrize("tag", BAD_TAGS, ids=repr)
def test_validator_refuses_tags_outside_the_format(tag):
    with pytest.raises(ValidationError):
        validate_asset_tag(tag)


@pytest.mark.parametrize("tag", ["GAM-000123", "gam_1.2", "A", "2024.INV-7"])
def test_validator_accepts_letters_digits_dash_underscore_dot(tag):
    validate_asset_tag(tag)


@pytest.mark.django_db
def test_database_refuses_a_tag_with_a_slash_even_through_a_raw_update():
    device = DeviceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(asset_tag="GAM/1")


@pytest.mark.django_db
def test_register_service_refuses_a_slash():
    with pytest.raises(ValidationError) as error:
        services.register_device(asset_tag="GAM/1", model=DeviceModelFactory())
    assert "asset_tag" in error.value.message_dict


@pytest.mark.django_db
def test_html_form_refuses_a_slash_and_saves_nothing(client, admin_user):
    client.force_login(admin_user)
    model = DeviceModelFactory()
    response = client.post(reverse("inventory:device-create"), {"asset_tag": "GAM/1", "model": model.pk})
    assert response.status_code == 200
    assert "asset_tag" in response.context["form"].errors
    assert not Device.objects.exists()


@pytest.mark.django_db
def test_api_refuses_a_slash_with_400(technician):
    api = APIClient()
    api.force_login(technician)
    model = DeviceModelFactory()
    response = api.post("/api/devices/", {"asset_tag": "GAM/1", "model": model.pk}, format="json")
    assert response.status_code == 400
    assert "asset_tag" in response.json()
    assert not Device.objects.exists()


def test_device_url_round_trips_any_stored_tag():
    for tag in ["GAM-1", "GAM/1", "A B", "50%", "..", "?x#y"]:
        url = reverse("inventory:device-detail", args=[tag])
        # Browsers send the path as is and Django decodes it once.
        assert resolve(unquote(url)).kwargs["asset_tag"] == tag, url


@pytest.mark.django_db(transaction=True)
def test_migration_rewrites_bad_tags_with_a_journal_event_and_pages_survive_before(client, admin_user):
    executor = MigrationExecutor(connection)
    target = [("inventory", "0011_scale_indexes")]
    executor.migrate(target)
    executor.loader.build_graph()
    bad = DeviceFactory(asset_tag="GOOD-1")
    clash = DeviceFactory(asset_tag="GAM-1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_device SET asset_tag = %s WHERE id = %s", ["GAM/1", bad.pk])
    try:
        client.force_login(admin_user)
        # Before the rewrite, the list still answers and links the device's own page. (The page
        # itself reads columns of later migrations, absent at this schema; that an odd tag
        # reaches it is the converter's test_device_url_round_trips_any_stored_tag.)
        listing = client.get(reverse("inventory:device-list"))
        assert listing.status_code == 200
        url = Device.objects.get(pk=bad.pk).get_absolute_url()
        assert url in listing.content.decode()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    bad.refresh_from_db()
    assert bad.asset_tag == "GAM-1-2"  # "GAM-1" was taken
    clash.refresh_from_db()
    assert clash.asset_tag == "GAM-1"
    event = Event.objects.get(device=bad, kind=Event.Kind.EDITED)
    assert event.data == {"changes": {"asset_tag": ["GAM/1", "GAM-1-2"]}}
