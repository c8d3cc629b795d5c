"""The value at transfer cannot hide a book value above the legal ceiling, whatever the entry
point: the service, the HTML form, the API, the admin, and the lifecycle guard behind a row
written around the service (DOMAIN.md §3, issue 9 item 4).

Hand-built case: a laptop bought 900 € HT with 20 % VAT (1 080 € TTC), depreciated over the
category's 5 years (5 × 365.25 = 1 826.25 days), put in service 365 days ago:
  book value TTC = 1 080 × (1 − 365 / 1 826.25) = 864.15 €;  HT = 900 × (same share) = 720.12 €.
Both are above the 300 € ceiling: a typed 10 € must be refused everywhere.

The "old" laptop was bought 1 826 days ago but put in service 1 461 days ago (4 years):
  by use_date:  share = 1 − 1 461 / 1 826.25 = 0.2  → 216.00 € TTC, 180.00 € HT;
  by purchase:  share = 0.25 / 1 826.25            → 0.15 € TTC (what the purchase date would give).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from inventory import lifecycle
from inventory.models import Device, Status
from reuse import services
from reuse.models import ClaimLine, Offer, OfferItem
from reuse.queries import association_of
from reuse.valuation import book_value, value_at_transfer

from .conftest import erase, offered, retired_device

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Écran fissuré, batterie hors d'usage : cote constatée 10 €."


def laptop(*, days_in_service=365, purchased_days_ago=None):
    today = timezone.localdate()
    device = retired_device(
        price=Decimal("900.00"),
        purchase_date=today - dt.timedelta(days=purchased_days_ago or days_in_service),
        use_date=today - dt.timedelta(days=days_in_service),
        vat_rate=Decimal("0.200"),
    )
    erase(device)
    return device


def old_laptop():
    return laptop(days_in_service=1461, purchased_days_ago=1826)


# --- The rule -------------------------------------------------------------------------------


def test_book_value_is_ttc_by_default_and_ht_as_an_option(settings):
    device = laptop()
    assert book_value(device) == Decimal("864.15")
    settings.PROLONGE = {**settings.PROLONGE, "DONATION_VALUE_BASIS": "HT"}
    assert book_value(device) == Decimal("720.12")


def test_depreciation_starts_when_the_device_was_put_in_service():
    device = old_laptop()
    assert book_value(device) == Decimal("216.00")
    assert book_value(device, "HT") == Decimal("180.00")
    device.use_date = None  # the purchase date then
    assert book_value(device) == Decimal("0.15")


def test_the_book_value_is_taken_with_its_basis():
    valuation = value_at_transfer(old_laptop())
    assert (valuation.value, valuation.source, valuation.basis) == (Decimal("216.00"), "book", "TTC")


def test_a_declared_value_needs_a_justification():
    device = old_laptop()
    with pytest.raises(ValidationError) as error:
        value_at_transfer(device, declared="50", justification="  ")
    assert "value_justification" in error.value.message_dict
    valuation = value_at_transfer(device, declared="50", justification=JUSTIFICATION)
    assert (valuation.value, valuation.source, valuation.book_value) == (Decimal("50.00"), "declared",
                                                                        Decimal("216.00"))


# --- Entry point 1: the service ---------------------------------------------------------------


def test_service_refuses_a_typed_value_hiding_a_book_value_above_the_ceiling(buyer):
    device = laptop()
    with pytest.raises(ValidationError) as error:
        services.create_offer(devices=[device], grade="C", actor=buyer, value="10", value_justification=JUSTIFICATION)
    message = " ".join(error.value.messages)
    assert "864,15" in message and "TTC" in message and "plafond" in message
    device.refresh_from_db()
    assert device.status == Status.RETIRED
    assert not Offer.objects.exists()


def test_service_refuses_it_on_the_ht_basis_too(settings, buyer):
    settings.PROLONGE = {**settings.PROLONGE, "DONATION_VALUE_BASIS": "HT"}
    device = laptop()
    with pytest.raises(ValidationError) as error:
        services.create_offer(devices=[device], grade="C", actor=buyer, value="10", value_justification=JUSTIFICATION)
    assert "720,12" in " ".join(error.value.messages)


def test_service_stores_a_justified_declared_value_and_the_agreement_prints_it(buyer, member):
    device = old_laptop()
    offer = services.create_offer(devices=[device], grade="C", actor=buyer, value="10",
                                  value_justification=JUSTIFICATION)
    item = offer.items.get()
    assert (item.value_at_transfer, item.value_source, item.value_basis, item.value_justification,
            item.book_value) == (Decimal("10.00"), "declared", "TTC", JUSTIFICATION, Decimal("216.00"))
    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    line = claim.lines.get()
    assert (line.value_source, line.value_justification) == ("declared", JUSTIFICATION)
    services.approve_claim(claim=claim, actor=buyer)
    donation = services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs",
                                  association_signatory="B. Durand")
    donation.agreement.open("rb")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(donation.agreement.read())).pages)
                    .split())
    assert "valeur déclarée TTC" in text
    assert "Écran fissuré" in text
    assert donation.hashed_fields()["devices"][0]["value_justification"] == JUSTIFICATION


def test_the_agreement_names_the_book_value_and_its_basis(buyer, member):
    offer = offered([old_laptop()], buyer)
    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    donation = services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs",
                                  association_signatory="B. Durand")
    donation.agreement.open("rb")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(donation.agreement.read())).pages)
                    .split())
    assert "valeur nette comptable TTC" in text
    assert "216,00" in text


# --- Entry point 2: the HTML form -------------------------------------------------------------


def test_form_refuses_the_typed_value(client, buyer):
    device = laptop()
    client.force_login(buyer)
    response = client.post(reverse("reuse:offer-create"), {
        "devices": device.asset_tag, "grade": "C", "value": "10", "value_justification": JUSTIFICATION,
    })
    assert response.status_code == 200
    assert "864,15" in response.content.decode()
    assert not Offer.objects.exists()
    device.refresh_from_db()
    assert device.status == Status.RETIRED


def test_form_asks_for_the_justification(client, buyer):
    device = old_laptop()
    client.force_login(buyer)
    response = client.post(reverse("reuse:offer-create"), {"devices": device.asset_tag, "grade": "C", "value": "10"})
    assert response.status_code == 200
    assert "justifi" in response.content.decode()
    assert not Offer.objects.exists()
    response = client.post(reverse("reuse:offer-create"), {
        "devices": device.asset_tag, "grade": "C", "value": "10", "value_justification": JUSTIFICATION,
    })
    assert response.status_code == 302
    assert OfferItem.objects.get().value_justification == JUSTIFICATION
    page = client.get(response["Location"]).content.decode()
    assert "10,00 € TTC" in page and "valeur déclarée" in page and "Écran fissuré" in page


# --- Entry point 3: the API -------------------------------------------------------------------


def test_api_refuses_the_typed_value(buyer):
    device = laptop()
    client = APIClient()
    client.force_authenticate(buyer)
    response = client.post("/api/offers/", {"devices": [device.asset_tag], "grade": "C", "value": "10",
                                            "value_justification": JUSTIFICATION}, format="json")
    assert response.status_code == 400
    assert "864,15" in " ".join(response.json()["value"])
    assert not Offer.objects.exists()
    response = client.post("/api/offers/", {"devices": [old_laptop().asset_tag], "grade": "C", "value": "10"},
                           format="json")
    assert response.status_code == 400
    assert "value_justification" in response.json()


# --- Entry point 4: the admin -----------------------------------------------------------------


def test_admin_cannot_add_offers_nor_edit_values(client, admin_user, buyer):
    offer = offered([old_laptop()], buyer)
    item = offer.items.get()
    assert not admin.site.is_registered(OfferItem)
    assert not admin.site.is_registered(ClaimLine)
    client.force_login(admin_user)
    assert client.get("/admin/reuse/offer/add/").status_code == 403
    page = client.get(f"/admin/reuse/offer/{offer.pk}/change/").content.decode()
    assert 'name="items-0-value_at_transfer"' not in page
    assert "216,00" in page  # shown read-only
    client.post(f"/admin/reuse/offer/{offer.pk}/change/", {
        "title": offer.title, "description": "", "grade": "C",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000", "items-0-id": str(item.pk), "items-0-offer": str(offer.pk),
        "items-0-value_at_transfer": "10", "items-0-value_source": "declared",
        "items-0-value_justification": JUSTIFICATION,
    })
    item.refresh_from_db()
    assert (item.value_at_transfer, item.value_source) == (Decimal("216.00"), "book")


# --- Entry point 5: a row written around the service ------------------------------------------


def test_the_database_refuses_a_declared_value_without_justification(buyer):
    offer = offered([old_laptop()], buyer)
    with pytest.raises(IntegrityError):
        OfferItem.objects.filter(offer=offer).update(value_source="declared", value_justification="")


def test_the_donation_guard_refuses_a_low_value_written_around_the_service(buyer, member):
    """Someone edits the offered value in the database: the handover still refuses, because the
    lifecycle guard re-reads the device's own book value."""
    device = old_laptop()
    offer = offered([device], buyer)  # 216.00 € TTC: within the ceiling
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    Device.objects.filter(pk=device.pk).update(use_date=year_ago, purchase_date=year_ago)  # now 864.15 € TTC
    OfferItem.objects.filter(offer=offer).update(value_at_transfer=Decimal("10"), value_source="declared",
                                                 value_justification=JUSTIFICATION)
    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="B. Durand")
    assert refusal.value.code == "over_ceiling"
    assert "864,15" in refusal.value.message
    device.refresh_from_db()
    assert device.status == Status.RESERVED


def test_the_donation_guard_refuses_a_declared_value_without_justification():
    device = old_laptop()
    lifecycle.transition(device, Status.AVAILABLE, workflow="offer")
    lifecycle.transition(device, Status.RESERVED, workflow="claim")
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        lifecycle.transition(device, Status.DONATED, value=Decimal("10"), value_source="declared",
                             workflow="handover")
    assert refusal.value.code == "justification_required"
