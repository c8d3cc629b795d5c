"""labels.qr: what a code encodes and how its modules become rectangles."""

import pytest
import qrcode
import zxingcpp
from django.test import override_settings
from PIL import Image

from labels.qr import decode_image, device_url, is_valid_tag, qr_matrix, qr_rectangles, tag_from_scan


@override_settings(PUBLIC_BASE_URL="https://parc.example.fr")
def test_a_code_encodes_the_public_url_of_the_device():
    assert device_url("GAM-000123") == "https://parc.example.fr/d/GAM-000123"


def _image(matrix, box=4, border=4):
    size = (len(matrix) + 2 * border) * box
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, ((x + border) * box, (y + border) * box, (x + border + 1) * box, (y + border + 1) * box))
    return image


def test_codes_use_error_correction_m_or_better():
    result = zxingcpp.read_barcode(_image(qr_matrix("https://parc.example.fr/d/GAM-000123")))
    assert result.text == "https://parc.example.fr/d/GAM-000123"
    assert result.ec_level in {"M", "Q", "H"}


def test_the_matrix_is_the_one_the_qrcode_package_makes():
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=3)
    code.add_data("https://parc.example.fr/d/GAM-000123")
    code.make(fit=True)
    assert qr_matrix("https://parc.example.fr/d/GAM-000123") == code.get_matrix()


def test_the_rectangles_cover_exactly_the_dark_modules():
    matrix = qr_matrix("https://parc.example.fr/d/GAM-000123")
    covered = [[0] * len(matrix) for _ in matrix]
    for x, y, w, h in qr_rectangles(matrix):
        for row in range(y, y + h):
            for col in range(x, x + w):
                covered[row][col] += 1
    assert covered == [[1 if dark else 0 for dark in row] for row in matrix]


def test_the_rectangles_are_fewer_than_the_dark_modules():
    matrix = qr_matrix("https://parc.example.fr/d/GAM-000123")
    dark = sum(sum(row) for row in matrix)
    assert len(qr_rectangles(matrix)) < dark / 2


@pytest.mark.parametrize(("scanned", "tag"), [
    ("https://parc.example.fr/d/GAM-000123", "GAM-000123"),
    ("http://127.0.0.1:8000/d/gam-000123/", "GAM-000123"),
    ("  gam-000123\n", "GAM-000123"),
    ("GAM-000123", "GAM-000123"),
])
def test_a_scan_gives_the_asset_tag_from_a_url_or_a_bare_tag(scanned, tag):
    assert tag_from_scan(scanned) == tag


@pytest.mark.parametrize("tag", ["GAM 0001", "GAM/0001", "<script>", "GAMÉ-1", "A" * 33, "", "-GAM"])
def test_odd_characters_do_not_make_a_valid_tag(tag):
    assert not is_valid_tag(tag)


def test_a_photo_of_a_code_is_decoded_on_the_server():
    assert decode_image(_image(qr_matrix("http://127.0.0.1:8000/d/GAM-000042"))) == [
        "http://127.0.0.1:8000/d/GAM-000042"]
