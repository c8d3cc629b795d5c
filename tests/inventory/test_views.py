"""HTML pages of the register: list, CSV export, device page, create/edit forms, transitions."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation

from inventory import lifecycle
from inventory.models import Device, Event, Status
from tests.factories import CategoryFactory, DepartmentFactory, DeviceFactory, DeviceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db

LIST = "/devices/"


@pytest.fixture
def client(client, technician):
    client.force_login(technician)
    return client


def fleet(count):
    """``count`` devices over a few models, sites and departments, inserted in bulk."""
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
        )
        for n in range(count)
    )


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def refusal_message(device, to):
    with translation.override("fr"):
        try:
            lifecycle.check_transition(device, to)
        except lifecycle.TransitionRefused as refusal:
            return refusal.message
    raise AssertionError("expected a refusal")


# --- List and export -------------------------------------------------------------------------


def test_device_list_shows_the_devices(client):
    DeviceFactory(asset_tag="GAM-000042")
    assert b"GAM-000042" in client.get(LIST).content


def test_device_list_filters_by_status(client):
    DeviceFactory(asset_tag="GAM-1")
    other = DeviceFactory(asset_tag="GAM-2")
    Device.objects.filter(pk=other.pk).update(status=Status.RETIRED)
    page = client.get(LIST, {"status": "retired"}).context["page"]
    assert [d.asset_tag for d in page] == ["GAM-2"]


def test_device_list_with_an_unknown_status_shows_the_error_instead_of_failing(client):
    response = client.get(LIST, {"status": "auctioned", "warranty_before": "tomorrow"})
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"status", "warranty_before"}


@pytest.mark.parametrize("page_size", [25, 500])
def test_device_list_costs_the_same_queries_whatever_the_page_size(client, page_size, django_assert_max_num_queries):
    fleet(500)
    with django_assert_max_num_queries(12) as small:
        client.get(LIST, {"page_size": 25})
    with django_assert_max_num_queries(len(small)):
        response = client.get(LIST, {"page_size": page_size})
    assert len(response.context["page"]) == page_size


def test_device_list_offers_registration_to_those_who_may_register(client):
    assert b"/devices/new/" in client.get(LIST).content


def test_csv_export_contains_only_the_filtered_devices(client):
    DeviceFactory(asset_tag="GAM-1")
    kept = DeviceFactory(asset_tag="GAM-2", serial_number="KEEP-ME")
    Device.objects.filter(pk=kept.pk).update(status=Status.IN_SERVICE)
    response = client.get("/devices/export.csv", {"status": "in_service", "dialect": "machine"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))[:-1]
    assert response["Content-Type"].startswith("text/csv")
    assert [(r["asset_tag"], r["serial_number"], r["status"]) for r in rows] == [("GAM-2", "KEEP-ME", "in_service")]
    assert rows[0]["category"] == "laptop"
    assert rows[0]["book_value"] != ""


# --- Device page -----------------------------------------------------------------------------


def test_device_page_is_found_whatever_the_case_of_the_tag(client):
    DeviceFactory(asset_tag="GAM-000042")
    assert client.get("/devices/gam-000042/").status_code == 200


def test_device_page_of_an_unknown_tag_is_a_404(client):
    assert client.get("/devices/NOPE-1/").status_code == 404


def test_device_page_costs_the_same_queries_whatever_the_journal_length(
    client, technician, django_assert_max_num_queries
):
    short, long = DeviceFactory(), DeviceFactory()
    Event.objects.create(device=short, kind=Event.Kind.NOTE, actor=technician, note="one")
    Event.objects.bulk_create(
        Event(device=long, kind=Event.Kind.NOTE, actor=technician, note=str(n)) for n in range(200)
    )
    with django_assert_max_num_queries(15) as small:
        client.get(short.get_absolute_url())
    with django_assert_max_num_queries(len(small)):
        response = client.get(long.get_absolute_url())
    assert len(response.context["events"]) == 50  # latest first, 50 per page


def test_device_page_journal_is_paged_latest_first(client, technician):
    device = DeviceFactory()
    Event.objects.bulk_create(
        Event(device=device, kind=Event.Kind.NOTE, actor=technician, note=f"n{n}") for n in range(120)
    )
    notes = [e.note for e in Event.objects.filter(device=device).order_by("-at", "-id")]
    first = client.get(device.get_absolute_url())
    assert [e.note for e in first.context["events"]] == notes[:50]
    assert b'?journal=2#h-journal' in first.content
    last = client.get(device.get_absolute_url(), {"journal": 3}).context["events"]
    assert [e.note for e in last] == notes[100:]


def test_device_page_links_to_the_edit_form(client):
    device = DeviceFactory()
    assert f"/devices/{device.asset_tag}/edit/".encode() in client.get(device.get_absolute_url()).content


# --- Registration ----------------------------------------------------------------------------


def test_create_form_is_prefilled_with_the_asset_tag_of_the_query(client):
    response = client.get("/devices/new/", {"asset_tag": "gam-000999"})
    assert response.context["form"].initial["asset_tag"] == "GAM-000999"
    assert b'value="GAM-000999"' in response.content


def test_create_registers_the_device_in_stock_and_journals_it(client, technician):
    model = DeviceModelFactory()
    response = client.post(
        "/devices/new/",
        {"asset_tag": "gam-000777", "model": model.pk, "acquired_as": "refurbished", "purchase_date": "2024-03-01"},
        follow=True,
    )
    device = Device.objects.get(asset_tag="GAM-000777")
    assert response.redirect_chain[-1][0] == device.get_absolute_url()
    assert device.status == Status.IN_STOCK
    event = device.events.get()
    assert (event.kind, event.actor) == (Event.Kind.CREATED, technician)


def test_create_with_a_tag_already_used_in_another_case_shows_the_error(client):
    DeviceFactory(asset_tag="GAM-1")
    response = client.post("/devices/new/", {"asset_tag": "gam-1", "model": DeviceModelFactory().pk})
    assert response.status_code == 200
    assert "asset_tag" in response.context["form"].errors
    assert Device.objects.count() == 1


def test_create_with_a_serial_already_known_for_the_manufacturer_shows_the_error(client):
    existing = DeviceFactory(serial_number="DUP1")
    response = client.post(
        "/devices/new/",
        {"asset_tag": "GAM-NEW", "model": existing.model_id, "serial_number": "DUP1", "acquired_as": "new"},
    )
    assert response.status_code == 200
    assert "serial_number" in response.context["form"].errors
    assert not Device.objects.filter(asset_tag="GAM-NEW").exists()


def test_create_with_a_malformed_date_shows_the_error(client):
    response = client.post(
        "/devices/new/", {"asset_tag": "GAM-9", "model": DeviceModelFactory().pk, "purchase_date": "31/31/2024"}
    )
    assert "purchase_date" in response.context["form"].errors
    assert not Device.objects.exists()


def test_create_is_refused_to_association_members(client, association_user):
    client.force_login(association_user)
    assert client.get("/devices/new/").status_code == 403


# --- Edition ---------------------------------------------------------------------------------


def edit_data(device, **changes):
    data = {
        "serial_number": device.serial_number,
        "model": device.model_id,
        "site": device.site_id or "",
        "department": device.department_id or "",
        "purchase_date": device.purchase_date or "",
        "purchase_price": device.purchase_price or "",
        "acquired_as": device.acquired_as,
        "warranty_end": device.warranty_end or "",
    }
    data.update(changes)
    return data


def test_edit_changes_facts_through_the_service_and_journals_them(client):
    device = DeviceFactory()
    site = SiteFactory()
    client.post(f"/devices/{device.asset_tag}/edit/", edit_data(device, site=site.pk, note="Déménagement"))
    device.refresh_from_db()
    assert device.site == site
    event = device.events.get()
    assert (event.kind, event.note) == (Event.Kind.MOVED, "Déménagement")


def test_edit_cannot_change_the_status_or_the_tag(client):
    device = DeviceFactory(asset_tag="GAM-1")
    client.post("/devices/GAM-1/edit/", edit_data(device, status="lost", asset_tag="GAM-2", assignee="Accueil"))
    device.refresh_from_db()
    assert (device.asset_tag, device.status, device.assignee) == ("GAM-1", Status.IN_STOCK, "Accueil")


def test_edit_without_changes_writes_nothing_to_the_journal(client):
    device = DeviceFactory()
    response = client.post(f"/devices/{device.asset_tag}/edit/", edit_data(device), follow=True)
    assert response.status_code == 200
    assert not device.events.exists()


def test_edit_is_refused_to_association_members(client, association_user):
    device = DeviceFactory()
    client.force_login(association_user)
    assert client.post(f"/devices/{device.asset_tag}/edit/", edit_data(device, assignee="x")).status_code == 403
    assert not device.events.exists()


# --- Transitions -----------------------------------------------------------------------------


def test_transition_button_changes_the_status(client):
    device = DeviceFactory()
    response = client.post(
        f"/devices/{device.asset_tag}/transition/", {"to": "in_service", "expected": "in_stock"}, follow=True
    )
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE
    assert response.status_code == 200


def test_refused_transition_shows_the_french_message_and_changes_nothing(client):
    device = DeviceFactory()
    response = client.post(
        f"/devices/{device.asset_tag}/transition/", {"to": "donated", "expected": "in_stock"}, follow=True
    )
    assert shown_messages(response) == [refusal_message(device, "donated")]
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK
    assert Event.objects.count() == 0


def test_the_refusal_message_is_in_french(client):
    device = DeviceFactory(asset_tag="GAM-1")
    response = client.post("/devices/GAM-1/transition/", {"to": "donated", "expected": "in_stock"}, follow=True)
    assert "GAM-1" in shown_messages(response)[0]
    assert "Allowed from here" not in shown_messages(response)[0]
    assert device.events.count() == 0


def test_transition_from_a_status_the_user_did_not_see_changes_nothing(client):
    device = DeviceFactory()
    response = client.post(
        f"/devices/{device.asset_tag}/transition/", {"to": "retired", "expected": "in_service", "confirmed": "1"},
        follow=True,
    )
    assert len(shown_messages(response)) == 1
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK
    assert Event.objects.count() == 0
