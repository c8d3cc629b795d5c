"""The legal documents hold, as text, what DOMAIN.md §3 asks of them (issues 9 and 13).

Each PDF is generated, parsed with pypdf and searched: the agreement's "Vu …" (deliberation,
delegation, L. 3212-2 item and ceiling text), both parties with SIRET/RNA and address, the
signatory's standing, per line kind, serial, value, erasure certificate, OS and licence, the use
clause with its sanction and (when allowed) the décret 2022-1413 caps, the commitment to prove
reuse, WEEE end of life, the GDPR notice, "Fait à <place>, le <date>" without the time, and the
hash explained in words; the certificate's NIST SP 800-88 Rev. 2. No document without the
authority's SIRET and address; pages say "page N / M"; signatures stay with the last article.
"""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from reuse import services
from reuse.models import Donation, EligibilityCategory, Erasure
from reuse.pdf import erasure_certificate, transfer_agreement

from .conftest import erase, make_member, offered, retired_device
from .factories import AssociationFactory, EligibilityFactory

pytestmark = pytest.mark.django_db

SIGNATORY = {"key": "maire", "name": "Hélène Roux", "role": "Maire",
             "delegation": "le procès-verbal d'installation du conseil municipal du 3 juillet 2020"}


@pytest.fixture(autouse=True)
def legal_settings(settings):
    settings.PROLONGE = {
        **settings.PROLONGE,
        "OWNER_NAME": "Commune de Val-d'Élan",
        "OWNER_SIRET": "21389999900016",
        "OWNER_ADDRESS": "Hôtel de ville, 43 rue de la République, 38999 Val-d'Élan",
        "OWNER_PLACE": "Val-d'Élan",
        "TRANSFER_DECISION": "la délibération n° 2025-041 du conseil municipal du 12 mai 2025",
        "SIGNATORIES": [SIGNATORY],
    }
    return settings


def pages_of(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text):
    """Extracted text with line breaks and runs of spaces folded: phrases can be searched whole."""
    return " ".join(text.split())


def claimed(buyer, association, devices, actor):
    offer = offered(devices, buyer)
    claim = services.claim_offer(offer=offer, association=association, actor=actor)
    services.approve_claim(claim=claim, actor=buyer)
    return claim


def handed_over(buyer, member, devices, **kwargs):
    claim = claimed(buyer, member.association_membership.association, devices, member)
    kwargs = {"owner_signatory": "maire", "association_signatory": "Bruno Durand, président",
              "operating_system": "Linux Mint 22", "licence_status": Donation.Licence.FREE, **kwargs}
    return services.hand_over(claim=claim, actor=buyer, **kwargs)


def french_date(donation):
    with translation.override("fr"):
        return formats.date_format(timezone.localdate(donation.handed_over_at), "DATE_FORMAT")


def assert_all_french(text):
    """No English msgid leaked into the document (a missing translation)."""
    for english in ("Having regard", "The beneficiary", "The authority", "Article 1 — Object", "Annex —",
                    "fingerprint", "Done at", "laptop"):
        assert english not in text


def agreement_text(donation):
    return flat("\n".join(pages_of(transfer_agreement(donation))))


