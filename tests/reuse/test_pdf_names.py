"""Everyone's name prints (issue 13): embedded DejaVu fonts, Latin Extended and Vietnamese."""

import io

import pytest
from pypdf import PdfReader

from labels.pdf import OWNER_FONT, TAG_FONT
from reuse import services
from reuse.pdf import erasure_certificate, transfer_agreement

from .conftest import offered, retired_device

pytestmark = pytest.mark.django_db
NAME = "Łukasz Wiśniewski-Nguyễn"


def text_and_fonts(data):
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = (font.get("/DescendantFonts") or [font])[0].get_object().get("/FontDescriptor")
            if descriptor and any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                fonts.add(str(font["/BaseFont"]))
    return "\n".join(page.extract_text() for page in reader.pages), fonts


def test_certificate_prints_an_operator_name_outside_windows_1252(tech):
    erasure = services.record_erasure(
        device=retired_device(), actor=tech, method="purge", method_detail="ATA Secure Erase", tool="nwipe",
        tool_version="0.35", passed=True, operator_name=NAME, storage_serials=["S-1"],
    )
    text, embedded = text_and_fonts(erasure_certificate(erasure))
    assert NAME in text
    assert embedded and all("DejaVu" in name or "Prolonge" in name for name in embedded)


def test_agreement_prints_signatories_outside_windows_1252(buyer, member, settings):
    settings.PROLONGE = {**settings.PROLONGE, "SIGNATORIES": [
        {"key": "maire", "name": "Trần Thị Hương", "role": "Maire", "delegation": "élection du 5 juillet 2020"}]}
    offer = offered([retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    donation = services.hand_over(claim=claim, actor=buyer, owner_signatory="Trần Thị Hương",
                                  association_signatory=NAME)
    text, embedded = text_and_fonts(transfer_agreement(donation))
    assert NAME in text and "Trần Thị Hương" in text
    assert embedded


def test_labels_use_the_embedded_fonts():
    assert TAG_FONT.startswith("Prolonge") and OWNER_FONT.startswith("Prolonge")
