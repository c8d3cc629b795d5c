"""The legal documents of the exit routes (issue 9 §5, DOMAIN.md §3 and §7).

A sale receipt, the minutes of a transfer to another public person and a take-back slip are
issued from the ``Exit`` record, parsed with pypdf and searched for every element they must hold:
both parties with SIRET and address, the decision, the serial and the erasure certificate, the
price and total of a sale, the WEEE clause, the proof of reuse expected, "Fait à …, le …" without
the time, and "page 1 / N". No document without the authority's SIRET and address; the stored file
is served to staff only (pages and the API with a token), with a bounded number of queries.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory.exits import record_exit
from inventory.exits.documents import issue_document
from inventory.models import Exit
from tests.reuse.conftest import erase, make_member, retired_device
from tests.reuse.test_legal_texts import flat, pages_of

pytestmark = pytest.mark.django_db

SIGNATORY = {"key": "maire", "name": "Hélène Roux", "role": "Maire",
             "delegation": "l'arrêté de délégation n° 2025-07 du 2 janvier 2025"}
FACTS = {
    "sold": {"counterparty": "M. Paul Martin", "counterparty_address": "12 rue des Lilas, 38000 Grenoble",
             "price": Decimal("45.50"), "platform": "Agorastore",
             "decision": "la décision n° 2026-118 du 3 mars 2026"},
    "transferred": {"counterparty": "CCAS de Val-d'Élan", "counterparty_siret": "26380030200014",
                    "counterparty_address": "2 place du Marché, 38999 Val-d'Élan",
                    "decision": "la délibération n° 2026-12 du 9 février 2026"},
    "taken_back": {"counterparty": "Ecosystem", "counterparty_siret": "83300397000015", "reuse_commitment": True},
}


@pytest.fixture(autouse=True)
def legal_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROLONGE = {
        **settings.PROLONGE,
        "OWNER_NAME": "Commune de Val-d'Élan",
        "OWNER_SIRET": "21389999900016",
        "OWNER_ADDRESS": "Hôtel de ville, 43 rue de la République, 38999 Val-d'Élan",
        "OWNER_PLACE": "Val-d'Élan",
        "SIGNATORIES": [SIGNATORY],
    }
    return settings


def exited(route, actor, serial, **extra):
    device = retired_device(serial_number=serial, accounting_number=f"INV-{serial}")
    erasure = erase(device, actor)
    record = record_exit(device=device, route=route, actor=actor, **FACTS[route], **extra)
    return record, erasure


def document_text(record):
    record = issue_document(record)
    with record.document.open("rb") as stored:
        pages = pages_of(stored.read())
    return flat("\n".join(pages)), len(pages)


def french_day(value):
    with translation.override("fr"):
        return formats.date_format(value, "DATE_FORMAT")


def assert_common(text, pages, record, erasure):
    assert "Commune de Val-d'Élan" in text and "21389999900016" in text
    assert "Hôtel de ville, 43 rue de la République, 38999 Val-d'Élan" in text
    assert "Hélène Roux, Maire" in text
    assert record.device.asset_tag in text and record.device.serial_number in text
    assert f"INV-{record.device.serial_number}" in text
    assert erasure.number in text
    assert "NIST SP 800-88 Rev. 2" in text
    record.refresh_from_db()
    issued = timezone.localdate(record.document_issued_at)
    assert f"Fait à Val-d'Élan, le {french_day(issued)}, en deux exemplaires." in text
    assert f"Date de la remise {french_day(record.exited_on)}" in text
    done = text[text.index("Fait à"):text.index("en deux exemplaires")]
    assert not re.search(r"\d{1,2}[:h]\s?\d{2}", done)
    assert f"page 1 / {pages}" in text
    assert f"Pour {record.counterparty}" in text and "Signature" in text
    for english in ("Having regard", "Done at", "Article 1 — Object", "The buyer", "Sale receipt"):
        assert english not in text


def test_the_sale_receipt_holds_parties_decision_lines_price_total_place_and_date(technician):
    # Sold ten days ago, receipt drawn up today: dated today, the handover day printed as such.
    record, erasure = exited("sold", technician, "SALE0001", exited_on=timezone.localdate() - dt.timedelta(days=10))
    text, pages = document_text(record)
    assert_common(text, pages, record, erasure)
    assert "Reçu de vente" in text and "acte de cession à titre onéreux" in text
    assert "Vu la décision n° 2026-118 du 3 mars 2026" in text
    assert "Vu l'arrêté de délégation n° 2025-07 du 2 janvier 2025" in text
    assert "M. Paul Martin" in text and "12 rue des Lilas, 38000 Grenoble" in text and "Agorastore" in text
    assert text.count("45,50 €") >= 3  # the line, the total, the payment article
    assert "Total" in text


def test_the_transfer_minutes_name_both_public_persons_the_decision_and_the_weee_clause(technician):
    record, erasure = exited("transferred", technician, "XFER0001")
    text, pages = document_text(record)
    assert_common(text, pages, record, erasure)
    assert "procès-verbal de transfert" in text
    assert "CCAS de Val-d'Élan" in text and "26380030200014" in text and "2 place du Marché, 38999 Val-d'Élan" in text
    assert "Vu la délibération n° 2026-12 du 9 février 2026" in text
    assert "déchets d'équipements électriques et électroniques (DEEE)" in text


def test_the_take_back_slip_names_the_taker_and_the_proof_of_reuse_expected(technician):
    record, erasure = exited("taken_back", technician, "BACK0001")
    text, pages = document_text(record)
    assert_common(text, pages, record, erasure)
    assert "bon de reprise pour réemploi" in text
    assert "Ecosystem" in text and "83300397000015" in text
    assert "preuve du réemploi" in text and "décret n° 2023-266" in text
    assert "Preuve du réemploi reçue : pas encore." in text  # flat() folds the no-break space


def test_an_issued_document_is_kept_as_issued(technician, settings):
    record, _erasure = exited("sold", technician, "SALE0002")
    first = issue_document(record)
    name = first.document.name
    settings.PROLONGE = {**settings.PROLONGE, "OWNER_ADDRESS": "Ailleurs"}
    again = issue_document(record)
    assert again.document.name == name and again.document_signatory["name"] == "Hélène Roux"


@pytest.mark.parametrize("missing", ["OWNER_SIRET", "OWNER_ADDRESS"])
def test_no_document_without_the_authority_siret_and_address(technician, settings, missing):
    record, _erasure = exited("transferred", technician, f"MISS{missing[-4:]}")
    settings.PROLONGE = {**settings.PROLONGE, missing: ""}
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        issue_document(record)
    message = " ".join(refused.value.messages)
    assert "Ce document juridique ne peut pas être établi" in message and f"PROLONGE_{missing}" in message
    record.refresh_from_db()
    assert not record.document and record.document_issued_at is None


def test_no_document_for_a_theft_and_none_for_a_transfer_without_decision(technician):
    device = retired_device()
    theft = record_exit(device=device, route="stolen", actor=technician, police_report="PV 1")
    with pytest.raises(ValidationError):
        issue_document(theft)
    record, _erasure = exited("transferred", technician, "XFER0002")
    Exit.objects.filter(pk=record.pk).update(decision="")
    record.refresh_from_db()
    with pytest.raises(ValidationError):
        issue_document(record)
    assert not Exit.objects.get(pk=record.pk).document


def test_the_page_issues_then_serves_the_document_to_staff_only(client, technician, django_assert_max_num_queries):
    record, _erasure = exited("sold", technician, "SALE0003")
    client.force_login(technician)
    page = client.get(record.device.get_absolute_url())
    assert reverse("exits:exit-document-issue", args=[record.pk]) in page.content.decode()
    response = client.post(reverse("exits:exit-document-issue", args=[record.pk]), {"signatory": "maire"})
    assert response.status_code == 302
    url = reverse("exits:exit-document", args=[record.pk])
    assert url in client.get(record.device.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    member = make_member()
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(reverse("exits:exit-document-issue", args=[record.pk])).status_code == 403


def test_the_page_shows_the_refusal_and_writes_nothing(client, technician, settings):
    record, _erasure = exited("sold", technician, "SALE0004")
    settings.PROLONGE = {**settings.PROLONGE, "OWNER_SIRET": ""}
    client.force_login(technician)
    response = client.post(reverse("exits:exit-document-issue", args=[record.pk]), follow=True)
    assert "PROLONGE_OWNER_SIRET" in response.content.decode()
    assert not Exit.objects.get(pk=record.pk).document


def test_the_api_issues_and_serves_the_document_with_a_token(technician, django_assert_max_num_queries):
    record, _erasure = exited("transferred", technician, "XFER0003")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=technician).key}")
    listed = api.get("/api/exits/").json()
    row = (listed["results"] if isinstance(listed, dict) else listed)[0]
    assert row["document_url"] is None
    assert api.get(f"/api/exits/{record.pk}/document/").status_code == 404
    issued = api.post(f"/api/exits/{record.pk}/issue_document/", {"signatory": "maire"}, format="json")
    assert issued.status_code == 200, issued.content
    assert issued.json()["document_url"].endswith(f"/api/exits/{record.pk}/document/")
    with django_assert_max_num_queries(8):
        response = api.get(f"/api/exits/{record.pk}/document/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    member = make_member()
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    assert other.get(f"/api/exits/{record.pk}/document/").status_code == 403


def test_the_api_refuses_without_the_siret_with_a_400(technician, settings):
    record, _erasure = exited("sold", technician, "SALE0005")
    settings.PROLONGE = {**settings.PROLONGE, "OWNER_SIRET": ""}
    api = APIClient()
    api.force_authenticate(technician)
    response = api.post(f"/api/exits/{record.pk}/issue_document/", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400 and "PROLONGE_OWNER_SIRET" in response.content.decode()
    assert not Exit.objects.get(pk=record.pk).document


def test_the_admin_links_the_document_through_the_checked_view(client, admin_user, technician):
    record, _erasure = exited("sold", technician, "SALE0006")
    issue_document(record)
    client.force_login(admin_user)
    page = client.get(reverse("admin:inventory_exit_change", args=[record.pk])).content.decode()
    assert reverse("exits:exit-document", args=[record.pk]) in page
    assert "/media/" not in page
