"""Audit pages: start a campaign, record sightings (JSON or plain POST, text or photo), report, CSV."""

import csv
import io

import pypdfium2
import pytest
from django.urls import reverse

from labels import services
from labels.models import AuditCampaign, LabelTemplate, Sighting
from labels.pdf import render_labels
from tests.factories import DeviceFactory


@pytest.fixture
def campaign(device, technician):
    return services.start_campaign(name="Inventaire Anthoard", site=device.site, actor=technician)


def _scan_url(campaign):
    return reverse("labels:audit-scan", args=[campaign.pk])


def test_starting_a_campaign_leads_to_its_scan_page(tech_client, device):
    response = tech_client.post(reverse("labels:audit-new"), {"name": "Mairie 2026", "site": device.site_id})
    campaign = AuditCampaign.objects.get()
    assert response["Location"] == _scan_url(campaign)
    assert campaign.site == device.site and campaign.started_by.username == "tech"


def test_the_scan_page_offers_a_focused_text_field_a_camera_photo_and_the_script(tech_client, campaign):
    page = tech_client.get(_scan_url(campaign)).content.decode()
    assert 'name="code"' in page and "autofocus" in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert "labels/scan.js" in page


def test_the_scanner_script_uses_the_browser_barcode_detector_and_no_library():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    script = Path(finders.find("labels/scan.js")).read_text(encoding="utf-8")
    assert "BarcodeDetector" in script and "getUserMedia" in script
    assert "import " not in script and "http" not in script