def test_the_agreement_holds_every_element_of_domain_section_3(buyer, member):
    devices = [retired_device(serial_number="PF1LEGAL1"), retired_device(serial_number="PF1LEGAL2")]
    donation = handed_over(buyer, member, devices)
    association = donation.association
    text = agreement_text(donation)
    # "Vu …": the code and its L. 3212-2 item, the ceiling text, the deliberation, the delegation.
    assert "Vu le code général de la propriété des personnes publiques" in text
    assert "L. 3212-2, 3°" in text and "L. 3212-3" in text
    assert "Vu le texte qui fixe le plafond de la valeur unitaire à 300 € (art. D. 3212-3)" in text
    assert "Vu la délibération n° 2025-041 du conseil municipal du 12 mai 2025" in text
    assert "Vu le procès-verbal d'installation du conseil municipal du 3 juillet 2020" in text
    assert "décret n° 2023-266" in text
    # Both parties, with SIRET/RNA and address; the signatory's standing and delegation.
    assert "Commune de Val-d'Élan" in text
    assert "21389999900016" in text
    assert "Hôtel de ville, 43 rue de la République, 38999 Val-d'Élan" in text
    assert "Hélène Roux, Maire" in text
    assert "habilité par le procès-verbal d'installation du conseil municipal du 3 juillet 2020" in text
    assert association.name in text and association.rna in text and association.address in text
    assert "Bruno Durand, président" in text
    # Per line: kind, serial, value, erasure certificate, OS and licence status.
    for device, (line, certificates) in zip(devices, donation.agreement_lines(), strict=True):
        assert device.asset_tag in text and device.serial_number in text
        assert device.model.category.name in text
        assert f"{line.value_at_transfer:.2f}".replace(".", ",") in text
        assert certificates and certificates[0] in text
    assert text.count("Linux Mint 22 — Logiciel libre (redistribuable)") == len(devices)
    assert "Valeur de cession : valeur nette comptable" in text
    # Use clause and its sanction; no solidarity caps for a school-support association.
    assert "ne pas vendre, louer ni céder à titre onéreux" in text
    assert "exclu définitivement de toute nouvelle cession gratuite" in text
    assert "2022-1413" not in text
    # Commitment to reuse and to prove it; WEEE; GDPR notice.
    assert "s'engage à réemployer les matériels et à pouvoir en apporter la preuve" in text
    assert "filière agréée de collecte des déchets d'équipements électriques et électroniques" in text
    assert "Données personnelles" in text and "RGPD" in text and "CNIL" in text
    # Place and date, without the time.
    assert f"Fait à Val-d'Élan, le {french_date(donation)}, en deux exemplaires." in text
    done = text[text.index("Fait à"):text.index("en deux exemplaires")]
    assert not re.search(r"\d{1,2}[:h]\s?\d{2}", done)
    # The hash, explained in French in an annex, never as JSON keys.
    assert "Annexe — Empreinte numérique du document" in text
    assert "la collectivité peut ainsi vérifier qu'un exemplaire" in text
    assert_all_french(text)
    assert donation.content_hash in text
    for key in ("owner_siret", "handed_over_at", "association_signatory", "canonical JSON", "total_value"):
        assert key not in text


def test_the_agreement_prints_the_solidarity_caps_where_resale_is_allowed(buyer):
    public_utility = EligibilityCategory.objects.get(slug="public-utility")
    member = make_member(AssociationFactory(name="Emmaüs Connect Isère", eligibility=public_utility))
    text = agreement_text(handed_over(buyer, member, [retired_device()]))
    assert "à des prix qui ne dépassent pas ceux fixés par le décret n° 2022-1413 (prix TTC" in text
    assert_all_french(text)
    for price in ("ordinateur portable 180 €", "ordinateur fixe (poste complet) 150 €", "tablette 100 €",
                  "smartphone 100 €", "écran 30 €", "imprimante 30 €", "imprimante multifonction 170 €"):
        assert price in text
    assert "exclu définitivement" in text


def test_the_agreement_names_the_item_and_ceiling_text_of_the_eligibility(buyer):
    deprived = EligibilityCategory.objects.get(slug="assistance-deprived")
    member = make_member(AssociationFactory(eligibility=deprived))
    text = agreement_text(handed_over(buyer, member, [retired_device()]))
    assert "L. 3212-2, 2°" in text and "(arrêté du 6 avril 2021)" in text


def test_every_page_says_page_n_of_m_and_signatures_stay_with_the_last_article(buyer, member):
    devices = [retired_device(serial_number=f"PF1LONG{n:02d}") for n in range(45)]
    donation = handed_over(buyer, member, devices)
    with donation.agreement.open("rb") as stored:
        pages = pages_of(stored.read())
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
    [signed] = [page for page in pages if "Signature :" in page]
    signed = flat(signed)
    assert "Article 7 — Données personnelles" in signed
    assert "introduire une réclamation auprès de la CNIL" in signed
    assert f"Fait à Val-d'Élan, le {french_date(donation)}" in signed
    assert signed.index("Article 7") < signed.index("Fait à") < signed.index("Signature :")


def test_the_pdf_carries_its_language_and_title(buyer, member):
    reader = PdfReader(io.BytesIO(transfer_agreement(handed_over(buyer, member, [retired_device()]))))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == "Convention de cession gratuite de matériels informatiques"


@pytest.mark.parametrize("missing", ["OWNER_SIRET", "OWNER_ADDRESS"])
def test_no_agreement_without_the_authority_siret_and_address(buyer, member, legal_settings, missing):
    claim = claimed(buyer, member.association_membership.association, [retired_device()], member)
    legal_settings.PROLONGE = {**legal_settings.PROLONGE, missing: ""}
    with pytest.raises(ValidationError) as refused:
        services.hand_over(claim=claim, actor=buyer, owner_signatory="maire", association_signatory="B",
                           licence_status="free")
    message = " ".join(refused.value.messages)
    assert "Ce document juridique ne peut pas être établi" in message
    assert f"PROLONGE_{missing}" in message
    assert not Donation.objects.exists()
    claim.refresh_from_db()
    assert claim.status == "approved"


