"""inventory.models: what must always hold is a database constraint, tested by breaking it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from inventory.models import Category, Device, DeviceModel, Event, Flag, Repair, Site
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _refused(action):
    """True when the database refuses ``action`` (inside a savepoint, so the test goes on)."""
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def test_two_devices_cannot_share_an_asset_tag():
    DeviceFactory(asset_tag="GAM-000001")

    assert _refused(lambda: DeviceFactory(asset_tag="GAM-000001"))


def test_asset_tags_are_compared_upper_case_and_trimmed():
    DeviceFactory(asset_tag="GAM-000001")

    assert _refused(lambda: DeviceFactory(asset_tag=" gam-000001 "))


def test_one_manufacturer_cannot_reuse_a_serial_number():
    dell = DeviceModelFactory(manufacturer="Dell")
    DeviceFactory(model=dell, serial_number="ABC123")

    assert _refused(lambda: DeviceFactory(model=DeviceModelFactory(manufacturer="Dell"), serial_number="ABC123"))


def test_two_manufacturers_may_use_the_same_serial_number():
    DeviceFactory(model=DeviceModelFactory(manufacturer="Dell"), serial_number="ABC123")

    DeviceFactory(model=DeviceModelFactory(manufacturer="HP"), serial_number="ABC123")

    assert Device.objects.filter(serial_number="ABC123").count() == 2


def test_devices_without_a_serial_number_do_not_collide():
    model = DeviceModelFactory(manufacturer="Dell")
    DeviceFactory(model=model, serial_number="")

    DeviceFactory(model=model, serial_number="")

    assert Device.objects.filter(serial_number="").count() == 2


def test_the_manufacturer_is_copied_from_the_model_for_the_serial_constraint():
    device = DeviceFactory(model=DeviceModelFactory(manufacturer="Lenovo"))

    assert Device.objects.get(pk=device.pk).manufacturer == "Lenovo"


def test_an_unknown_status_cannot_be_written_even_by_a_bulk_update():
    device = DeviceFactory()

    assert _refused(lambda: Device.objects.filter(pk=device.pk).update(status="broken"))
    assert Device.objects.get(pk=device.pk).status == device.status


def test_an_unknown_acquisition_mode_cannot_be_written():
    device = DeviceFactory()

    assert _refused(lambda: Device.objects.filter(pk=device.pk).update(acquired_as="stolen"))


def test_a_purchase_price_cannot_be_negative():
    device = DeviceFactory()

    assert _refused(lambda: Device.objects.filter(pk=device.pk).update(purchase_price=Decimal("-1")))


def test_a_category_depreciates_over_at_least_one_year():
    category = CategoryFactory()

    assert _refused(lambda: Category.objects.filter(pk=category.pk).update(depreciation_years=0))


def test_a_repairability_index_stays_between_0_and_10():
    model = DeviceModelFactory()

    assert _refused(lambda: DeviceModel.objects.filter(pk=model.pk).update(repairability_index=Decimal("10.5")))


def test_a_journal_event_cannot_be_changed():
    event = Event.objects.create(device=DeviceFactory(), kind=Event.Kind.NOTE, note="first")
    event.note = "rewritten"

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(note="rewritten")
    assert Event.objects.get(pk=event.pk).note == "first"


def test_a_journal_event_cannot_be_deleted():
    event = Event.objects.create(device=DeviceFactory(), kind=Event.Kind.NOTE, note="first")

    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_device_with_a_journal_cannot_be_deleted():
    device = DeviceFactory()
    Event.objects.create(device=device, kind=Event.Kind.NOTE, note="keep me")

    with pytest.raises(ProtectedError):
        device.delete()


def test_a_device_has_at_most_one_open_repair():
    device = DeviceFactory()
    Repair.objects.create(device=device, symptom="Écran noir")

    assert _refused(lambda: Repair.objects.create(device=device, symptom="Clavier"))


def test_a_closed_repair_does_not_block_a_new_one():
    device = DeviceFactory()
    Repair.objects.create(device=device, symptom="Écran noir", closed_at=timezone.now(), outcome=Repair.Outcome.FIXED)

    Repair.objects.create(device=device, symptom="Clavier")

    assert device.repairs.count() == 2


def test_a_closed_repair_must_have_an_outcome():
    assert _refused(lambda: Repair.objects.create(device=DeviceFactory(), symptom="Écran", closed_at=timezone.now()))


def test_a_rule_flags_a_device_only_once_while_the_flag_is_open():
    device = DeviceFactory()
    Flag.objects.create(device=device, rule="warranty-ending", message="Garantie")

    assert _refused(lambda: Flag.objects.create(device=device, rule="warranty-ending", message="Encore"))


def test_a_resolved_flag_or_another_rule_may_flag_the_device_again():
    device = DeviceFactory()
    Flag.objects.create(device=device, rule="warranty-ending", message="Garantie", resolved_at=timezone.now())

    Flag.objects.create(device=device, rule="warranty-ending", message="De nouveau")
    Flag.objects.create(device=device, rule="old-os", message="Système")

    assert device.flags.filter(resolved_at__isnull=True).count() == 2


def test_a_site_knows_its_path_and_full_name_for_subtree_filters():
    commune = SiteFactory(name="Meylan")
    building = Site.objects.create(name="Hôtel de ville", kind=Site.Kind.BUILDING, parent=commune)
    room = Site.objects.create(name="Accueil", kind=Site.Kind.ROOM, parent=building)

    assert room.full_name == "Meylan › Hôtel de ville › Accueil"
    assert room.path == f"/{commune.pk}/{building.pk}/{room.pk}/"
    assert set(commune.subtree()) == {commune, building, room}


def test_two_sites_of_one_parent_cannot_share_a_name():
    commune = SiteFactory(name="Fontaine")
    Site.objects.create(name="CCAS", kind=Site.Kind.BUILDING, parent=commune)

    assert _refused(lambda: Site.objects.create(name="CCAS", kind=Site.Kind.BUILDING, parent=commune))


def test_an_event_defaults_to_now_and_the_journal_is_ordered_by_time():
    device = DeviceFactory()
    later = Event.objects.create(device=device, kind=Event.Kind.NOTE, note="later")
    earlier = Event.objects.create(device=device, kind=Event.Kind.NOTE, note="earlier",
                                   at=later.at - dt.timedelta(days=1))

    assert list(device.events.all()) == [earlier, later]
