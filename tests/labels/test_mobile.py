"""Quick actions of the mobile device page: one short form each, back to the page with a message."""

import io

from django.urls import reverse
from PIL import Image

from inventory.models import Department, Event, Site, Status
from tests.factories import DepartmentFactory


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_moving_a_device_lands_back_on_the_mobile_page_with_a_confirmation(tech_client, device):
    gym = Site.objects.create(name="Gymnase", kind="building", parent=device.site.parent)
    response = tech_client.post("/d/GAM-000123/move/", {"site": gym.pk, "note": "Salle info fermée"}, follow=True)
    assert response.redirect_chain == [("/d/GAM-000123", 302)]
    assert _messages(response)[0][0] == "success"
    device.refresh_from_db()
    assert device.site == gym
    assert Event.objects.filter(device=device, kind=Event.Kind.MOVED).count() == 1


def test_moving_to_a_nonexistent_site_shows_a_clear_message_and_changes_nothing(tech_client, device):
    events = Event.objects.count()
    response = tech_client.post("/d/GAM-000123/move/", {"site": 999999})
    assert response.status_code == 200
    assert response.context["form"].errors["site"]
    device.refresh_from_db()
    assert device.site.name == "École Anthoard"
    assert Event.objects.count() == events


def test_moving_to_the_same_site_says_so_and_writes_nothing(tech_client, device):
    events = Event.objects.count()
    response = tech_client.post("/d/GAM-000123/move/", {"site": device.site_id}, follow=True)
    assert _messages(response)[0][0] == "info"
    assert Event.objects.count() == events


def test_assigning_a_device_records_who_has_it(tech_client, device):
    department = DepartmentFactory(code="EDU", name="Éducation")
    tech_client.post("/d/GAM-000123/assign/", {"assignee": "Mme Martin", "department": department.pk})
    device.refresh_from_db()
    assert (device.assignee, device.department) == ("Mme Martin", department)
    assert Event.objects.filter(device=device, kind=Event.Kind.ASSIGNED).exists()


def test_returning_a_device_clears_the_assignee_and_keeps_the_department(tech_client, device):
    department = device.department
    tech_client.post("/d/GAM-000123/assign/", {"assignee": "ignored", "return": "1"})
    device.refresh_from_db()
    assert device.assignee == "" and device.department == department
    assert Department.objects.filter(pk=department.pk).exists()


def test_the_status_page_offers_only_what_the_lifecycle_allows(tech_client, device):
    response = tech_client.get("/d/GAM-000123/status/")
    offered = [status for status, _label in response.context["transitions"]]
    assert offered == [Status.IN_STOCK, Status.RETIRED, Status.LOST]


def test_changing_the_status_lands_back_with_a_confirmation(tech_client, device):
    response = tech_client.post("/d/GAM-000123/status/", {"to": "in_stock", "expected": "in_service"}, follow=True)
    assert _messages(response)[0][0] == "success"
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK


def test_a_status_the_generic_buttons_do_not_offer_is_refused(tech_client, device):
    response = tech_client.post("/d/GAM-000123/status/", {"to": "in_repair", "expected": "in_service"})
    assert response.status_code == 200 and response.context["form"].errors
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE


def test_a_stale_status_change_is_refused_with_the_conflict_message(tech_client, device):
    response = tech_client.post("/d/GAM-000123/status/", {"to": "retired", "expected": "in_stock"})
    assert response.context["form"].non_field_errors()
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE


def test_adding_a_note_journals_it(tech_client, device):
    tech_client.post("/d/GAM-000123/note/", {"text": "Clavier à nettoyer"})
    assert Event.objects.filter(device=device, kind=Event.Kind.NOTE, note="Clavier à nettoyer").exists()


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def test_a_photo_is_stored_with_a_journal_event(tech_client, device, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = tech_client.post("/d/GAM-000123/photo/", {"photo": _jpeg(), "text": "Charnière cassée"}, follow=True)
    assert _messages(response)[0][0] == "success"
    event = Event.objects.get(device=device, kind=Event.Kind.NOTE)
    assert event.note == "Charnière cassée"
    assert event.attachment.name.startswith("events/") and (tmp_path / event.attachment.name).exists()


def test_a_file_that_is_not_an_image_is_refused(tech_client, device, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    response = tech_client.post("/d/GAM-000123/photo/", {"photo": fake})
    assert response.status_code == 200 and response.context["form"].errors["photo"]
    assert not Event.objects.filter(device=device, kind=Event.Kind.NOTE).exists()


def test_opening_a_repair_from_the_mobile_page_comes_back_to_it(tech_client, device):
    page = tech_client.get("/d/GAM-000123").content.decode()
    open_url = f"{reverse('repairs:repair-open', args=['GAM-000123'])}?next=/d/GAM-000123"
    assert open_url in page
    response = tech_client.post(open_url, {"symptom": "Bip au démarrage", "fault_category": "memory",
                                           "expected": "in_service", "next": "/d/GAM-000123"})
    assert response["Location"] == "/d/GAM-000123"


def test_procurement_without_event_rights_still_sees_the_page(client, procurement, device):
    client.force_login(procurement)
    assert client.get("/d/GAM-000123").status_code == 200


def test_an_action_from_the_qr_page_counts_as_a_sighting(tech_client, device):
    """Issue 10: a technician who acts on a device from its label had it in hand."""
    device.last_seen = None
    device.save()
    tech_client.post("/d/GAM-000123/note/", {"text": "Clavier nettoyé"})
    device.refresh_from_db()
    assert device.last_seen is not None