@pytest.mark.parametrize("missing", ["OWNER_SIRET", "OWNER_ADDRESS"])
def test_no_erasure_certificate_without_the_authority_siret_and_address(tech, legal_settings, missing):
    device = retired_device()
    legal_settings.PROLONGE = {**legal_settings.PROLONGE, missing: ""}
    with pytest.raises(ValidationError, match="ne peut pas être établi"):
        erase(device, tech)
    assert not Erasure.objects.exists()


def test_the_handover_page_says_why_no_agreement_is_issued(buyer, member, client, legal_settings):
    claim = claimed(buyer, member.association_membership.association, [retired_device()], member)
    legal_settings.PROLONGE = {**legal_settings.PROLONGE, "OWNER_SIRET": ""}
    client.force_login(buyer)
    response = client.post(reverse("reuse:claim-action", args=[claim.pk, "handover"]), {
        "owner_signatory": "maire", "association_signatory": "B. Durand", "licence_status": "free",
        "confirmed": "1"}, follow=True)
    assert "Ce document juridique ne peut pas être établi" in response.content.decode()
    assert not Donation.objects.exists()


def test_the_signatory_must_be_a_configured_one(buyer, member):
    claim = claimed(buyer, member.association_membership.association, [retired_device()], member)
    with pytest.raises(ValidationError, match="Hélène Roux"):
        services.hand_over(claim=claim, actor=buyer, owner_signatory="Jean Personne, DSI",
                           association_signatory="B", licence_status="free")
    assert not Donation.objects.exists()


def test_an_eligibility_without_its_legal_item_issues_no_agreement(buyer):
    bare = EligibilityFactory(slug="custom", name="Catégorie ajoutée à la main")
    member = make_member(AssociationFactory(eligibility=bare))
    claim = claimed(buyer, member.association_membership.association, [retired_device()], member)
    with pytest.raises(ValidationError, match="alinéa"):
        services.hand_over(claim=claim, actor=buyer, owner_signatory="maire", association_signatory="B",
                           licence_status="free")


def test_the_erasure_certificate_cites_nist_rev_2_and_names_the_authority(tech):
    erasure = erase(retired_device(serial_number="5CGREV2"), tech)
    pages = pages_of(erasure_certificate(erasure))
    text = flat("\n".join(pages))
    assert "NIST SP 800-88 Rev. 2" in text and "septembre 2025" in text
    assert "Rev. 1" not in text
    assert "Commune de Val-d'Élan" in text and "21389999900016" in text
    assert "Hôtel de ville, 43 rue de la République" in text
    assert "Annexe — Empreinte numérique du document" in text and erasure.content_hash in text
    assert "storage_serials" not in text and "performed_at" not in text
    assert_all_french(text)
    assert re.search(r"page 1 / \d", pages[0])


def test_a_lost_agreement_is_not_regenerated_without_the_authority_identity(buyer, member, client, legal_settings):
    donation = handed_over(buyer, member, [retired_device()])
    donation.agreement.storage.delete(donation.agreement.name)
    legal_settings.PROLONGE = {**legal_settings.PROLONGE, "OWNER_ADDRESS": ""}
    client.force_login(buyer)
    response = client.get(reverse("reuse:donation-agreement", args=[donation.pk]))
    assert response.status_code == 503
    assert "PROLONGE_OWNER_ADDRESS" in response.content.decode()


def test_no_agreement_for_an_association_without_address(buyer):
    member = make_member(AssociationFactory(name="Sans Adresse", address=""))
    claim = claimed(buyer, member.association_membership.association, [retired_device()], member)
    with pytest.raises(ValidationError, match="n'a pas d'adresse postale"):
        services.hand_over(claim=claim, actor=buyer, owner_signatory="maire", association_signatory="B",
                           licence_status="free")
    assert not Donation.objects.exists()


def test_the_hash_covers_the_legal_fields_and_older_agreements_keep_theirs(buyer, member):
    donation = handed_over(buyer, member, [retired_device()])
    fields = donation.hashed_fields()
    assert fields["place"] == "Val-d'Élan" and fields["legal_item"] == "3°"
    assert fields["owner_signatory_delegation"] == SIGNATORY["delegation"]
    assert donation.content_hash == donation.compute_hash()
    # An agreement issued before these fields existed: blank place, the original field set.
    Donation.objects.filter(pk=donation.pk).update(place="")
    donation.refresh_from_db()
    assert not set(Donation.LEGAL_TEXT_FIELDS) & set(donation.hashed_fields())
