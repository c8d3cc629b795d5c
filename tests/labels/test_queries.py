"""labels.queries: the campaign report's three lists."""

import pytest

from inventory import lifecycle
from inventory.models import Site
from labels import queries, services
from tests.factories import DeviceFactory, SiteFactory


@pytest.fixture
def world(db, technician):
    """A school with two rooms and four devices, plus a town hall elsewhere."""
    commune = SiteFactory(name="Pont-de-Claix")
    school = Site.objects.create(name="École", kind="building", parent=commune)
    room = Site.objects.create(name="Salle 1", kind="room", parent=school)
    hall = SiteFactory(name="Mairie de Claix")
    devices = {
        "in_room": DeviceFactory(asset_tag="GAM-000001", site=room),
        "in_school": DeviceFactory(asset_tag="GAM-000002", site=school),
        "missing": DeviceFactory(asset_tag="GAM-000003", site=room),
        "from_hall": DeviceFactory(asset_tag="GAM-000004", site=hall),
        "donated_gone": DeviceFactory(asset_tag="GAM-000005", site=room),
        "strayed": DeviceFactory(asset_tag="GAM-000006", site=school),
    }
    gone = devices["donated_gone"]
    for status in ("retired", "lost"):
        lifecycle.transition(gone, status)
    campaign = services.start_campaign(name="École 2026", site=school, actor=technician)
    services.record_sighting(campaign=campaign, code="GAM-000001", site=room, actor=technician)
    services.record_sighting(campaign=campaign, code="GAM-000002", site=room, actor=technician)
    services.record_sighting(campaign=campaign, code="GAM-000004", site=school, actor=technician)
    hall_campaign = services.start_campaign(name="Mairie 2026", site=hall, actor=technician)
    services.record_sighting(campaign=hall_campaign, code="GAM-000006", actor=technician)
    return campaign


def _tags(rows):
    return sorted(r.device.asset_tag if hasattr(r, "device") else r.asset_tag for r in rows)


def test_seen_in_place_includes_devices_found_in_a_room_of_their_registered_building(world):
    assert _tags(queries.seen_in_place(world)) == ["GAM-000001", "GAM-000002"]


def test_found_elsewhere_lists_devices_registered_elsewhere_and_devices_of_this_site_seen_elsewhere(world):
    assert _tags(queries.found_elsewhere(world)) == ["GAM-000004", "GAM-000006"]


def test_missing_lists_devices_expected_here_not_seen_and_not_gone(world):
    assert _tags(queries.missing(world)) == ["GAM-000003"]


def test_the_counts_match_the_lists(world):
    assert queries.report_counts(world) == {"seen": 2, "elsewhere": 2, "missing": 1}


def test_a_whole_fleet_campaign_expects_every_device(db, technician):
    site = SiteFactory()
    DeviceFactory(asset_tag="GAM-000010", site=site)
    DeviceFactory(asset_tag="GAM-000011", site=site)
    campaign = services.start_campaign(name="Parc", actor=technician)
    services.record_sighting(campaign=campaign, code="GAM-000010", site=site, actor=technician)
    assert _tags(queries.missing(campaign)) == ["GAM-000011"]
    assert _tags(queries.seen_in_place(campaign)) == ["GAM-000010"]


def test_the_report_lists_cost_a_constant_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        for rows in (queries.seen_in_place(world), queries.found_elsewhere(world), queries.missing(world)):
            for row in rows:
                str(getattr(row, "device", row).model)
