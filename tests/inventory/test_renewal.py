from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inventory.models import Device, Event, Status
from inventory.renewal import plan_renewal, renewal_plan, unplan_renewal
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory

pytestmark = pytest.mark.django_db
NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def fleet():
    laptop = CategoryFactory(slug="laptop", name="Portable", embodied_kgco2e=None)
    printer = CategoryFactory(slug="printer", name="Imprimante", embodied_kgco2e=None)
    laptops = [DeviceFactory(model=DeviceModelFactory(category=laptop, reference_price=Decimal("900")))
               for _ in range(3)]
    printers = [DeviceFactory(model=DeviceModelFactory(category=printer, name=f"LaserJet {n}", reference_price=None))
                for n in range(2)]
    retired = DeviceFactory(model=DeviceModelFactory(category=laptop), status=Status.RETIRED)
    return {"laptops": laptops, "printers": printers, "retired": retired}


def test_planning_sets_year_and_price_on_devices_still_in_use_and_journals_each(fleet, procurement):
    selection = Device.objects.filter(model__category__slug="laptop")

    planned = plan_renewal(devices=selection, year=NEXT_YEAR, price=Decimal("950"), actor=procurement)

    assert planned == 3
    assert set(selection.filter(planned_renewal_year=NEXT_YEAR).values_list("pk", flat=True)) == {
        d.pk for d in fleet["laptops"]
    }
    assert set(selection.filter(replacement_price=Decimal("950")).values_list("pk", flat=True)) == {
        d.pk for d in fleet["laptops"]
    }
    events = Event.objects.filter(kind=Event.Kind.PLANNED)
    assert events.count() == 3
    assert all(e.actor == procurement and e.data["year"] == NEXT_YEAR for e in events)
    fleet["retired"].refresh_from_db()
    assert fleet["retired"].planned_renewal_year is None


def test_planning_the_same_devices_again_journals_nothing_new(fleet, procurement):
    selection = Device.objects.filter(model__category__slug="laptop")
    plan_renewal(devices=selection, year=NEXT_YEAR, price=Decimal("950"), actor=procurement)

    again = plan_renewal(devices=selection, year=NEXT_YEAR, price=Decimal("950"), actor=procurement)

    assert again == 0
    assert Event.objects.filter(kind=Event.Kind.PLANNED).count() == 3


def test_a_past_budget_year_is_refused(fleet, procurement):
    with pytest.raises(ValidationError):
        plan_renewal(devices=Device.objects.all(), year=2000, actor=procurement)
    assert not Device.objects.filter(planned_renewal_year__isnull=False).exists()


def test_unplanning_takes_devices_off_the_plan_and_journals_it(fleet, procurement):
    plan_renewal(devices=Device.objects.all(), year=NEXT_YEAR, actor=procurement)

    removed = unplan_renewal(devices=Device.objects.filter(model__category__slug="printer"), actor=procurement)

    assert removed == 2
    assert Device.objects.filter(planned_renewal_year__isnull=False).count() == 3
    assert Event.objects.filter(kind=Event.Kind.PLANNED, data__year=None).count() == 2


def test_the_plan_is_aggregated_by_year_and_category_with_euros_and_footprint(fleet, procurement):
    plan_renewal(devices=Device.objects.filter(pk=fleet["laptops"][0].pk), year=NEXT_YEAR,
                 price=Decimal("1000"), actor=procurement)
    plan_renewal(devices=Device.objects.filter(pk__in=[d.pk for d in fleet["laptops"][1:]]),
                 year=NEXT_YEAR, actor=procurement)
    plan_renewal(devices=Device.objects.filter(model__category__slug="printer"), year=NEXT_YEAR + 1,
                 actor=procurement)

    plan = renewal_plan()

    laptops = plan["rows"][0]
    assert (laptops["planned_renewal_year"], laptops["model__category__slug"]) == (NEXT_YEAR, "laptop")
    # 1000 € planned + 2 × 900 € reference price; 3 × 181 kg (ADEME laptop factor).
    assert (laptops["devices"], laptops["budget"], laptops["kgco2e"]) == (3, Decimal("2800"), Decimal("543"))
    printers = plan["years"][NEXT_YEAR + 1]
    assert (printers["devices"], printers["unpriced"], printers["unknown_footprint"]) == (2, 2, 2)
    assert plan["total"]["devices"] == 5
    assert plan["total"]["budget"] == Decimal("2800")


# --- pages ------------------------------------------------------------------------------------


def test_the_plan_page_shows_the_devices_of_the_device_list_query(client, fleet, procurement):
    client.force_login(procurement)

    response = client.get(reverse("review:renewal-plan"), {"q": "Latitude"})

    assert response.status_code == 200
    assert response.context["matching"] == 4
    assert response.context["plannable"] == 3
    assert 'name="query" value="q=Latitude"' in response.content.decode()


def test_posting_the_plan_form_plans_exactly_the_filtered_devices(client, fleet, procurement):
    client.force_login(procurement)

    response = client.post(reverse("review:renewal-plan"), {
        "query": "q=LaserJet", "year": NEXT_YEAR, "price": "300", "action": "plan",
    })

    assert response.status_code == 302
    assert set(Device.objects.filter(planned_renewal_year=NEXT_YEAR).values_list("pk", flat=True)) == {
        d.pk for d in fleet["printers"]
    }


def test_technicians_cannot_plan_replacements(client, fleet, technician):
    client.force_login(technician)

    response = client.post(reverse("review:renewal-plan"), {"query": "", "year": NEXT_YEAR, "action": "plan"})

    assert response.status_code == 403
    assert not Device.objects.filter(planned_renewal_year__isnull=False).exists()


def test_the_renewal_page_lists_the_plan_in_a_constant_number_of_queries(
    client, fleet, procurement, django_assert_max_num_queries
):
    plan_renewal(devices=Device.objects.all(), year=NEXT_YEAR, actor=procurement)
    client.force_login(procurement)
    client.get(reverse("review:renewal"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("review:renewal"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Portable" in page and "Imprimante" in page
    assert f"?renewal_year={NEXT_YEAR}&amp;category=laptop" in page


def test_the_device_list_offers_procurement_to_plan_the_filtered_devices(client, fleet, procurement):
    client.force_login(procurement)

    response = client.get(reverse("inventory:device-list"), {"q": "LaserJet"})

    page = response.content.decode()
    assert f'{reverse("review:renewal-plan")}?q=LaserJet' in page
    assert "these 2 devices" in page or "ces 2 appareils" in page


def test_the_device_list_does_not_offer_planning_to_technicians(client, fleet, technician):
    client.force_login(technician)

    response = client.get(reverse("inventory:device-list"))

    assert reverse("review:renewal-plan") not in response.content.decode()

