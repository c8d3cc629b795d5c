import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory import lifecycle
from inventory.models import Event, Status
from reuse.exceptions import ReuseRefused

from ..conftest import erase, retired_device

pytestmark = pytest.mark.django_db


def test_recording_an_erasure_issues_a_numbered_certificate_and_journals_it(tech):
    device = retired_device()
    erasure = erase(device, tech)
    assert erasure.number == f"EFF-{device.asset_tag}-1"
    assert erasure.certificate.name.endswith(f"{erasure.number}.pdf")
    assert len(erasure.content_hash) == 64
    event = device.events.latest("at")
    assert event.kind == Event.Kind.ERASED
    assert event.data == {"erasure_id": erasure.pk, "certificate": erasure.number, "passed": True}
    assert event.from_status == "" and event.to_status == ""
    assert erase(device, tech).number == f"EFF-{device.asset_tag}-2"


def test_the_operator_defaults_to_the_person_recording(tech):
    from reuse import services

    erasure = services.record_erasure(device=retired_device(), actor=tech, method="clear", tool="shred",
                                      passed=True)
    assert erasure.operator_name == "Camille Martin"


def test_an_erasure_in_the_future_is_refused(tech):
    with pytest.raises(ValidationError):
        erase(retired_device(), tech, performed_at=timezone.now() + dt.timedelta(days=1))


def test_a_device_that_left_for_good_cannot_be_erased(tech):
    device = retired_device(storage=False)
    lifecycle.transition(device, Status.LOST)
    with pytest.raises(ReuseRefused):
        erase(device, tech)
