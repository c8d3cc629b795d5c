"""``/d/<tag>``: the scan resolver and the mobile device page it shows."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from inventory import lifecycle, repairs, services
from inventory.models import Event, Flag, Status
from tests.factories import DeviceFactory

PAGE_WEIGHT_LIMIT = 50_000


def test_anonymous_visitors_log_in_then_come_back_to_the_device(client, device, technician):
    response = client.get("/d/GAM-000123")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/d/GAM-000123"
    response = client.post(response["Location"], {"username": "tech", "password": "pw", "next": "/d/GAM-000123"})
    assert response["Location"] == "/d/GAM-000123"
    assert client.get("/d/GAM-000123").status_code == 200


def test_a_known_tag_opens_the_mobile_device_page(tech_client, device):
    response = tech_client.get("/d/GAM-000123")
    assert response.status_code == 200
    page = response.content.decode()
    assert "GAM-000123" in page and "Secrétariat" in page and "École Anthoard" in page
    assert 'id="act-repair-open"' in page


def test_a_tag_typed_in_lower_case_goes_to_the_canonical_page(tech_client, device):
    response = tech_client.get("/d/gam-000123")
    assert response["Location"] == "/d/GAM-000123"


@override_settings(ROOT_URLCONF="tests.labels.urlconf_with_create")
def test_an_unknown_tag_gets_a_clear_404_page_that_offers_to_register_it(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/d/GAM-999999")
    assert response.status_code == 404
    page = response.content.decode()
    assert "GAM-999999" in page
    assert 'href="/devices/new/?asset_tag=GAM-999999"' in page


@override_settings(ROOT_URLCONF="tests.labels.urlconf_without_create")
def test_without_a_registration_page_the_unknown_tag_page_still_answers_clearly(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/d/GAM-999999")
    assert response.status_code == 404
    assert "GAM-999999" in response.content.decode()
    assert "/devices/new/" not in response.content.decode()


def test_the_register_link_is_not_offered_to_who_may_not_register(client, db):
    from config.roles import TECHNICIAN
    from tests.factories import UserFactory

    user = UserFactory(roles=[TECHNICIAN])
    user.groups.first().permissions.remove(*user.groups.first().permissions.filter(codename="add_device"))
    client.force_login(user)
    response = client.get("/d/GAM-999999")
    assert response.status_code == 404
    assert "asset_tag=" not in response.content.decode()


@pytest.mark.parametrize("path", ["/d/GAM%20000123", "/d/GAM-0001%3Cscript%3E", "/d/" + "A" * 40, "/d/GAM/0001",
                                  "/d/GAM%C3%89-1", "/d/%00"])
def test_a_tag_with_odd_characters_gets_a_clear_message_not_an_error(tech_client, device, path):
    response = tech_client.get(path)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_association_members_cannot_open_device_pages(client, association_user, device):
    client.force_login(association_user)
    assert client.get("/d/GAM-000123").status_code == 403


def _grow_history(device, technician):
    for n in range(12):
        services.add_note(device=device, text=f"note {n}", actor=technician)
    for _ in range(3):
        repairs.close_repair(repair=repairs.open_repair(device=device, symptom="x", actor=technician),
                             outcome="fixed", actor=technician)
    repairs.open_repair(device=device, symptom="encore", actor=technician)
    for rule in ("old", "warranty", "idle"):
        Flag.objects.create(device=device, rule=rule, message=rule)


def test_the_mobile_page_costs_the_same_queries_whatever_the_history(tech_client, device, technician,
                                                                     django_assert_num_queries):
    quiet = DeviceFactory(asset_tag="GAM-000124")
    tech_client.get("/d/GAM-000124")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        tech_client.get(f"/d/{quiet.asset_tag}")
    _grow_history(device, technician)
    with django_assert_num_queries(len(baseline.captured_queries)):
        response = tech_client.get("/d/GAM-000123")
    assert response.status_code == 200 and len(response.context["events"]) == 8


def test_the_resolver_costs_a_constant_number_of_queries_for_unknown_tags(tech_client, device,
                                                                          django_assert_max_num_queries):
    tech_client.get("/d/GAM-999998")
    with django_assert_max_num_queries(8):
        assert tech_client.get("/d/GAM-999999").status_code == 404


def _static_bytes(html):
    total = 0
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        total += Path(path).stat().st_size
    return total


def test_the_mobile_page_weighs_under_50_kb_with_its_css_and_js(tech_client, device, technician):
    _grow_history(device, technician)
    response = tech_client.get("/d/GAM-000123")
    html = response.content.decode()
    weight = len(response.content) + _static_bytes(html)
    assert "<img" not in html
    assert weight < PAGE_WEIGHT_LIMIT, weight


def test_the_mobile_page_shows_open_flags_and_warranty_status(tech_client, device):
    Flag.objects.create(device=device, rule="old", message="Plus de 7 ans")
    page = tech_client.get("/d/GAM-000123").content.decode()
    assert "Plus de 7 ans" in page


def test_the_mobile_page_offers_to_close_an_open_repair(tech_client, device, technician):
    repair = repairs.open_repair(device=device, symptom="x", actor=technician)
    page = tech_client.get("/d/GAM-000123").content.decode()
    assert reverse("repairs:repair-close", args=[repair.pk]) in page
    assert 'id="act-repair-open"' not in page


def test_the_mobile_page_offers_a_status_change_only_when_the_lifecycle_allows_one(tech_client, device):
    lifecycle.transition(device, Status.LOST)
    page = tech_client.get("/d/GAM-000123").content.decode()
    assert 'id="act-status"' not in page and 'id="act-repair-open"' not in page


def test_the_mobile_page_shows_the_latest_events_newest_first(tech_client, device, technician):
    services.add_note(device=device, text="la plus récente", actor=technician)
    events = tech_client.get("/d/GAM-000123").context["events"]
    assert events[0].note == "la plus récente"
    assert events[0].kind == Event.Kind.NOTE
