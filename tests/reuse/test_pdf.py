"""The certificate and the agreement are real PDFs that carry the serials and the stored hash."""

import io
import json

import pytest
from pypdf import PdfReader

from reuse import services
from reuse.models import content_hash
from reuse.pdf import erasure_certificate, transfer_agreement

from .conftest import erase, offered, retired_device

pytestmark = pytest.mark.django_db


def text_of(data):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_erasure_certificate_shows_the_device_storage_serials_and_the_hash(tech):
    device = retired_device(serial_number="5CG1234XYZ")
    erasure = erase(device, tech)
    with erasure.certificate.open("rb") as stored:
        text = text_of(stored.read())
    assert "5CG1234XYZ" in text
    assert "S-5CG1234XYZ" in text
    assert device.asset_tag in text
    assert erasure.number in text
    assert erasure.content_hash in text
    assert "nwipe" in text


def test_the_certificate_hash_is_the_sha256_of_the_documented_canonical_fields(tech):
    erasure = erase(retired_device(serial_number="SN-HASH-1"), tech)
    fields = erasure.hashed_fields()
    assert set(fields) == {"certificate", "owner", "asset_tag", "device_serial", "manufacturer", "model",
                           "storage_serials", "method", "method_detail", "tool", "tool_version", "operator",
                           "performed_at", "passed"}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib

    assert erasure.content_hash == hashlib.sha256(canonical.encode()).hexdigest() == content_hash(fields)


def test_changing_a_certified_field_changes_the_hash(tech):
    erasure = erase(retired_device(), tech)
    erasure.passed = False
    assert erasure.compute_hash() != erasure.content_hash


def test_the_regenerated_certificate_matches_the_stored_hash(tech):
    erasure = erase(retired_device(), tech)
    assert erasure.content_hash in text_of(erasure_certificate(erasure))


def handed_over(buyer, member, devices):
    offer = offered(devices, buyer)
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    return services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs",
                              association_signatory="Bruno Durand, président")


def test_the_agreement_lists_devices_serials_values_certificates_parties_and_hash(buyer, member):
    devices = [retired_device(serial_number="PF1AAAA1"), retired_device(serial_number="PF1BBBB2")]
    donation = handed_over(buyer, member, devices)
    with donation.agreement.open("rb") as stored:
        text = text_of(stored.read())
    for device in devices:
        assert device.asset_tag in text
        assert device.serial_number in text
        assert device.erasures.get().number in text
    assert donation.content_hash in text
    assert donation.number in text
    assert "Solidarité Numérique" in text
    assert "L. 3212-2" in text and "L. 3212-3" in text
    assert "Paul Bernard" in text and "Bruno Durand" in text


def test_the_agreement_hash_covers_the_device_list(buyer, member):
    donation = handed_over(buyer, member, [retired_device(serial_number="PF1CCCC3")])
    fields = donation.hashed_fields()
    assert fields["devices"][0]["serial"] == "PF1CCCC3"
    assert fields["legal_basis"] == "CG3P art. L. 3212-2, L. 3212-3"
    assert donation.content_hash == content_hash(fields)
    assert donation.content_hash in text_of(transfer_agreement(donation))
