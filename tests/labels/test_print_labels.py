"""``manage.py print_labels``."""

import pytest
from django.core.management import CommandError, call_command

from inventory import lifecycle
from tests.factories import DeviceFactory

from .conftest import decode_pdf


@pytest.fixture
def devices(db):
    first = DeviceFactory(asset_tag="GAM-000001")
    DeviceFactory(asset_tag="GAM-000002")
    lifecycle.transition(first, "in_service")


def test_the_command_prints_the_given_tags(devices, tmp_path):
    output = tmp_path / "labels.pdf"
    call_command("print_labels", "--template", "a4-4x10", "--tags", "GAM-000001,gam-000002", "-o", str(output))
    assert sorted(f.text for f in decode_pdf(output.read_bytes())) == [
        "http://127.0.0.1:8000/d/GAM-000001", "http://127.0.0.1:8000/d/GAM-000002"]


def test_the_command_prints_the_devices_of_a_list_filter(devices, tmp_path):
    output = tmp_path / "labels.pdf"
    call_command("print_labels", "--template", "roll-62mm", "--filter", "status=in_service", "-o", str(output))
    assert [f.text for f in decode_pdf(output.read_bytes())] == ["http://127.0.0.1:8000/d/GAM-000001"]


@pytest.mark.parametrize(("args", "message"), [
    (["--template", "nope", "--tags", "GAM-000001"], "Unknown template"),
    (["--tags", "GAM-000001,GAM-999999"], "GAM-999999"),
    (["--filter", "status=donated"], "No device"),
    (["--filter", "age_min=old"], "Invalid filter"),
    (["--tags", "GAM-000001", "--start", "25"], "--start"),
])
def test_the_command_refuses_bad_input_clearly_and_writes_nothing(devices, tmp_path, args, message):
    output = tmp_path / "labels.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("print_labels", *args, "-o", str(output))
    assert not output.exists()
