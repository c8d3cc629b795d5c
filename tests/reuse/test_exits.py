"""Exit routes (issue 9 §1): each route's record, its guards, and every entry point.

They live with the reuse tests because the erasure guard is reuse's (an ``Erasure`` is reuse data).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from inventory import lifecycle
from inventory.exits import found_again, record_exit
from inventory.models import Device, Event, Exit, Status
from tests.factories import CategoryFactory, DeviceModelFactory

from .conftest import erase, retired_device

pytestmark = pytest.mark.django_db

ROUTE_FACTS = {
    "sold": {"counterparty": "M. Martin", "price": Decimal("45.00"), "platform": "Agorastore",
             "decision": "Décision n° 2026-118 du 3 mars 2026"},
    "transferred": {"counterparty": "CCAS de Grenoble", "counterparty_siret": "26380030200014",
                    "decision": "Délibération n° 2026-12"},
    "taken_back": {"counterparty": "Ecosystem", "counterparty_siret": "83300397000015", "reuse_commitment": True},
    "returned": {"counterparty": "LocaPC", "contract_reference": "LOC-2021-7"},
    "stolen": {"police_report": "PV 2026/00042", "personal_data": True},
    "destroyed": {"reason": "Disque contenant des données de santé"},
}


def _ready(route, actor=None):
    kwargs = {"ownership": "leased", "lessor": "LocaPC"} if route == "returned" else {}
    device = retired_device(**kwargs)
    erase(device, actor)
    return device


@pytest.mark.parametrize("route", list(ROUTE_FACTS))
def test_each_route_writes_its_record_its_status_and_one_journal_line(route, tech):
    device = _ready(route, tech)

    record = record_exit(device=device, route=route, actor=tech, **ROUTE_FACTS[route])

    device.refresh_from_db()
    assert device.status == route
    assert record.route == route and record.created_by == tech
    event = Event.objects.get(device=device, kind=Event.Kind.EXITED)
    assert (event.to_status, event.data["exit_id"]) == (route, record.pk)


@pytest.mark.parametrize("route", list(ROUTE_FACTS))
def test_a_route_without_its_required_facts_is_refused_and_writes_nothing(route, tech):
    device = _ready(route, tech)

    with pytest.raises(ValidationError):
        record_exit(device=device, route=route, actor=tech)

    assert not Exit.objects.exists()
    assert Device.objects.get(pk=device.pk).status == Status.RETIRED


@pytest.mark.parametrize("route", ["sold", "transferred", "taken_back", "destroyed"])
def test_an_mfp_whose_model_has_a_disk_cannot_leave_without_erasure(route, tech):
    printers = CategoryFactory(slug="printer", carries_storage=False)
    device = retired_device(model=DeviceModelFactory(category=printers, carries_storage=True))

    with translation.override("fr"), pytest.raises(lifecycle.TransitionRefused) as refusal:
        record_exit(device=device, route=route, actor=tech, **ROUTE_FACTS[route])

    assert refusal.value.code == "erasure_required"
    assert not Exit.objects.exists()
    erase(device, tech)
    record_exit(device=device, route=route, actor=tech, **ROUTE_FACTS[route])
    assert Device.objects.get(pk=device.pk).status == route


def test_a_model_may_say_it_holds_no_storage_even_if_its_category_does(tech):
    laptops = CategoryFactory(slug="laptop", carries_storage=True)
    device = retired_device(model=DeviceModelFactory(category=laptops, carries_storage=False))

    record_exit(device=device, route="sold", actor=tech, **ROUTE_FACTS["sold"])


def test_return_to_the_lessor_needs_an_erasure_unless_the_contract_terms_are_confirmed(tech):
    device = retired_device(ownership="rented", lessor="LocaPC")
    with pytest.raises(lifecycle.TransitionRefused):
        record_exit(device=device, route="returned", actor=tech, **ROUTE_FACTS["returned"])

    record_exit(device=device, route="returned", actor=tech, contract_terms_confirmed=True, **ROUTE_FACTS["returned"])

    assert Device.objects.get(pk=device.pk).status == Status.RETURNED


def test_a_theft_needs_no_erasure_and_a_found_device_returns_to_stock(tech):
    device = retired_device()
    record = record_exit(device=device, route="stolen", actor=tech, **ROUTE_FACTS["stolen"])

    found_again(device=device, actor=tech)

    device.refresh_from_db()
    record.refresh_from_db()
    assert device.status == Status.IN_STOCK
    assert record.found_at is not None
    assert Event.objects.filter(device=device, kind=Event.Kind.FOUND, to_status=Status.IN_STOCK).exists()


def test_a_lost_device_found_again_goes_back_to_stock_only_through_found_again(tech):
    device = retired_device()
    lifecycle.transition(device, Status.LOST)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(device, Status.IN_STOCK)

    found_again(device=device, actor=tech)

    assert Device.objects.get(pk=device.pk).status == Status.IN_STOCK


@pytest.mark.parametrize("route", ["sold", "transferred", "taken_back"])
def test_a_leased_device_is_never_sold_transferred_or_taken_back(route, tech):
    device = retired_device(ownership="leased", lessor="LocaPC")
    erase(device, tech)

    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        record_exit(device=device, route=route, actor=tech, **ROUTE_FACTS[route])

    assert refusal.value.code == "not_owned"


def test_a_leased_device_cannot_be_offered(buyer):
    from reuse import services

    device = retired_device(ownership="leased", lessor="LocaPC")
    erase(device, buyer)

    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        services.create_offer(devices=[device], grade="B", actor=buyer)

    assert refusal.value.code == "not_owned"


def test_the_transfer_siret_must_have_14_digits(tech):
    device = _ready("transferred", tech)
    with pytest.raises(ValidationError) as error:
        record_exit(device=device, route="transferred", actor=tech,
                    **{**ROUTE_FACTS["transferred"], "counterparty_siret": "1234"})
    assert "counterparty_siret" in error.value.error_dict


# --- entry points -------------------------------------------------------------------------------

def test_the_device_page_leads_to_the_routes_and_the_form_needs_the_confirmation(client, tech):
    device = _ready("sold", tech)
    client.force_login(tech)

    page = client.get(f"/devices/{device.asset_tag}/")
    assert f"/devices/{device.asset_tag}/exit/" in page.content.decode()
    choose = client.get(f"/devices/{device.asset_tag}/exit/")
    assert f"/devices/{device.asset_tag}/exit/sold/" in choose.content.decode()
    facts = {**ROUTE_FACTS["sold"], "exited_on": "2026-03-10", "expected": "retired"}
    unconfirmed = client.post(f"/devices/{device.asset_tag}/exit/sold/", facts)
    assert unconfirmed.status_code == 200 and not Exit.objects.exists()

    done = client.post(f"/devices/{device.asset_tag}/exit/sold/", {**facts, "confirm": "on"})

    assert done.status_code == 302
    assert Device.objects.get(pk=device.pk).status == Status.SOLD
    assert Exit.objects.get().exited_on == dt.date(2026, 3, 10)


def test_the_device_page_shows_a_guard_refusal_on_the_form(client, tech):
    device = retired_device()  # storage, no erasure
    client.force_login(tech)
    facts = {**ROUTE_FACTS["sold"], "exited_on": "2026-03-10", "expected": "retired", "confirm": "on"}
    with translation.override("fr"):
        response = client.post(f"/devices/{device.asset_tag}/exit/sold/", facts, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "effacement" in response.content.decode()
    assert Device.objects.get(pk=device.pk).status == Status.RETIRED


def test_the_api_records_an_exit_and_a_found_device(tech):
    api = APIClient()
    api.force_authenticate(tech)
    device = _ready("stolen", tech)

    created = api.post("/api/exits/", {"device": device.asset_tag, "route": "stolen", **ROUTE_FACTS["stolen"]},
                       format="json")
    assert created.status_code == 201, created.json()
    assert Device.objects.get(pk=device.pk).status == Status.STOLEN
    found = api.post("/api/exits/found/", {"device": device.asset_tag}, format="json")
    assert found.status_code == 200
    assert found.json()[0]["found_at"]
    assert Device.objects.get(pk=device.pk).status == Status.IN_STOCK


def test_the_api_refuses_an_exit_without_erasure_with_a_400(tech):
    api = APIClient()
    api.force_authenticate(tech)
    device = retired_device()
    response = api.post("/api/exits/", {"device": device.asset_tag, "route": "sold",
                                        **{k: str(v) for k, v in ROUTE_FACTS["sold"].items()}}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "erasure_required"
    assert not Exit.objects.exists()


@pytest.mark.parametrize("target", ["sold", "available", "reserved", "donated", "in_repair", "destroyed"])
def test_the_plain_api_transition_refuses_a_workflow_status(tech, target):
    api = APIClient()
    api.force_authenticate(tech)
    device = retired_device(storage=False)
    response = api.post(f"/api/devices/{device.asset_tag}/transition/", {"to": target}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] in ("workflow_only", "not_allowed")
    assert Device.objects.get(pk=device.pk).status == Status.RETIRED


def test_the_admin_adds_an_exit_through_the_service(client, admin_user):
    device = _ready("destroyed", admin_user)
    client.force_login(admin_user)
    response = client.post("/admin/inventory/exit/add/", {
        "device": device.pk, "route": "destroyed", "exited_on": "2026-03-10", "reason": "Sécurité",
        "counterparty": "", "counterparty_siret": "", "platform": "", "decision": "", "contract_reference": "",
        "police_report": "", "note": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Device.objects.get(pk=device.pk).status == Status.DESTROYED
    assert Event.objects.filter(device=device, kind=Event.Kind.EXITED).count() == 1


def test_the_admin_shows_a_guard_refusal_and_writes_nothing(client, admin_user):
    device = retired_device()
    client.force_login(admin_user)
    response = client.post("/admin/inventory/exit/add/", {
        "device": device.pk, "route": "destroyed", "exited_on": "2026-03-10", "reason": "Sécurité",
    })
    assert response.status_code == 200
    assert not Exit.objects.exists()
    assert Device.objects.get(pk=device.pk).status == Status.RETIRED