def test_without_javascript_a_sighting_is_a_post_that_comes_back_to_the_scan_page(tech_client, campaign, device):
    response = tech_client.post(_scan_url(campaign), {"code": "GAM-000123", "site": device.site_id}, follow=True)
    assert response.redirect_chain == [(f"{_scan_url(campaign)}?site={device.site_id}", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert Sighting.objects.get().device == device


def test_with_javascript_a_sighting_is_answered_in_json_without_leaving_the_page(tech_client, campaign, device):
    response = tech_client.post(_scan_url(campaign), {"code": "http://127.0.0.1:8000/d/GAM-000123",
                                                      "method": "camera"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True and answer["seen"] == 1
    assert answer["results"][0]["tag"] == "GAM-000123"
    assert Sighting.objects.get().method == "camera"


def test_an_unknown_tag_is_answered_with_a_clear_message_and_nothing_recorded(tech_client, campaign):
    response = tech_client.post(_scan_url(campaign), {"code": "GAM-424242"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "GAM-424242" in response.json()["results"][0]["message"]
    assert not Sighting.objects.exists()


def _photo_of(tags, slug):
    """A PNG "photo" of printed labels (the PDF rasterised)."""
    pdf = render_labels(tags, template=LabelTemplate.objects.get(slug=slug))
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=200 / 72).to_pil()
    document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "label.png"
    return buffer


def test_a_photo_of_a_label_is_decoded_on_the_server(tech_client, campaign, device):
    response = tech_client.post(_scan_url(campaign), {"photo": _photo_of(["GAM-000123"], "roll-62mm")},
                                HTTP_ACCEPT="application/json")
    assert response.json()["ok"] is True
    assert Sighting.objects.get().method == "photo"


def test_a_photo_of_several_labels_records_each_device(tech_client, campaign, device):
    DeviceFactory(asset_tag="GAM-000124", site=device.site)
    photo = _photo_of(["GAM-000123", "GAM-000124"], "a4-3x8")
    response = tech_client.post(_scan_url(campaign), {"photo": photo}, HTTP_ACCEPT="application/json")
    assert sorted(r["tag"] for r in response.json()["results"]) == ["GAM-000123", "GAM-000124"]


def test_a_photo_without_a_code_gets_a_clear_message(tech_client, campaign):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "blank.png"
    response = tech_client.post(_scan_url(campaign), {"photo": buffer}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["results"][0]["message"]


def test_an_empty_submission_is_refused_with_a_message(tech_client, campaign):
    response = tech_client.post(_scan_url(campaign), {"code": ""}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["ok"] is False


def test_the_report_shows_the_three_lists_and_exports_them_as_csv(tech_client, campaign, device, technician):
    DeviceFactory(asset_tag="GAM-000777", site=device.site)
    services.record_sighting(campaign=campaign, code="GAM-000123", actor=technician)
    page = tech_client.get(reverse("labels:audit-report", args=[campaign.pk])).content.decode()
    assert 'id="count-seen">1<' in page and 'id="count-missing">1<' in page and 'id="count-elsewhere">0<' in page
    response = tech_client.get(reverse("labels:audit-report-csv", args=[campaign.pk]), {"dialect": "machine"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["section", "asset_tag"]
    assert rows[-1] == ["#end", "2"]
    assert sorted((r[0], r[1]) for r in rows[1:-1]) == [("missing", "GAM-000777"), ("seen", "GAM-000123")]
    sheet = tech_client.get(reverse("labels:audit-report-csv", args=[campaign.pk]))
    lines = b"".join(sheet.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("section;numéro d'inventaire") or lines[0].startswith("section;")
    assert any(line.startswith("Manquant;GAM-000777") for line in lines)


def test_closing_a_campaign_stops_the_scanning(tech_client, campaign):
    tech_client.post(reverse("labels:audit-close", args=[campaign.pk]), {"confirmed": "1"})
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    assert 'name="code"' not in tech_client.get(_scan_url(campaign)).content.decode()
    response = tech_client.post(_scan_url(campaign), {"code": "GAM-000123"}, HTTP_ACCEPT="application/json")
    assert response.json()["ok"] is False


def test_association_members_cannot_see_audits(client, association_user, campaign):
    client.force_login(association_user)
    assert client.get(reverse("labels:audit-list")).status_code == 403
    assert client.get(_scan_url(campaign)).status_code == 403


def test_procurement_may_read_reports_but_not_record_sightings(client, procurement, campaign):
    client.force_login(procurement)
    assert client.get(reverse("labels:audit-report", args=[campaign.pk])).status_code == 200
    assert client.post(_scan_url(campaign), {"code": "GAM-000123"}).status_code == 403


@pytest.fixture
def stray(device, technician):
    """A device registered at Vif, seen during the Anthoard campaign: a discrepancy."""
    from tests.factories import SiteFactory

    return DeviceFactory(asset_tag="GAM-000500", site=SiteFactory(name="Vif"))


def test_a_scan_elsewhere_reports_the_discrepancy_on_the_scan_page_and_the_report(tech_client, campaign, stray):
    response = tech_client.post(_scan_url(campaign), {"code": "GAM-000500"}, HTTP_ACCEPT="application/json")
    result = response.json()["results"][0]
    assert result["discrepancy"] is True and result["moved"] is False and "Vif" in result["message"]
    stray.refresh_from_db()
    assert stray.site.name == "Vif"
    scan = tech_client.get(_scan_url(campaign)).content.decode()
    assert "Écarts à trancher" in scan and 'name="move"' in scan and 'name="keep"' in scan
    report = tech_client.get(reverse("labels:audit-report", args=[campaign.pk])).content.decode()
    assert 'id="count-elsewhere">1<' in report and 'name="move"' in report
    rows = list(csv.reader(io.StringIO(b"".join(tech_client.get(
        reverse("labels:audit-report-csv", args=[campaign.pk]), {"dialect": "machine"}).streaming_content).decode())))
    elsewhere = [row for row in rows if row[0] == "found_elsewhere"]
    assert elsewhere[0][1] == "GAM-000500" and elsewhere[0][-1] == "open"


def test_the_user_moves_a_discrepancy_from_the_report(tech_client, campaign, stray, technician):
    sighting = services.record_sighting(campaign=campaign, code="GAM-000500", actor=technician).sighting
    response = tech_client.post(reverse("labels:audit-discrepancy", args=[campaign.pk]), {"move": sighting.pk})
    assert response.status_code == 302 and response["Location"].endswith("/report/#elsewhere")
    stray.refresh_from_db()
    assert stray.site == campaign.site
    report = tech_client.get(reverse("labels:audit-report", args=[campaign.pk])).content.decode()
    assert "Déplacé là où il a été vu" in report and f'value="{sighting.pk}"' not in report


def test_the_user_keeps_a_discrepancy_from_the_scan_page(tech_client, campaign, stray, technician):
    sighting = services.record_sighting(campaign=campaign, code="GAM-000500", actor=technician).sighting
    response = tech_client.post(reverse("labels:audit-discrepancy", args=[campaign.pk]),
                                {"keep": sighting.pk, "back": "scan"})
    assert response["Location"] == _scan_url(campaign)
    stray.refresh_from_db()
    assert stray.site.name == "Vif"
    assert Sighting.objects.get().decision == "kept"
    assert "Écarts à trancher" not in tech_client.get(_scan_url(campaign)).content.decode()


def test_a_sighting_of_another_campaign_cannot_be_decided_here(tech_client, campaign, stray, technician):
    from tests.factories import SiteFactory

    other = services.start_campaign(name="Ailleurs", site=SiteFactory(name="Eybens"), actor=technician)
    sighting = services.record_sighting(campaign=other, code="GAM-000500", actor=technician).sighting
    response = tech_client.post(reverse("labels:audit-discrepancy", args=[campaign.pk]), {"move": sighting.pk})
    assert response.status_code == 404
    assert tech_client.post(reverse("labels:audit-discrepancy", args=[campaign.pk]), {"move": "x"}).status_code == 404


def test_deciding_needs_the_right_to_change_devices(client, procurement, campaign, stray, technician):
    sighting = services.record_sighting(campaign=campaign, code="GAM-000500", actor=technician).sighting
    client.force_login(procurement)
    allowed = procurement.has_perm("inventory.change_device")
    response = client.post(reverse("labels:audit-discrepancy", args=[campaign.pk]), {"keep": sighting.pk})
    assert response.status_code == (302 if allowed else 403)


def test_the_scan_page_with_discrepancies_costs_a_bounded_number_of_queries(
        tech_client, campaign, technician, django_assert_max_num_queries):
    from tests.factories import SiteFactory

    vif = SiteFactory(name="Vif")
    for number in range(30):
        DeviceFactory(asset_tag=f"GAM-0009{number:02d}", site=vif)
        services.record_sighting(campaign=campaign, code=f"GAM-0009{number:02d}", actor=technician)
    with django_assert_max_num_queries(15):
        page = tech_client.get(_scan_url(campaign)).content.decode()
    assert page.count('name="move"') == 20 and "Tous dans le rapport" in page
