"""labels.services: campaigns, sightings and choosing devices to label."""

import pytest
from django.core.exceptions import ValidationError

from inventory.models import Device, Event, Site
from labels import services
from labels.models import Sighting
from tests.factories import DeviceFactory, SiteFactory


@pytest.fixture
def school(device):
    return device.site


@pytest.fixture
def campaign(school, technician):
    return services.start_campaign(name="Inventaire 2026 Anthoard", site=school, actor=technician)


def test_a_sighting_updates_last_seen_and_journals_a_sighted_event(campaign, device, technician):
    result = services.record_sighting(campaign=campaign, code="http://127.0.0.1:8000/d/GAM-000123",
                                      actor=technician, method="camera")
    device.refresh_from_db()
    assert device.last_seen == result.sighting.seen_at
    event = Event.objects.filter(device=device).latest("id")
    assert (event.kind, event.data["campaign_id"], event.data["sighting_id"]) == (
        Event.Kind.SIGHTED, campaign.pk, result.sighting.pk)
    assert not result.moved and result.created


def test_a_device_seen_at_another_site_is_not_moved_but_reported_as_a_discrepancy(campaign, device, school,
                                                                                   technician):
    room = Site.objects.create(name="Salle 12", kind="room", parent=school)
    vif = SiteFactory(name="Vif")
    other_device = DeviceFactory(asset_tag="GAM-000500", site=vif)
    result = services.record_sighting(campaign=campaign, code="GAM-000500", site=room, actor=technician)
    other_device.refresh_from_db()
    assert other_device.site == vif
    assert result.discrepancy and not result.moved and "Vif" in result.message
    assert (result.sighting.previous_site, result.sighting.site, result.sighting.decision) == (vif, room, "")
    kinds = list(Event.objects.filter(device=other_device).order_by("id").values_list("kind", flat=True))
    assert Event.Kind.MOVED not in kinds and kinds[-1] == Event.Kind.SIGHTED
    assert Event.objects.filter(device=other_device).latest("id").data["discrepancy"] is True


def test_moving_a_discrepancy_is_an_explicit_decision_journalled_as_a_move(campaign, device, school, technician):
    room = Site.objects.create(name="Salle 12", kind="room", parent=school)
    other_device = DeviceFactory(asset_tag="GAM-000500", site=SiteFactory(name="Vif"))
    sighting = services.record_sighting(campaign=campaign, code="GAM-000500", site=room, actor=technician).sighting
    services.decide_discrepancy(sighting=sighting, decision="moved", actor=technician)
    other_device.refresh_from_db()
    sighting.refresh_from_db()
    assert other_device.site == room
    assert (sighting.decision, sighting.decided_by) == ("moved", technician) and sighting.decided_at
    moved = Event.objects.filter(device=other_device).latest("id")
    assert moved.kind == Event.Kind.MOVED and moved.data["changes"]["site"][1] == room.full_name
    with pytest.raises(ValidationError) as refusal:
        services.decide_discrepancy(sighting=sighting, decision="kept", actor=technician)
    assert refusal.value.code == "decided"


def test_keeping_a_discrepancy_leaves_the_register_and_journals_a_note(campaign, device, school, technician):
    vif = SiteFactory(name="Vif")
    other_device = DeviceFactory(asset_tag="GAM-000500", site=vif)
    sighting = services.record_sighting(campaign=campaign, code="GAM-000500", actor=technician).sighting
    services.decide_discrepancy(sighting=sighting, decision="kept", actor=technician)
    other_device.refresh_from_db()
    assert other_device.site == vif and Sighting.objects.get().decision == "kept"
    note = Event.objects.filter(device=other_device).latest("id")
    assert note.kind == Event.Kind.NOTE and "Vif" in note.note


def test_a_sighting_in_place_has_nothing_to_decide(campaign, device, technician):
    sighting = services.record_sighting(campaign=campaign, code="GAM-000123", actor=technician).sighting
    with pytest.raises(ValidationError) as refusal:
        services.decide_discrepancy(sighting=sighting, decision="moved", actor=technician)
    assert refusal.value.code == "in_place"


def test_seen_again_elsewhere_after_a_move_is_a_new_discrepancy_against_the_new_register(
        campaign, device, school, technician):
    vif = SiteFactory(name="Vif")
    other_device = DeviceFactory(asset_tag="GAM-000500", site=vif)
    room = Site.objects.create(name="Salle 12", kind="room", parent=school)
    sighting = services.record_sighting(campaign=campaign, code="GAM-000500", actor=technician).sighting
    services.decide_discrepancy(sighting=sighting, decision="moved", actor=technician)
    result = services.record_sighting(campaign=campaign, code="GAM-000500", site=room, actor=technician)
    # Registered at the school now, seen in a room of it: in place, location made more precise.
    assert not result.discrepancy and result.moved
    assert Device.objects.get(pk=other_device.pk).site == room


