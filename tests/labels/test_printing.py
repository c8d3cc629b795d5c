"""Printing labels from the filtered device list and from the device page."""

import io

from django.urls import reverse
from pypdf import PdfReader

from inventory import lifecycle
from labels.views.printing import MAX_LABELS_PER_REQUEST
from tests.factories import DeviceFactory

from .conftest import decode_pdf


def test_the_device_list_links_to_printing_the_labels_of_the_filtered_devices(tech_client, device):
    page = tech_client.get(reverse("inventory:device-list"), {"status": "in_service"}).content.decode()
    assert f'href="{reverse("labels:print")}?status=in_service"' in page


def test_the_device_page_links_to_printing_its_label_and_to_the_mobile_page(tech_client, device):
    page = tech_client.get(device.get_absolute_url()).content.decode()
    assert f'{reverse("labels:print")}?tags=GAM-000123' in page
    assert 'href="/d/GAM-000123"' in page


def test_the_print_page_counts_the_devices_of_the_filter(tech_client, device):
    DeviceFactory(asset_tag="GAM-000900")
    response = tech_client.get(reverse("labels:print"), {"status": "in_service"})
    assert response.context["count"] == 1
    assert response.context["hidden"] == [("status", "in_service")]


def test_the_pdf_holds_the_labels_of_the_filtered_devices_from_the_chosen_position(tech_client, device):
    DeviceFactory(asset_tag="GAM-000900")
    other = DeviceFactory(asset_tag="GAM-000901")
    lifecycle.transition(other, "in_service")
    response = tech_client.get(reverse("labels:print-pdf"), {"status": "in_service", "template": "a4-3x8",
                                                             "start": 4})
    assert response["Content-Type"] == "application/pdf"
    found = decode_pdf(response.content)
    assert sorted(f.text for f in found) == ["http://127.0.0.1:8000/d/GAM-000123",
                                             "http://127.0.0.1:8000/d/GAM-000901"]
    assert all(f.y < 297 / 25.4 * 72 - 37 / 25.4 * 72 for f in found)  # row 1 left empty


def test_the_pdf_for_one_device_from_its_page(tech_client, device):
    response = tech_client.get(reverse("labels:print-pdf"), {"tags": "GAM-000123", "template": "roll-62mm",
                                                             "start": 1})
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert [f.text for f in decode_pdf(response.content)] == ["http://127.0.0.1:8000/d/GAM-000123"]


def test_a_start_position_beyond_the_sheet_is_refused_with_a_message(tech_client, device):
    response = tech_client.get(reverse("labels:print-pdf"), {"tags": "GAM-000123", "template": "a4-3x8",
                                                             "start": 25}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("labels:print"))
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_an_unknown_template_is_refused_with_a_message(tech_client, device):
    response = tech_client.get(reverse("labels:print-pdf"), {"tags": "GAM-000123", "template": "nope",
                                                             "start": 1})
    assert response.status_code == 302


def test_nothing_to_print_is_said_clearly(tech_client, db):
    response = tech_client.get(reverse("labels:print-pdf"), {"tags": "GAM-404404", "template": "a4-3x8",
                                                             "start": 1}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["selection"].unknown == ["GAM-404404"]


def test_too_many_labels_at_once_are_refused(tech_client, device, monkeypatch):
    monkeypatch.setattr("labels.views.printing.MAX_LABELS_PER_REQUEST", 0)
    response = tech_client.get(reverse("labels:print-pdf"), {"tags": "GAM-000123", "template": "a4-3x8",
                                                             "start": 1})
    assert response.status_code == 302 and MAX_LABELS_PER_REQUEST > 1000


def test_association_members_cannot_print_labels(client, association_user, device):
    client.force_login(association_user)
    assert client.get(reverse("labels:print")).status_code == 403
