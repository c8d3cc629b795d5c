"""The register's REST API: same filters as the HTML list, writes through the services."""

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory import lifecycle
from inventory.models import Device, DeviceModel, Event, Site, Status
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    DeviceFactory,
    DeviceModelFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DEVICES = "/api/devices/"


def device_url(tag, suffix=""):
    return f"{DEVICES}{tag}/{suffix}"


@pytest.fixture
def api(technician):
    client = APIClient()
    client.force_login(technician)
    return client


def refusal_message(device, to):
    """The lifecycle's own message, in French, for comparison with what the API answers."""
    with translation.override("fr"):
        try:
            lifecycle.check_transition(device, to)
        except lifecycle.TransitionRefused as refusal:
            return refusal.message
    raise AssertionError("expected a refusal")


def fleet(count, **fields):
    """``count`` devices spread over a few models, sites and departments, inserted in bulk."""
    models = [DeviceModelFactory(category=CategoryFactory(slug=slug)) for slug in ("laptop", "desktop", "monitor")]
    sites = [SiteFactory() for _ in range(3)]
    departments = [DepartmentFactory() for _ in range(3)]
    Device.objects.bulk_create(
        Device(
            asset_tag=f"BULK-{n:05d}",
            serial_number=f"BK{n:06d}",
            model=models[n % 3],
            manufacturer=models[n % 3].manufacturer,
            site=sites[n % 3],
            department=departments[n % 3],
            purchase_date=dt.date(2020, 1, 1),
            purchase_price=Decimal("800"),
            **fields,
        )
        for n in range(count)
    )


# --- Reading ---------------------------------------------------------------------------------


def test_device_list_shows_the_fields_of_the_issue_and_derived_values(api):
    device = DeviceFactory(purchase_date=dt.date(2020, 1, 1))
    row = api.get(DEVICES).json()["results"][0]
    assert row["asset_tag"] == device.asset_tag
    assert row["category"] == "laptop"
    assert row["model"] == device.model_id
    assert row["model_name"] == str(device.model)
    assert row["status"] == "in_stock"
    assert row["site"] == device.site_id
    assert row["department"] == device.department_id
    assert row["purchase_date"] == "2020-01-01"
    assert row["purchase_price"] == "1000.00"
    assert row["acquired_as"] == "new"
    assert row["warranty_end"] == "2024-01-01"
    assert row["age_years"] > 4
    assert Decimal(row["book_value"]) >= 0
    assert row["embodied_kgco2e"] == "181.00"


def test_device_list_filters_by_status_like_the_html_list(api):
    DeviceFactory(asset_tag="GAM-1")
    in_service = DeviceFactory(asset_tag="GAM-2")
    Device.objects.filter(pk=in_service.pk).update(status=Status.IN_SERVICE)
    tags = [row["asset_tag"] for row in api.get(DEVICES, {"status": "in_service"}).json()["results"]]
    assert tags == ["GAM-2"]


def test_device_list_filters_by_category_slug(api):
    DeviceFactory(asset_tag="GAM-1")
    DeviceFactory(asset_tag="GAM-2", model=DeviceModelFactory(category=CategoryFactory(slug="monitor")))
    rows = api.get(DEVICES, {"category": "monitor"}).json()["results"]
    assert [r["asset_tag"] for r in rows] == ["GAM-2"]


def test_device_list_filters_by_free_text_on_serial_number(api):
    DeviceFactory(asset_tag="GAM-1", serial_number="ABC123")
    DeviceFactory(asset_tag="GAM-2")
    assert [r["asset_tag"] for r in api.get(DEVICES, {"q": "abc1"}).json()["results"]] == ["GAM-1"]


def test_device_list_filters_by_site_including_sub_sites(api):
    commune = SiteFactory(name="Échirolles")
    building = Site.objects.create(name="Mairie", kind=Site.Kind.BUILDING, parent=commune)
    DeviceFactory(asset_tag="GAM-1", site=building)
    DeviceFactory(asset_tag="GAM-2")
    rows = api.get(DEVICES, {"site": commune.pk}).json()["results"]
    assert [r["asset_tag"] for r in rows] == ["GAM-1"]


def test_device_list_sorts_with_the_ordering_parameter(api):
    DeviceFactory(asset_tag="GAM-1")
    DeviceFactory(asset_tag="GAM-2")
    rows = api.get(DEVICES, {"ordering": "-asset_tag"}).json()["results"]
    assert [r["asset_tag"] for r in rows] == ["GAM-2", "GAM-1"]


def test_device_list_page_size_goes_up_to_500(api):
    fleet(510)
    body = api.get(DEVICES, {"page_size": 1000}).json()
    assert body["count"] == 510
    assert len(body["results"]) == 500