def test_scanning_the_same_device_twice_at_the_same_site_changes_nothing(campaign, device, technician):
    services.record_sighting(campaign=campaign, code="GAM-000123", actor=technician)
    events = Event.objects.count()
    result = services.record_sighting(campaign=campaign, code="gam-000123", actor=technician)
    assert not result.created and not result.moved
    assert Event.objects.count() == events and Sighting.objects.count() == 1


def test_scanning_again_in_another_room_moves_the_device_and_keeps_one_sighting(campaign, device, school,
                                                                                technician):
    services.record_sighting(campaign=campaign, code="GAM-000123", actor=technician)
    room = Site.objects.create(name="Salle 3", kind="room", parent=school)
    services.record_sighting(campaign=campaign, code="GAM-000123", site=room, actor=technician)
    sighting = Sighting.objects.get()
    assert (sighting.site, sighting.previous_site) == (room, school)
    assert Device.objects.get(pk=device.pk).site == room


@pytest.mark.parametrize(("code", "why"), [
    ("GAM-999999", "unknown_tag"),
    ("GAM 0001<script>", "invalid_tag"),
    ("https://parc.example.fr/d/GAM%2F1", "invalid_tag"),
    ("   ", "empty"),
])
def test_a_bad_scan_is_refused_and_nothing_is_written(campaign, device, technician, code, why):
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refusal:
        services.record_sighting(campaign=campaign, code=code, actor=technician)
    assert refusal.value.code == why
    assert Event.objects.count() == events and not Sighting.objects.exists()
    assert Device.objects.get(pk=device.pk).last_seen is None


def test_a_site_outside_the_campaign_is_refused(campaign, device, technician):
    elsewhere = SiteFactory(name="Seyssinet")
    with pytest.raises(ValidationError) as refusal:
        services.record_sighting(campaign=campaign, code="GAM-000123", site=elsewhere, actor=technician)
    assert refusal.value.code == "outside_scope"
    assert Device.objects.get(pk=device.pk).site != elsewhere


def test_a_nonexistent_site_is_refused(db, device, technician):
    whole_fleet = services.start_campaign(name="Tout le parc", actor=technician)
    with pytest.raises(ValidationError) as refusal:
        services.record_sighting(campaign=whole_fleet, code="GAM-000123", site=987654, actor=technician)
    assert refusal.value.code == "unknown_site"
    assert not Sighting.objects.exists()


def test_a_whole_fleet_campaign_needs_the_site_where_one_stands(db, device, technician):
    whole_fleet = services.start_campaign(name="Tout le parc", actor=technician)
    with pytest.raises(ValidationError) as refusal:
        services.record_sighting(campaign=whole_fleet, code="GAM-000123", actor=technician)
    assert refusal.value.code == "no_site"


def test_a_closed_campaign_takes_no_more_sightings(campaign, device, technician):
    services.close_campaign(campaign=campaign, actor=technician)
    with pytest.raises(ValidationError) as refusal:
        services.record_sighting(campaign=campaign, code="GAM-000123", actor=technician)
    assert refusal.value.code == "closed"


def test_a_campaign_cannot_be_closed_twice(campaign, technician):
    services.close_campaign(campaign=campaign, actor=technician)
    with pytest.raises(ValidationError):
        services.close_campaign(campaign=campaign, actor=technician)


def test_a_device_recorded_as_lost_is_recorded_with_a_warning(campaign, device, technician):
    from inventory import lifecycle

    lifecycle.transition(device, "lost")
    result = services.record_sighting(campaign=campaign, code="GAM-000123", actor=technician)
    assert result.warning and "GAM-000123" in result.warning


def test_devices_to_label_come_from_tags_in_the_given_order_with_unknown_ones_reported(db):
    DeviceFactory(asset_tag="GAM-000002")
    DeviceFactory(asset_tag="GAM-000001")
    selection = services.select_devices({"tags": "gam-000002, GAM-000001 GAM-000404,GAM-000002"})
    assert selection.tags == ["GAM-000002", "GAM-000001"]
    assert selection.unknown == ["GAM-000404"]


def test_an_empty_tag_list_selects_nothing(db):
    DeviceFactory()
    assert services.select_devices({"tags": ""}).tags == []


def test_devices_to_label_come_from_the_device_list_filters(db):
    DeviceFactory(asset_tag="GAM-000010")
    in_service = DeviceFactory(asset_tag="GAM-000011")
    from inventory import lifecycle

    lifecycle.transition(in_service, "in_service")
    assert services.select_devices("status=in_service").tags == ["GAM-000011"]
    assert services.select_devices("q=GAM-00001&ordering=-asset_tag").tags == ["GAM-000011", "GAM-000010"]


def test_invalid_filters_are_reported(db):
    assert services.select_devices("age_min=old").errors
