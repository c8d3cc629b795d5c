"""Donation to a member of staff (CG3P art. L. 3212-2, 5°; ceiling art. D. 3212-4; issue 9 item 3).

Hand-built case (category depreciated over 5 years = 1 826.25 days, basis TTC, VAT 20 %):
- laptop bought 900 € HT (1 080 € TTC), put in service 1 461 days ago:
  share = 1 − 1 461 / 1 826.25 = 0.2 → book value 216.00 € TTC;
- screen (no storage) bought 250 € HT (300 € TTC), put in service 1 095 days ago:
  share = 1 − 1 095 / 1 826.25 = 0.400411 → book value 120.12 € TTC;
  total 336.12 €. Each unit is within the 300 € ceiling; the total need not be.
A laptop put in service 365 days ago is worth 864.15 € TTC: above the ceiling, refused even with
a typed 10 € (valuation: a declared value never hides a book value above the ceiling).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from rest_framework.test import APIClient

from inventory import lifecycle
from inventory.models import Device, Event, Ownership, Status
from reuse import services
from reuse.models import StaffDonation, StaffDonationLine

from .conftest import erase, retired_device
from .test_legal_texts import SIGNATORY, flat, legal_settings, pages_of  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

PERSON = {"recipient_name": "Aurélie Fontaine", "recipient_department": "Direction de l'éducation",
          "recipient_employee_number": "A-10482", "recipient_email": "a.fontaine@val-delan.example"}


def device(*, price, days_in_service, storage=True, **kwargs):
    today = timezone.localdate()
    made = retired_device(storage=storage, price=Decimal(price), vat_rate=Decimal("0.200"),
                          purchase_date=today - dt.timedelta(days=days_in_service),
                          use_date=today - dt.timedelta(days=days_in_service), **kwargs)
    if storage:
        erase(made)
    return made


def old_laptop(**kwargs):
    return device(price="900.00", days_in_service=1461, **kwargs)


def screen():
    return device(price="250.00", days_in_service=1095, storage=False)


def donate(devices, **kwargs):
    return services.donate_to_staff(devices=devices, owner_signatory="maire", actor=None,
                                    operating_system="Linux Mint 22", licence_status="free", **{**PERSON, **kwargs})


def test_hand_built_case_gives_the_expected_values_and_donates_each_device():
    laptop, monitor = old_laptop(), screen()

    donation = donate([laptop, monitor])

    lines = {line.device.asset_tag: line for line in donation.lines.select_related("device")}
    assert lines[laptop.asset_tag].value_at_transfer == Decimal("216.00")
    assert lines[monitor.asset_tag].value_at_transfer == Decimal("120.12")
    assert {(line.value_source, line.value_basis) for line in lines.values()} == {("book", "TTC")}
    assert donation.total_value == Decimal("336.12")
    assert donation.number == f"CES-AG-{timezone.now():%Y}-{donation.pk:05d}"
    assert (donation.legal_item, donation.ceiling_article) == ("5°", "art. D. 3212-4")
    assert (donation.owner_signatory, donation.owner_signatory_role) == ("Hélène Roux", "Maire")
    assert donation.content_hash == donation.compute_hash()
    for made in (laptop, monitor):
        made.refresh_from_db()
        assert made.status == Status.DONATED
        event = Event.objects.get(device=made, to_status=Status.DONATED)
        assert event.kind == Event.Kind.DONATED and event.from_status == Status.RETIRED
        assert event.data["staff_donation_id"] == donation.pk


def test_a_declared_value_needs_its_justification_and_is_stored():
    laptop = old_laptop()
    with pytest.raises(ValidationError) as refused:
        donate([laptop], declared_values={laptop.asset_tag: {"value": "50"}})
    assert "value_justification" in refused.value.message_dict

    donation = donate([laptop], declared_values={laptop.asset_tag: {"value": "50",
                                                                    "justification": "Charnière cassée."}})
    line = donation.lines.get()
    assert (line.value_at_transfer, line.value_source, line.book_value) == (Decimal("50.00"), "declared",
                                                                           Decimal("216.00"))


def test_a_book_value_above_the_ceiling_is_refused_even_with_a_typed_value():
    recent = device(price="900.00", days_in_service=365)  # 864.15 € TTC

    with pytest.raises(ValidationError) as refused:
        donate([recent])
    assert "D. 3212-4" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        donate([recent], declared_values={recent.asset_tag: {"value": "10", "justification": "Cassé."}})
    assert not StaffDonation.objects.exists()
    recent.refresh_from_db()
    assert recent.status == Status.RETIRED


def test_a_leased_device_is_refused():
    leased = old_laptop(ownership=Ownership.LEASED, lessor="Loc'Info")

    with pytest.raises(lifecycle.TransitionRefused) as refused:
        donate([leased])
    assert refused.value.code == "not_owned"


def test_a_device_with_storage_is_refused_without_its_erasure():
    unerased = retired_device(price=Decimal("900.00"), vat_rate=Decimal("0.200"),
                              purchase_date=timezone.localdate() - dt.timedelta(days=1461))

    with pytest.raises(lifecycle.TransitionRefused) as refused:
        donate([unerased])
    assert refused.value.code == "erasure_required"


def test_only_a_retired_device_may_be_given():
    laptop = old_laptop()
    lifecycle.transition(laptop, Status.IN_STOCK)

    with pytest.raises(lifecycle.TransitionRefused) as refused:
        donate([laptop])
    assert refused.value.code == "not_retired"


def test_one_bad_device_and_nothing_is_written():
    good, bad = old_laptop(), device(price="900.00", days_in_service=365)
    events = Event.objects.count()

    with pytest.raises(ValidationError):
        donate([good, bad])

    assert not StaffDonation.objects.exists() and not StaffDonationLine.objects.exists()
    assert Event.objects.count() == events
    assert set(Device.objects.filter(pk__in=[good.pk, bad.pk]).values_list("status", flat=True)) == {Status.RETIRED}


def test_a_plain_status_change_cannot_reach_donated_from_retired():
    laptop = old_laptop()
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.transition(laptop, Status.DONATED, value=Decimal("10"))
    assert refused.value.code == "workflow_only"
    # Nor can the handover's workflow take a retired device (no claim).
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(laptop, Status.DONATED, value=Decimal("10"), workflow=lifecycle.Workflow.HANDOVER)


def test_nothing_is_issued_without_the_authoritys_identity(settings):
    laptop = old_laptop()
    settings.PROLONGE = {**settings.PROLONGE, "OWNER_SIRET": ""}
    with pytest.raises(ValidationError):
        donate([laptop])
    assert not StaffDonation.objects.exists()


def test_the_agreement_holds_what_domain_3_asks_for_a_person():
    laptop, monitor = old_laptop(), screen()
    donation = donate([laptop, monitor])

    pages = pages_of(donation.agreement.read())
    text = flat(" ".join(pages))

    assert "L. 3212-2, 5°" in text
    assert "art. D. 3212-4" in text
    assert "Aurélie Fontaine" in text and "Direction de l'éducation" in text and "A-10482" in text
    assert "la délibération n° 2025-041 du conseil municipal du 12 mai 2025" in text
    assert SIGNATORY["delegation"] in text and "Maire" in text
    assert "21389999900016" in text
    assert laptop.serial_number in text and "216,00 €" in text and "120,12 €" in text
    assert "Linux Mint 22" in text
    assert "usage personnel" in text and "DEEE" in text and "CNIL" in text
    with translation.override("fr"):
        day = formats.date_format(timezone.localdate(donation.handed_over_at), "DATE_FORMAT")
    assert f"Fait à Val-d'Élan, le {day}" in text
    assert f"page {len(pages)} / {len(pages)}" in flat(pages[-1])
    assert "Having regard" not in text and "Done at" not in text
    # The signatures stay on the page of the last article.
    last = flat(pages[-1] if "Signature" in flat(pages[-1]) else pages[-2])
    assert "Article 7" in last and "Signature" in last


# --- Pages, API, admin -------------------------------------------------------------------------


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def form_data(laptop, **extra):
    return {"devices": laptop.asset_tag, "owner_signatory": "maire", "licence_status": "free",
            "operating_system": "Linux Mint 22", **PERSON, **extra}


def test_the_page_asks_for_confirmation_before_issuing(buyer_client):
    laptop = old_laptop()
    page = buyer_client.get(reverse("reuse:staff-donation-create") + f"?device={laptop.asset_tag}")
    assert page.status_code == 200 and laptop.asset_tag in page.content.decode()

    preview = buyer_client.post(reverse("reuse:staff-donation-create"), form_data(laptop))
    assert preview.status_code == 200
    assert "216,00" in preview.content.decode() and 'name="confirm"' in preview.content.decode()
    assert not StaffDonation.objects.exists()

    issued = buyer_client.post(reverse("reuse:staff-donation-create"), form_data(laptop, confirm="1"))
    donation = StaffDonation.objects.get()
    assert issued.status_code == 302 and issued["Location"] == donation.get_absolute_url()
    assert buyer_client.get(donation.get_absolute_url()).status_code == 200
    assert donation.number in buyer_client.get(reverse("reuse:staff-donation-list")).content.decode()
    pdf = buyer_client.get(reverse("reuse:staff-donation-agreement", args=[donation.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_page_shows_a_refusal_and_writes_nothing(buyer_client):
    recent = device(price="900.00", days_in_service=365)
    response = buyer_client.post(reverse("reuse:staff-donation-create"), form_data(recent, confirm="1"))
    assert response.status_code == 200 and "D. 3212-4" in response.content.decode()
    assert not StaffDonation.objects.exists()


def test_the_device_page_offers_it_for_a_retired_owned_device(buyer_client, tech):
    laptop = old_laptop()
    link = reverse("reuse:staff-donation-create") + f"?device={laptop.asset_tag}"
    assert link in buyer_client.get(laptop.get_absolute_url()).content.decode()
    buyer_client.force_login(tech)  # technicians may read, not give
    assert link not in buyer_client.get(laptop.get_absolute_url()).content.decode()
    assert buyer_client.get(reverse("reuse:staff-donation-create")).status_code == 403


def test_api_previews_without_confirm_then_issues(buyer, tech):
    laptop = old_laptop()
    api = APIClient()
    api.force_authenticate(buyer)
    body = {"devices": [{"asset_tag": laptop.asset_tag}], "owner_signatory": "maire", **PERSON}

    preview = api.post("/api/staff-donations/", body, format="json")
    assert preview.status_code == 200, preview.content
    assert preview.json()["devices"][0]["value_at_transfer"] == "216.00"
    assert not StaffDonation.objects.exists()

    issued = api.post("/api/staff-donations/", {**body, "confirm": True}, format="json")
    assert issued.status_code == 201, issued.content
    data = issued.json()
    assert (data["legal_item"], data["ceiling_article"], data["total_value"]) == ("5°", "art. D. 3212-4", "216.00")
    assert api.get(data["agreement_url"]).status_code == 200
    assert api.get("/api/staff-donations/").json()["count"] == 1

    api.force_authenticate(tech)
    assert api.post("/api/staff-donations/", {**body, "confirm": True}, format="json").status_code == 403
    assert api.get(f"/api/staff-donations/{data['id']}/").status_code == 200


def test_api_refuses_a_book_value_above_the_ceiling(buyer):
    recent = device(price="900.00", days_in_service=365)
    api = APIClient()
    api.force_authenticate(buyer)
    response = api.post("/api/staff-donations/", {"devices": [{"asset_tag": recent.asset_tag, "value": "10",
                                                               "value_justification": "Cassé."}],
                                                  "owner_signatory": "maire", "confirm": True, **PERSON}, format="json")
    assert response.status_code == 400
    assert not StaffDonation.objects.exists()


def test_the_admin_is_read_only(rf, buyer):
    model_admin = admin.site._registry[StaffDonation]
    request = rf.get("/")
    request.user = buyer
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_an_association_member_never_reads_a_staff_agreement(client, member):
    donation = donate([old_laptop()])
    client.force_login(member)
    assert client.get(reverse("reuse:staff-donation-agreement", args=[donation.pk])).status_code == 403
    api = APIClient()
    api.force_authenticate(member)
    assert api.get(f"/api/staff-donations/{donation.pk}/agreement/").status_code == 403
    assert api.get("/api/staff-donations/").status_code == 403


def test_a_device_is_given_once():
    laptop = old_laptop()
    donate([laptop])
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        donate([laptop])
    assert refused.value.code == "not_retired"
    assert StaffDonation.objects.count() == 1
