"""Helpers for the labels tests: read QR codes back from a PDF with a real decoder."""

from dataclasses import dataclass

import pypdfium2
import pytest
import zxingcpp

from inventory import lifecycle
from inventory.models import Site, Status
from tests.factories import DeviceFactory, SiteFactory

DPI = 300


@dataclass(frozen=True)
class Found:
    page: int
    text: str
    x: float  # centre of the code in PDF points from the left edge
    y: float  # centre of the code in PDF points from the bottom edge


def decode_pdf(pdf, dpi=DPI):
    """Every QR code in the PDF, with its page and centre in PDF points (rasterised by pdfium)."""
    found = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        scale = dpi / 72
        for number in range(len(document)):
            page = document[number]
            height = page.get_height()
            image = page.render(scale=scale, grayscale=True).to_pil()
            for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                corners = result.position
                points = [corners.top_left, corners.top_right, corners.bottom_left, corners.bottom_right]
                cx = sum(p.x for p in points) / 4 / scale
                cy = height - sum(p.y for p in points) / 4 / scale
                found.append(Found(number, result.text, cx, cy))
            page.close()
    finally:
        document.close()
    return found


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician)
    return client


@pytest.fixture
def device(db):
    """A laptop in service at a school building, with an assignee."""
    commune = SiteFactory(name="Grenoble")
    school = Site.objects.create(name="École Anthoard", kind="building", parent=commune)
    device = DeviceFactory(asset_tag="GAM-000123", site=school, assignee="Secrétariat")
    lifecycle.transition(device, Status.IN_SERVICE)
    return device
