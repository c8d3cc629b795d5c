"""Repair pages: list with filters, the open/close forms, the section of the device page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory import lifecycle, repairs
from inventory.models import Event, Repair, Site, Status
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory, SiteFactory


@pytest.fixture
def device(db):
    device = DeviceFactory(asset_tag="GAM-000200")
    lifecycle.transition(device, Status.IN_SERVICE)
    return device


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician)
    return client


def _open(device, user, **extra):
    return repairs.open_repair(device=device, symptom="Écran noir", fault_category="display", actor=user, **extra)


def test_the_open_form_opens_a_repair_and_lands_on_the_next_page_with_a_confirmation(tech_client, device):
    response = tech_client.post(reverse("repairs:repair-open", args=["gam-000200"]), {
        "symptom": "Écran noir", "fault_category": "display", "expected": "in_service", "next": "/d/GAM-000200",
    }, follow=True)
    assert response.redirect_chain[0][0] == "/d/GAM-000200"
    assert Repair.objects.get().fault_category == "display"
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_the_open_form_ignores_a_next_url_to_another_site(tech_client, device):
    response = tech_client.post(reverse("repairs:repair-open", args=["GAM-000200"]), {
        "symptom": "x", "fault_category": "other", "expected": "in_service", "next": "https://evil.example/",
    })
    assert response["Location"] == device.get_absolute_url()


def test_the_open_form_shows_the_lifecycle_refusal_and_writes_nothing(tech_client, device):
    lifecycle.transition(device, Status.RETIRED)
    response = tech_client.post(reverse("repairs:repair-open", args=["GAM-000200"]), {
        "symptom": "x", "fault_category": "other", "expected": "retired"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Repair.objects.exists()


def test_the_close_form_closes_the_repair_and_the_device_goes_back_in_service(tech_client, device, technician):
    repair = _open(device, technician)
    response = tech_client.post(reverse("repairs:repair-close", args=[repair.pk]), {
        "outcome": "fixed", "action": "Nappe reconnectée", "cost": "0", "labour_minutes": "20"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE


def test_closing_a_closed_repair_again_shows_a_clear_message_and_changes_nothing(tech_client, device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="fixed", actor=technician)
    events = Event.objects.count()
    response = tech_client.post(reverse("repairs:repair-close", args=[repair.pk]),
                                {"outcome": "end_of_life", "barrier": "too_old", "action": "tested",
                                 "confirmed": "1"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "GAM-000200" in messages[0]
    repair.refresh_from_db()
    assert repair.outcome == "fixed" and Event.objects.count() == events


def test_the_close_form_of_a_closed_repair_is_not_shown(tech_client, device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="fixed", actor=technician)
    response = tech_client.get(reverse("repairs:repair-close", args=[repair.pk]))
    assert response["Location"] == reverse("repairs:repair-detail", args=[repair.pk])


def test_the_close_form_shows_bad_data_next_to_the_field(tech_client, device, technician):
    repair = _open(device, technician)
    response = tech_client.post(reverse("repairs:repair-close", args=[repair.pk]),
                                {"outcome": "fixed", "barrier": "too_old"})
    assert response.status_code == 200
    assert response.context["form"].errors["barrier"]
    repair.refresh_from_db()
    assert repair.is_open


def test_association_members_cannot_see_repairs(client, association_user, device):
    client.force_login(association_user)
    assert client.get(reverse("repairs:repair-list")).status_code == 403


def test_procurement_can_list_repairs(client, procurement, device, technician):
    _open(device, technician)
    client.force_login(procurement)
    response = client.get(reverse("repairs:repair-list"))
    assert response.status_code == 200
    assert "GAM-000200" in response.content.decode()


def test_the_device_page_shows_the_repair_history_and_the_open_repair(tech_client, device, technician):
    first = repairs.close_repair(repair=_open(device, technician), outcome="fixed", actor=technician)
    repair = _open(device, technician)
    page = tech_client.get(device.get_absolute_url()).content.decode()
    assert 'id="h-repairs"' in page
    assert reverse("repairs:repair-close", args=[repair.pk]) in page
    for shown in (first, repair):
        assert f'href="{reverse("repairs:repair-detail", args=[shown.pk])}"' in page


def test_the_device_page_offers_to_open_a_repair_when_none_is_open(tech_client, device):
    page = tech_client.get(device.get_absolute_url()).content.decode()
    assert reverse("repairs:repair-open", args=["GAM-000200"]) in page


def test_the_repair_list_costs_a_constant_number_of_queries(tech_client, technician, django_assert_max_num_queries):
    for _ in range(3):
        _open(DeviceFactory(), technician)
    tech_client.get(reverse("repairs:repair-list"))
    with django_assert_max_num_queries(8) as few:
        tech_client.get(reverse("repairs:repair-list"))
    for _ in range(20):
        _open(DeviceFactory(), technician)
    with django_assert_max_num_queries(len(few.captured_queries)):
        tech_client.get(reverse("repairs:repair-list"))


# --- the list's filters (same FilterSet as the API) -------------------------------------------


@pytest.fixture
def fleet(db, technician):
    commune = SiteFactory(name="Échirolles")
    school = Site.objects.create(name="École Jean Moulin", kind="building", parent=commune)
    other = SiteFactory(name="Meylan")
    printer_model = DeviceModelFactory(category=CategoryFactory(slug="printer"))
    a = DeviceFactory(asset_tag="GAM-000301", site=school)
    b = DeviceFactory(asset_tag="GAM-000302", site=other)
    c = DeviceFactory(asset_tag="GAM-000303", site=other, model=printer_model)
    old = repairs.open_repair(device=a, symptom="batterie", fault_category="power", actor=technician)
    Repair.objects.filter(pk=old.pk).update(opened_at=timezone.make_aware(dt.datetime(2024, 3, 1, 10)))
    repairs.close_repair(repair=old, outcome="fixed", actor=technician)
    repairs.open_repair(device=b, symptom="écran", fault_category="display", actor=technician)
    closed = repairs.open_repair(device=c, symptom="bourrage", fault_category="printing", actor=technician)
    repairs.close_repair(repair=closed, outcome="end_of_life", actor=technician)
    return {"commune": commune, "other": other}


def _tags(response):
    return sorted(r.device.asset_tag for r in response.context["page"])


@pytest.mark.parametrize(("query", "expected"), [
    ("state=open", ["GAM-000302"]),
    ("state=closed", ["GAM-000301", "GAM-000303"]),
    ("fault_category=power&fault_category=display", ["GAM-000301", "GAM-000302"]),
    ("outcome=end_of_life", ["GAM-000303"]),
    ("category=printer", ["GAM-000303"]),
    ("opened_before=2024-12-31", ["GAM-000301"]),
    ("device=gam-000302", ["GAM-000302"]),
])
def test_the_repair_list_filters(tech_client, fleet, query, expected):
    assert _tags(tech_client.get(f"{reverse('repairs:repair-list')}?{query}")) == expected


def test_the_repair_list_filters_by_site_including_sub_sites(tech_client, fleet):
    response = tech_client.get(reverse("repairs:repair-list"), {"site": fleet["commune"].pk})
    assert _tags(response) == ["GAM-000301"]


def test_the_repair_list_filters_by_date_range(tech_client, fleet):
    today = timezone.localdate().isoformat()
    response = tech_client.get(reverse("repairs:repair-list"), {"opened_after": today, "opened_before": today})
    assert _tags(response) == ["GAM-000302", "GAM-000303"]