@pytest.mark.parametrize("page_size", [25, 500])
def test_device_list_costs_the_same_queries_whatever_the_page_size(api, page_size, django_assert_max_num_queries):
    fleet(500)
    with django_assert_max_num_queries(8) as small:
        assert api.get(DEVICES, {"page_size": 25}).status_code == 200
    with django_assert_max_num_queries(len(small)):
        response = api.get(DEVICES, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_device_detail_is_found_by_asset_tag_whatever_the_case(api):
    DeviceFactory(asset_tag="GAM-000123")
    response = api.get(device_url("gam-000123"))
    assert response.status_code == 200
    assert response.json()["asset_tag"] == "GAM-000123"


def test_device_detail_ignores_list_filters(api):
    DeviceFactory(asset_tag="GAM-1")
    assert api.get(device_url("GAM-1"), {"status": "lost"}).status_code == 200


def test_events_are_the_journal_oldest_first(api, technician):
    device = DeviceFactory()
    Event.objects.create(device=device, kind=Event.Kind.NOTE, note="second", at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    Event.objects.create(
        device=device, kind=Event.Kind.NOTE, note="first", actor=technician, at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    rows = api.get(device_url(device.asset_tag, "events/")).json()["results"]
    assert [r["note"] for r in rows] == ["first", "second"]
    assert rows[0]["actor"] == "tech"


def test_events_cost_the_same_queries_whatever_the_journal_length(api, technician, django_assert_max_num_queries):
    short, long = DeviceFactory(), DeviceFactory()
    Event.objects.create(device=short, kind=Event.Kind.NOTE, actor=technician, note="only one")
    Event.objects.bulk_create(
        Event(device=long, kind=Event.Kind.NOTE, actor=technician, note=str(n)) for n in range(200)
    )
    with django_assert_max_num_queries(8) as small:
        api.get(device_url(short.asset_tag, "events/"))
    with django_assert_max_num_queries(len(small)):
        response = api.get(device_url(long.asset_tag, "events/"), {"page_size": 500})
    assert len(response.json()["results"]) == 200


def test_reference_lists_are_readable(api):
    model = DeviceModelFactory(category=CategoryFactory(slug="monitor"))
    DeviceModelFactory()
    site = SiteFactory()
    department = DepartmentFactory()
    assert api.get("/api/categories/monitor/").json()["slug"] == "monitor"
    assert [r["id"] for r in api.get("/api/models/", {"category": "monitor"}).json()["results"]] == [model.pk]
    assert api.get("/api/sites/", {"kind": "commune"}).json()["results"][0]["id"] == site.pk
    assert api.get("/api/departments/").json()["results"][0]["code"] == department.code


def test_reference_lists_are_read_only(api):
    assert api.post("/api/departments/", {"code": "X", "name": "X"}).status_code == 405


# --- Writing ---------------------------------------------------------------------------------


def test_create_registers_the_device_in_stock_and_journals_it(api):
    model = DeviceModelFactory()
    response = api.post(
        DEVICES,
        {
            "asset_tag": " gam-000777 ",
            "serial_number": "S1",
            "model": model.pk,
            "purchase_date": "2023-05-01",
            "purchase_price": "650.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    device = Device.objects.get(asset_tag="GAM-000777")
    assert device.status == Status.IN_STOCK
    assert device.events.get().kind == Event.Kind.CREATED
    assert response.json()["book_value"] is not None


def test_create_ignores_a_status_sent_by_the_client(api):
    api.post(DEVICES, {"asset_tag": "GAM-9", "model": DeviceModelFactory().pk, "status": "donated"}, format="json")
    assert Device.objects.get(asset_tag="GAM-9").status == Status.IN_STOCK


def test_create_with_a_tag_that_exists_in_another_case_is_a_400(api):
    DeviceFactory(asset_tag="GAM-1")
    response = api.post(DEVICES, {"asset_tag": "gam-1", "model": DeviceModelFactory().pk}, format="json")
    assert response.status_code == 400
    assert "asset_tag" in response.json()


def test_create_with_an_unknown_model_is_a_400_on_that_field(api):
    response = api.post(DEVICES, {"asset_tag": "GAM-1", "model": 999999}, format="json")
    assert response.status_code == 400
    assert "model" in response.json()


def test_create_with_a_malformed_date_is_a_400_on_that_field(api):
    response = api.post(
        DEVICES, {"asset_tag": "GAM-1", "model": DeviceModelFactory().pk, "purchase_date": "31/12/2023"}, format="json"
    )
    assert response.status_code == 400
    assert "purchase_date" in response.json()


def test_create_with_a_negative_price_is_a_400(api):
    response = api.post(
        DEVICES, {"asset_tag": "GAM-1", "model": DeviceModelFactory().pk, "purchase_price": "-1"}, format="json"
    )
    assert response.status_code == 400
    assert "purchase_price" in response.json()


def test_create_with_a_serial_already_known_for_the_manufacturer_is_a_400(api):
    existing = DeviceFactory(serial_number="DUP1")
    response = api.post(
        DEVICES, {"asset_tag": "GAM-NEW", "model": existing.model_id, "serial_number": "DUP1"}, format="json"
    )
    assert response.status_code == 400
    assert "serial_number" in response.json()
    assert Device.objects.filter(asset_tag="GAM-NEW").count() == 0


def test_update_to_a_serial_already_known_for_the_manufacturer_is_a_400(api):
    existing = DeviceFactory(serial_number="DUP1")
    other = DeviceFactory(model=existing.model)
    response = api.patch(device_url(other.asset_tag), {"serial_number": "DUP1"}, format="json")
    assert response.status_code == 400
    assert "serial_number" in response.json()


def test_update_keeping_its_own_serial_is_accepted(api):
    device = DeviceFactory(serial_number="MINE")
    response = api.patch(device_url(device.asset_tag), {"serial_number": "MINE", "assignee": "Accueil"}, format="json")
    assert response.status_code == 200


def test_update_changes_facts_through_the_service_and_journals_them(api):
    device = DeviceFactory()
    site = SiteFactory()
    response = api.patch(device_url(device.asset_tag), {"site": site.pk}, format="json")
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.site == site
    assert device.events.get().kind == Event.Kind.MOVED


def test_update_cannot_change_the_status_or_the_tag(api):
    device = DeviceFactory(asset_tag="GAM-1")
    response = api.patch(device_url("GAM-1"), {"status": "lost", "asset_tag": "GAM-2"}, format="json")
    assert response.status_code == 200
    device.refresh_from_db()
    assert (device.status, device.asset_tag) == (Status.IN_STOCK, "GAM-1")


def test_update_with_a_malformed_date_is_a_400(api):
    device = DeviceFactory()
    response = api.patch(device_url(device.asset_tag), {"warranty_end": "soon"}, format="json")
    assert response.status_code == 400
    assert "warranty_end" in response.json()


def test_update_of_an_unknown_tag_is_a_404(api):
    assert api.patch(device_url("NOPE-1"), {"notes": "x"}, format="json").status_code == 404


# --- Transitions -----------------------------------------------------------------------------


def test_transition_changes_the_status_and_returns_the_device(api):
    device = DeviceFactory()
    response = api.post(
        device_url(device.asset_tag, "transition/"), {"to": "in_service", "note": "Poste de l'accueil"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_service"
    event = device.events.get()
    assert (event.from_status, event.to_status, event.note) == ("in_stock", "in_service", "Poste de l'accueil")


def test_refused_transition_is_a_400_with_the_french_message_and_changes_nothing(api):
    device = DeviceFactory()
    response = api.post(
        device_url(device.asset_tag, "transition/"), {"to": "donated"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": refusal_message(device, "donated"), "code": "not_allowed"}
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK
    assert not device.events.exists()


def test_transition_from_a_status_the_client_did_not_see_is_a_409(api):
    device = DeviceFactory()
    response = api.post(
        device_url(device.asset_tag, "transition/"), {"to": "retired", "expected_status": "in_service"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert not device.events.exists()


def test_transition_to_an_unknown_status_is_a_400_on_the_field(api):
    device = DeviceFactory()
    response = api.post(device_url(device.asset_tag, "transition/"), {"to": "auctioned"}, format="json")
    assert response.status_code == 400
    assert "to" in response.json()


def test_transition_of_an_unknown_tag_is_a_404(api):
    assert api.post(device_url("NOPE-1", "transition/"), {"to": "retired"}, format="json").status_code == 404


def test_transition_without_the_permission_is_a_403(db):
    device = DeviceFactory()
    reader = UserFactory(username="reader", roles=["technician"])
    reader.groups.first().permissions.remove(*reader.groups.first().permissions.filter(codename="transition_device"))
    client = APIClient()
    client.force_login(reader)
    response = client.post(device_url(device.asset_tag, "transition/"), {"to": "retired"}, format="json")
    assert response.status_code == 403
    assert not device.events.exists()


# --- Bad input on the list -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "auctioned"}, "status"),
        ({"warranty_before": "2024-13-45"}, "warranty_before"),
        ({"age_min": "old"}, "age_min"),
        ({"model": "999999"}, "model"),
        ({"category": "spaceship"}, "category"),
    ],
)
def test_device_list_with_bad_filter_values_is_a_400_with_field_errors(api, query, field):
    response = api.get(DEVICES, query)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_asset_tag_is_a_404(api):
    assert api.get(device_url("NOPE-1")).status_code == 404


# --- Authentication and roles ----------------------------------------------------------------


def test_association_members_cannot_transition(association_user):
    device = DeviceFactory()
    client = APIClient()
    client.force_login(association_user)
    assert client.post(device_url(device.asset_tag, "transition/"), {"to": "retired"}, format="json").status_code == 403
    assert not device.events.exists()


def test_a_token_authenticates(technician):
    token = Token.objects.create(user=technician)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(DEVICES).status_code == 200


def test_procurement_can_register_a_device(procurement):
    client = APIClient()
    client.force_login(procurement)
    response = client.post(DEVICES, {"asset_tag": "GAM-5", "model": DeviceModelFactory().pk}, format="json")
    assert response.status_code == 201


# --- Schema and docs -------------------------------------------------------------------------


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert "/api/devices/{asset_tag}/transition/" in schema["paths"]


def test_the_api_docs_page_renders(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_the_schema_is_served(api):
    assert api.get("/api/schema/").status_code == 200


def test_unused_models_do_not_leak_into_the_device_model_list(api):
    assert DeviceModel.objects.count() == 0
    assert api.get("/api/models/").json()["count"] == 0
