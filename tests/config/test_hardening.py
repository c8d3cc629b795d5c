"""400, never 500: NUL bytes, deep JSON; journal photos only through a checked view."""

import json

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from config.parsers import MAX_DEPTH, json_depth
from inventory import journal
from inventory.models import Event
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/devices/GAM%00/", "/devices/?q=a%00b", "/api/devices/?q=%00", "/api/devices/?status=in_stock%00"],
)
def test_nul_in_path_or_query_answers_400(client, technician, url):
    client.force_login(technician)
    assert client.get(url).status_code == 400


def test_nul_in_a_json_body_answers_400_with_a_code(technician):
    api = APIClient()
    api.force_login(technician)
    response = api.post("/api/devices/", data='{"asset_tag": "A\\u0000B"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_nul_in_a_form_body_answers_400(client, technician):
    client.force_login(technician)
    response = client.post("/devices/new/", data="asset_tag=A%00B", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_depth_scanner_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": "[[[[[[", "b": [1, {"c": 2}]}') == 3


def test_deeply_nested_json_answers_400_not_a_recursion_error(technician):
    api = APIClient()
    api.force_login(technician)
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/api/devices/", data=body, content_type="application/json")
    assert response.status_code == 400
    nested = json.dumps({"notes": [[["x"]]]})
    assert json_depth(nested.encode()) <= MAX_DEPTH


def test_journal_photo_is_served_to_staff_only_and_never_cached(client, technician, association_user, settings,
                                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    device = DeviceFactory()
    event = journal.record(device, Event.Kind.NOTE, note="photo", attachment=ContentFile(b"\x89PNG fake", "p.png"))
    url = f"/events/{event.pk}/photo/"
    client.force_login(association_user)
    assert client.get(url).status_code == 403
    client.force_login(technician)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.get(f"/media/{event.attachment.name}").status_code == 404


def test_the_demo_password_is_refused_at_login_when_debug_is_off(settings, rf):
    from django.contrib.auth import authenticate

    from tests.factories import UserFactory

    request = rf.post("/accounts/login/")  # django-axes, first backend, needs the request

    user = UserFactory(username="admin")
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    settings.DEBUG = False
    assert authenticate(request, username="admin", password=settings.DEMO_PASSWORD) is None
    settings.DEBUG = True
    assert authenticate(request, username="admin", password=settings.DEMO_PASSWORD) == user


def test_api_answers_are_never_stored(technician):
    api = APIClient()
    api.force_login(technician)
    assert "no-store" in api.get("/api/devices/")["Cache-Control"]
