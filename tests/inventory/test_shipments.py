"""WEEE shipments: the only way to ``recycled``, atomic dispatch, register CSV, API, pages, REEN tonnes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from inventory import lifecycle
from inventory.models import Event, Shipment, ShipmentItem, Status
from inventory.shipments import services
from reports import annual, sources
from tests.factories import CategoryFactory, DeviceModelFactory
from tests.reuse.conftest import erase, make_member, retired_device

pytestmark = pytest.mark.django_db

REGISTER = {
    "shipped_on": dt.date(2025, 10, 14), "slip_number": "BSD-2025-0042", "channel": "ecosystem",
    "channel_siren": "833111111", "operator": "Envie 2E Isère", "operator_siret": "41234567800012",
    "operator_registration": "Agrément PR 38-2019-04", "transporter": "Transports Alpins",
    "transporter_siren": "512345678", "destination": "ZI des Iles, 38120 Le Fontanil", "treatment_code": "R4",
}


def draft(actor=None, **fields):
    return services.create_shipment(actor=actor, **{**REGISTER, **fields})


def erased(device):
    erase(device)
    return device


def screen():
    """A retired monitor: no storage, so no erasure needed."""
    model = DeviceModelFactory(category=CategoryFactory(slug="monitor", carries_storage=False, weee_category="2"))
    return retired_device(storage=False, model=model)


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


# --- the lifecycle ------------------------------------------------------------------------------------


def test_recycled_is_refused_as_a_plain_transition(french):
    device = screen()
    events = Event.objects.filter(device=device).count()

    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.RECYCLED)

    assert refusal.value.code == "workflow_only"
    assert "expédition DEEE" in refusal.value.message
    device.refresh_from_db()
    assert device.status == Status.RETIRED
    assert Event.objects.filter(device=device).count() == events
    assert Status.RECYCLED not in lifecycle.available_transitions(device, _staff())


def test_recycled_is_refused_by_the_generic_api_transition(technician):
    api = APIClient()
    api.force_login(technician)
    device = screen()

    response = api.post(f"/api/devices/{device.asset_tag}/transition/", {"to": "recycled"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "workflow_only"
    device.refresh_from_db()
    assert device.status == Status.RETIRED


def _staff():
    from config.roles import TECHNICIAN
    from tests.factories import UserFactory

    return UserFactory(roles=[TECHNICIAN])


def test_dispatch_recycles_every_device_with_one_exit_event_each(technician):
    devices = [erased(retired_device()), screen(), erased(retired_device())]
    shipment = draft(technician)
    added, refusals = services.add_devices(shipment, [d.asset_tag.lower() for d in devices])
    assert (len(added), refusals) == (3, [])
    services.set_weights(shipment, {"2": Decimal("12.5"), "6": Decimal("7.5")})

    services.dispatch(shipment, actor=technician, confirm=True)

    shipment.refresh_from_db()
    assert shipment.state == Shipment.State.DISPATCHED and shipment.dispatched_by == technician
    for device in devices:
        device.refresh_from_db()
        assert device.status == Status.RECYCLED
        events = Event.objects.filter(device=device, to_status=Status.RECYCLED)
        assert events.count() == 1
        event = events.get()
        assert event.kind == Event.Kind.EXITED and event.from_status == Status.RETIRED
        assert event.data == {"shipment_id": shipment.pk, "route": "recycled"}


def test_one_device_failing_the_erasure_guard_leaves_nothing_changed(technician, french):
    ok, not_erased = erased(retired_device()), retired_device()
    shipment = draft(technician)
    services.add_devices(shipment, [ok.asset_tag, not_erased.asset_tag])
    services.set_weights(shipment, {"6": Decimal("4")})
    events = Event.objects.count()

    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        services.dispatch(shipment, actor=technician, confirm=True)

    assert refusal.value.code == "erasure_required"
    for device in (ok, not_erased):
        device.refresh_from_db()
        assert device.status == Status.RETIRED
    assert Event.objects.count() == events
    shipment.refresh_from_db()
    assert shipment.state == Shipment.State.DRAFT and shipment.dispatched_at is None


def test_dispatch_needs_confirmation_devices_and_weights(technician):
    shipment = draft(technician)
    with pytest.raises(ValidationError):
        services.dispatch(shipment, confirm=False)
    with pytest.raises(ValidationError, match="appareil|device"):
        services.dispatch(shipment, confirm=True)
    services.add_devices(shipment, [screen().asset_tag])
    with pytest.raises(ValidationError, match="kg|kilo"):
        services.dispatch(shipment, confirm=True)


def test_adding_devices_refuses_unknown_in_service_and_already_shipped(technician, french):
    in_service = retired_device(storage=False)
    lifecycle.transition(in_service, Status.IN_STOCK)
    first, second = draft(), draft(slip_number="BSD-2")
    shipped = screen()
    services.add_devices(first, [shipped.asset_tag])

    added, refusals = services.add_devices(second, ["NOPE-1", in_service.asset_tag, shipped.asset_tag])

    assert added == []
    assert len(refusals) == 3
    assert ShipmentItem.objects.filter(shipment=second).count() == 0


def test_a_dispatched_shipment_no_longer_changes(technician):
    shipment = draft()
    services.add_devices(shipment, [screen().asset_tag])
    services.set_weights(shipment, {"2": 5})
    services.dispatch(shipment, confirm=True)
    with pytest.raises(ValidationError):
        services.add_devices(shipment, [screen().asset_tag])
    with pytest.raises(ValidationError):
        services.set_weights(shipment, {"2": 9})


def test_a_leased_device_is_not_recycled(french):
    device = screen()
    type(device).objects.filter(pk=device.pk).update(ownership="leased", lessor="Loc'IT")

    added, refusals = services.add_devices(draft(), [device.asset_tag])

    assert added == [] and "loueur" in refusals[0]


def test_the_certificate_of_treatment_follows_the_dispatch(client, technician, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    shipment = draft()
    with pytest.raises(ValidationError):
        services.record_certificate(shipment, received_on=dt.date(2025, 11, 3))
    services.add_devices(shipment, [screen().asset_tag])
    services.set_weights(shipment, {"2": 5})
    services.dispatch(shipment, confirm=True)
    client.force_login(technician)

    client.post(reverse("shipments:shipment-certificate", args=[shipment.pk]), {
        "certificate_received_on": "2025-11-03",
        "certificate": SimpleUploadedFile("certificat.pdf", b"%PDF-1.4", content_type="application/pdf"),
    })

    shipment.refresh_from_db()
    assert shipment.certificate_received_on == dt.date(2025, 11, 3) and shipment.certificate.name
    text = b"".join(client.get(reverse("shipments:register-csv"), {"year": 2025, "dialect": "machine"})
                    .streaming_content).decode()
    assert text.splitlines()[1].endswith(",2025-11-03")
    assert client.get(reverse("shipments:shipment-certificate-file", args=[shipment.pk])).status_code == 200
    client.force_login(make_member())
    assert client.get(reverse("shipments:shipment-certificate-file", args=[shipment.pk])).status_code == 403


def test_create_checks_the_register_identifiers():
    with pytest.raises(ValidationError) as error:
        draft(operator_siret="123", channel_siren="12")
    assert set(error.value.error_dict) == {"operator_siret", "channel_siren"}


# --- the register CSV ---------------------------------------------------------------------------------


def _dispatched(when, weights, devices=1, **fields):
    shipment = draft(shipped_on=when, **fields)
    services.add_devices(shipment, [screen().asset_tag for _ in range(devices)])
    services.set_weights(shipment, weights)
    services.dispatch(shipment, confirm=True)
    return shipment


def test_register_csv_holds_one_line_per_dispatched_shipment_of_the_year(client, technician):
    _dispatched(dt.date(2025, 10, 14), {"2": Decimal("84.5"), "6": Decimal("120")}, devices=2)
    _dispatched(dt.date(2024, 12, 31), {"6": Decimal("10")}, slip_number="OLD")  # another year
    services.add_devices(draft(shipped_on=dt.date(2025, 11, 2), slip_number="DRAFT"), [screen().asset_tag])
    client.force_login(technician)

    response = client.get(reverse("shipments:register-csv"), {"year": 2025, "dialect": "machine"})

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].split(",")[:4] == ["shipped_on", "waste_name", "waste_code", "tonnes"]
    assert lines[1:] == [
        "2025-10-14,Déchets d'équipements électriques et électroniques (DEEE) informatiques,16 02 14,0.2045,"
        "BSD-2025-0042,Transports Alpins,512345678,ecosystem,833111111,Envie 2E Isère,41234567800012,"
        "Agrément PR 38-2019-04,\"ZI des Iles, 38120 Le Fontanil\",R4,2° 84.5 ; 6° 120.0,2,",
        "#end,1",
    ]


def test_register_csv_spreadsheet_dialect_and_bad_year(client, technician):
    _dispatched(dt.date(2025, 3, 1), {"6": Decimal("1500")})
    client.force_login(technician)
    text = b"".join(client.get(reverse("shipments:register-csv"), {"year": 2025}).streaming_content).decode()
    assert text.startswith("\ufeff")
    assert ";1,5000;" in text  # tonnes with a decimal comma
    assert ";6° 1500,0;" in text
    assert client.get(reverse("shipments:register-csv"), {"year": "20x5"}).status_code == 400


# --- the API ------------------------------------------------------------------------------------------


def test_api_creates_adds_weighs_and_dispatches(technician):
    api = APIClient()
    api.force_login(technician)
    devices = [screen(), erased(retired_device())]

    created = api.post("/api/shipments/", {k: str(v) for k, v in REGISTER.items()}, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/shipments/{created.json()['id']}/"
    added = api.post(url + "add_devices/", {"asset_tags": [d.asset_tag for d in devices] + ["NOPE"]}, format="json")
    assert added.status_code == 200
    assert len(added.json()["devices"]) == 2 and len(added.json()["refusals"]) == 1
    assert api.post(url + "weights/", {"weights": {"2": "9.5", "6": "3"}}, format="json").status_code == 200

    refused = api.post(url + "dispatch/", {"confirm": False}, format="json")
    assert refused.status_code == 400
    done = api.post(url + "dispatch/", {"confirm": True}, format="json")

    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "dispatched"
    for device in devices:
        device.refresh_from_db()
        assert device.status == Status.RECYCLED
    assert api.get("/api/shipments/").json()["results"][0]["id"] == created.json()["id"]


def test_api_dispatch_refused_by_a_guard_is_a_400_and_changes_nothing(technician):
    api = APIClient()
    api.force_login(technician)
    shipment = draft()
    device = retired_device()  # storage, not erased
    services.add_devices(shipment, [device.asset_tag])
    services.set_weights(shipment, {"6": 2})

    response = api.post(f"/api/shipments/{shipment.pk}/dispatch/", {"confirm": True}, format="json")

    assert response.status_code == 400
    device.refresh_from_db()
    assert device.status == Status.RETIRED


def test_the_admin_only_reads_shipments(client):
    from tests.factories import UserFactory

    shipment = draft()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:inventory_shipment_changelist")).status_code == 200
    assert client.get(reverse("admin:inventory_shipment_change", args=[shipment.pk])).status_code == 200
    assert client.get(reverse("admin:inventory_shipment_add")).status_code == 403
    assert client.post(reverse("admin:inventory_shipment_delete", args=[shipment.pk])).status_code == 403


def test_api_is_closed_to_association_members():
    api = APIClient()
    api.force_login(make_member())
    assert api.get("/api/shipments/").status_code == 403
    assert api.post("/api/shipments/", {}, format="json").status_code == 403


# --- the pages ----------------------------------------------------------------------------------------


def test_pages_answer_staff_and_refuse_members(client, technician):
    shipment = draft()
    member = make_member()
    for name, args in (("shipment-list", []), ("shipment-create", []), ("shipment-detail", [shipment.pk]),
                       ("shipment-dispatch", [shipment.pk])):
        client.force_login(technician)
        assert client.get(reverse(f"shipments:{name}", args=args)).status_code == 200, name
        client.force_login(member)
        assert client.get(reverse(f"shipments:{name}", args=args)).status_code == 403, name


def test_the_pages_walk_a_shipment_to_dispatch(client, technician, french):
    client.force_login(technician)
    device = screen()
    response = client.post(reverse("shipments:shipment-create"), {**REGISTER, "waste_name": "DEEE",
                                                                 "waste_code": "16 02 14", "note": ""})
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    client.post(reverse("shipments:shipment-add-devices", args=[shipment.pk]), {"asset_tags": device.asset_tag})
    client.post(reverse("shipments:shipment-weights", args=[shipment.pk]), {"kg_2": "6.5"})

    unconfirmed = client.post(reverse("shipments:shipment-dispatch", args=[shipment.pk]), {})
    assert unconfirmed.status_code == 200
    device.refresh_from_db()
    assert device.status == Status.RETIRED

    client.post(reverse("shipments:shipment-dispatch", args=[shipment.pk]), {"confirm": "on"})
    device.refresh_from_db()
    assert device.status == Status.RECYCLED
    page = client.get(reverse("shipments:shipment-detail", args=[shipment.pk])).content.decode()
    assert "Expédiée" in page and device.asset_tag in page
    device_page = client.get(device.get_absolute_url()).content.decode()
    assert shipment.get_absolute_url() in device_page and "Dans l'expédition DEEE BSD-2025-0042" in device_page


# --- the REEN annual report ---------------------------------------------------------------------------


def test_annual_report_reads_recycled_tonnes_from_the_shipments_of_the_year():
    _dispatched(dt.date(2025, 1, 1), {"2": Decimal("300"), "6": Decimal("450.5")})
    _dispatched(dt.date(2025, 12, 31), {"4": Decimal("1249.5")})
    _dispatched(dt.date(2026, 1, 1), {"6": Decimal("999")})  # next year
    services.set_weights(draft(shipped_on=dt.date(2025, 6, 1)), {"6": Decimal("500")})  # never dispatched

    report = annual.build(year=2025, owner=sources.current_owner())

    assert report["exits"]["recycled_tonnes"] == Decimal("2")  # 300 + 450.5 + 1249.5 kg
    line = next(row for row in annual.rows(report) if row[1] in ("Recycled", "Recyclé"))
    assert line[2] == "2,0"


def test_the_list_page_and_the_api_cost_the_same_queries_whatever_the_shipments(
    client, technician, django_assert_max_num_queries
):
    client.force_login(technician)
    api = APIClient()
    api.force_login(technician)
    _dispatched(dt.date(2025, 3, 1), {"6": 3})
    with django_assert_max_num_queries(20) as page_small:
        client.get(reverse("shipments:shipment-list"))
    with django_assert_max_num_queries(20) as api_small:
        api.get("/api/shipments/")
    for n in range(4):
        _dispatched(dt.date(2025, 4, 1 + n), {"2": 5, "6": 3}, devices=2, slip_number=f"S-{n}")
    with django_assert_max_num_queries(len(page_small)):
        assert client.get(reverse("shipments:shipment-list")).status_code == 200
    with django_assert_max_num_queries(len(api_small)):
        assert len(api.get("/api/shipments/").json()["results"]) == 5
