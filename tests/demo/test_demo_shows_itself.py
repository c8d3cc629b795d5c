"""The demo shows its headline features at once (issue 13)."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from inventory.models import Event, Flag, Shipment, Status
from labels.models import AuditCampaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_seed_demo_runs_the_review_seeds_campaigns_and_gives_staff_addresses(debug):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Flag.objects.exists(), "the review ran once"
    assert "Review" in out.getvalue()
    named = set(Event.objects.filter(kind=Event.Kind.SIGHTED).exclude(note="").values_list("note", flat=True))
    assert named and named <= set(AuditCampaign.objects.values_list("name", flat=True))
    shipment = Shipment.objects.get()  # one dispatched WEEE shipment, so its pages are not empty
    assert shipment.state == Shipment.State.DISPATCHED and shipment.weights.exists()
    assert {item.device.status for item in shipment.items.select_related("device")} == {Status.RECYCLED}
    for username in ("admin", "technicien", "achats"):
        assert get_user_model().objects.get(username=username).email == f"{username}@prolonge.example"


def test_public_base_url_follows_port():
    code = "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    env = {**os.environ, "PORT": "8123", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("PUBLIC_BASE_URL", None)
    printed = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                             capture_output=True, text=True, cwd=settings.BASE_DIR, check=True).stdout.strip()
    assert printed == "http://127.0.0.1:8123"


def test_development_e_mails_are_one_line_each():
    from django.core.mail import EmailMessage

    from config.mail import SummaryEmailBackend

    stream = io.StringIO()
    sent = SummaryEmailBackend(stream=stream).send_messages(
        [EmailMessage("Votre compte Prolonge", "long body\n" * 50, to=["contact@asso.example"])])
    assert sent == 1
    assert stream.getvalue() == "[e-mail not sent, development] to contact@asso.example: Votre compte Prolonge\n"
