"""Throttling and accounts (issue 14 item 7) and the Content-Security-Policy (item 8)."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from reuse.models import Association
from tests.factories import UserFactory
from tests.reuse.factories import EligibilityFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Un-Mot-De-Passe-Solide-42"


@pytest.fixture(autouse=True)
def fresh_counters():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def login(client, username, password, address="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one_then(client, settings):
    user = UserFactory(username="agent")
    user.set_password(PASSWORD)
    user.save()
    answers = [login(client, "agent", "faux").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then the lock
    response = login(client, "agent", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion bloquée" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address_too(client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"inconnu{n}", "faux", address="198.51.100.7")
    user = UserFactory(username="autre")
    user.set_password(PASSWORD)
    user.save()
    assert login(client, "autre", PASSWORD, address="198.51.100.7").status_code == 429
    assert login(client, "autre", PASSWORD, address="198.51.100.8").status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(client, settings):
    user = UserFactory(username="agent")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "agent", "faux")
    assert login(client, "agent", PASSWORD).status_code == 302


def test_password_reset_is_throttled_per_address(client, settings, mailoutbox):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset": "3/hour"}
    url = reverse("password_reset")
    answers = [client.post(url, {"email": f"x{n}@metro.example"}, REMOTE_ADDR="192.0.2.20").status_code
               for n in range(4)]
    assert answers == [302, 302, 302, 429]
    assert "Trop de tentatives" in client.post(url, {"email": "y@metro.example"},
                                               REMOTE_ADDR="192.0.2.20").content.decode()


def test_password_reset_is_throttled_per_email_whatever_the_address(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset": "2/hour"}
    url = reverse("password_reset")
    answers = [client.post(url, {"email": "cible@metro.example"}, REMOTE_ADDR=f"192.0.2.{n}").status_code
               for n in range(3)]
    assert answers == [302, 302, 429]


def application(rna, **extra):
    return {"name": "Le Fil", "rna": rna, "siret": "", "eligibility": EligibilityFactory().pk,
            "purpose": "Ateliers", "address": "2 rue Très-Cloîtres, Grenoble", "contact_name": "Nora",
            "contact_email": "nora@fil.example", "consent": "on", "website": "", **extra}


def test_the_application_form_is_throttled(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "application": "2/hour"}
    answers = [client.post(reverse("reuse:apply"), application(f"W38111222{n}"), REMOTE_ADDR="192.0.2.30").status_code
               for n in range(3)]
    assert answers == [302, 302, 429]
    assert Association.objects.count() == 2


def test_the_application_form_does_not_reveal_a_registered_number(client):
    first = client.post(reverse("reuse:apply"), application("W381112229"))
    again = client.post(reverse("reuse:apply"), application("W381112229", name="Curieux"))
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    assert Association.objects.count() == 1


def test_the_api_is_throttled_per_user(technician, monkeypatch):
    # DRF reads its rates once, at import: the class attribute is what a test can change.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"})
    api = APIClient()
    api.force_authenticate(technician)
    answers = [api.get("/api/devices/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_every_page_carries_a_csp_without_inline_script(client, technician):
    client.force_login(technician)
    policy = client.get(reverse("inventory:device-list"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_the_api_docs_page_has_no_inline_script(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("api-docs")).content.decode()
    assert "<script>" not in page.replace(" ", "")
    assert "<script src=" in page
