"""``/api/repairs/``: the same filters as the list page, opening and closing through the services."""

import pytest
from rest_framework.test import APIClient

from inventory import lifecycle, repairs
from inventory.models import Event, Repair, Status
from tests.factories import DeviceFactory


@pytest.fixture
def api(technician):
    client = APIClient()
    client.force_authenticate(technician)
    return client


@pytest.fixture
def device(db):
    device = DeviceFactory(asset_tag="GAM-000400")
    lifecycle.transition(device, Status.IN_SERVICE)
    return device


def test_a_technician_opens_a_repair_through_the_api(api, device):
    response = api.post("/api/repairs/", {"device": "gam-000400", "symptom": "Ventilateur bruyant",
                                          "fault_category": "overheating"}, format="json")
    assert response.status_code == 201
    assert response.json()["device"] == "GAM-000400" and response.json()["is_open"] is True
    device.refresh_from_db()
    assert device.status == Status.IN_REPAIR


def test_a_technician_closes_a_repair_through_the_api(api, device, technician):
    repair = repairs.open_repair(device=device, symptom="x", actor=technician)
    response = api.post(f"/api/repairs/{repair.pk}/close/", {"outcome": "fixed", "cost": "12.50",
                                                             "labour_minutes": 15}, format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == "fixed" and response.json()["cost"] == "12.50"
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE


def test_closing_twice_through_the_api_is_a_400_with_a_message_and_changes_nothing(api, device, technician):
    repair = repairs.open_repair(device=device, symptom="x", actor=technician)
    repairs.close_repair(repair=repair, outcome="fixed", actor=technician)
    events = Event.objects.count()
    response = api.post(f"/api/repairs/{repair.pk}/close/", {"outcome": "end_of_life"}, format="json")
    assert response.status_code == 400
    assert "GAM-000400" in str(response.json())
    assert Event.objects.count() == events
    assert Repair.objects.get().outcome == "fixed"


def test_opening_a_repair_of_a_retired_device_is_refused_with_the_lifecycle_message(api, device):
    lifecycle.transition(device, Status.RETIRED)
    response = api.post("/api/repairs/", {"device": "GAM-000400", "symptom": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_allowed"
    assert not Repair.objects.exists()


def test_a_stale_expected_status_is_a_409(api, device):
    response = api.post("/api/repairs/", {"device": "GAM-000400", "symptom": "x", "expected_status": "in_stock"},
                        format="json")
    assert response.status_code == 409


def test_an_unknown_device_is_a_400(api, db):
    response = api.post("/api/repairs/", {"device": "NOPE-1", "symptom": "x"}, format="json")
    assert response.status_code == 400
    assert "device" in response.json()


def test_the_api_filters_like_the_list_page(api, device, technician):
    other = DeviceFactory()
    repairs.close_repair(repair=repairs.open_repair(device=other, symptom="x", fault_category="power",
                                                    actor=technician), outcome="fixed", actor=technician)
    repairs.open_repair(device=device, symptom="y", fault_category="display", actor=technician)
    assert [r["device"] for r in api.get("/api/repairs/?state=open").json()["results"]] == ["GAM-000400"]
    assert [r["device"] for r in api.get("/api/repairs/?outcome=fixed").json()["results"]] == [other.asset_tag]
    assert api.get("/api/repairs/?fault_category=power&fault_category=display").json()["count"] == 2


def test_association_members_get_a_403(db, association_user):
    client = APIClient()
    client.force_authenticate(association_user)
    assert client.get("/api/repairs/").status_code == 403


def test_anonymous_callers_get_a_401_or_403(db):
    assert APIClient().get("/api/repairs/").status_code in (401, 403)


def test_procurement_may_read_repairs(db, procurement, device):
    client = APIClient()
    client.force_authenticate(procurement)
    assert client.get("/api/repairs/").status_code == 200


def test_a_repair_can_be_opened_with_a_form_encoded_request(api, device):
    response = api.post("/api/repairs/", {"device": " gam-000400 ", "symptom": "x"})
    assert response.status_code == 201
