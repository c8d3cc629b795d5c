"""Uploads bounded: a decompression bomb is refused from its header, photos are stored clean,
and an oversized body stops while it streams."""

import io
import resource
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from config.images import MAX_PIXELS, clean_photo, open_image
from tests.factories import DeviceFactory


def bomb_png(side=20_000):
    """A valid PNG of side × side black pixels, a few hundred KB compressed (built by hand so
    the test itself never holds the decoded image)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_bomb_png_is_refused_from_its_header_within_a_memory_bound():
    payload = bomb_png()
    assert len(payload) < 1_000_000 and MAX_PIXELS < 20_000 * 20_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    with pytest.raises(ValidationError) as refused:
        open_image(io.BytesIO(payload))
    assert refused.value.code == "image_too_large"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # < 100 MB more


@pytest.mark.django_db
def test_the_audit_photo_scan_survives_a_bomb(client, technician):
    from labels.views.audits import _codes_in_photo

    assert _codes_in_photo(SimpleUploadedFile("bomb.png", bomb_png(), "image/png")) == []


def test_a_stored_photo_is_re_encoded_without_metadata():
    image = Image.new("RGB", (4000, 3000), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)
    cleaned = clean_photo(SimpleUploadedFile("IMG_1.jpeg", raw.getvalue(), "image/jpeg"))
    stored = Image.open(io.BytesIO(cleaned.read()))
    assert stored.format == "JPEG" and max(stored.size) == 2048
    assert not stored.getexif()
    assert b"SecretPhoneMaker" not in cleaned.read()


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=50_000)
def test_an_upload_past_the_limit_is_stopped_and_nothing_is_stored(client, technician, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    device = DeviceFactory()
    client.force_login(technician)
    big = SimpleUploadedFile("big.jpg", b"\xff" * 200_000, "image/jpeg")
    response = client.post(f"/d/{device.asset_tag}/photo/", {"photo": big})
    assert response.status_code in (200, 400)
    assert not device.events.exclude(attachment="").exists()
    assert not any(tmp_path.rglob("*.jpg"))
