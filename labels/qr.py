"""QR codes: what they encode, their module matrix, and reading them back from a photo.

A code encodes ``<PUBLIC_BASE_URL>/d/<asset_tag>``: any phone camera opens the device page, and
no personal data is printed. Error correction M (15 % of the code may be damaged or dirty).
"""

import re
from urllib.parse import quote, unquote, urlsplit

import qrcode
import zxingcpp
from django.conf import settings
from qrcode.constants import ERROR_CORRECT_M

from inventory.models import normalize_asset_tag

# What a tag may contain once upper-cased: letters, digits, dash, dot, underscore (no blank,
# no slash): anything else is a misread or a forged link, not one of our labels.
TAG_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
_PATH_RE = re.compile(r"/d/(?P<tag>[^/?#]+)/?$", re.IGNORECASE)
# ISO/IEC 18004 lets the encoder pick any of 8 mask patterns; qrcode's default tries all 8 and
# keeps the lowest penalty, which is 75 % of the time of a 1,000-label sheet. Every mask is
# valid for every decoder: we fix the one that wins most often on our URLs (measured on 900
# generated URLs) and decode every printed code back in the tests (see docs/labels.md).
MASK_PATTERN = 3


def device_url(asset_tag):
    """The URL printed in a device's QR code."""
    return f"{settings.PUBLIC_BASE_URL}/d/{quote(asset_tag, safe='-._~')}"


def is_valid_tag(tag):
    return bool(TAG_RE.match(tag or ""))


def tag_from_scan(text):
    """The asset tag in what a scanner or a camera read: one of our URLs, or a bare tag.

    Returns the normalised (upper-case) tag, possibly invalid: callers check ``is_valid_tag``.
    """
    text = (text or "").strip()
    if "/" in text:
        match = _PATH_RE.search(urlsplit(text).path or text)
        if match:
            return normalize_asset_tag(unquote(match.group("tag")))
    return normalize_asset_tag(text)


def qr_matrix(data):
    """The code's modules as a tuple of rows of booleans (True = dark), without quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1,
                         mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_path(matrix):
    """PDF path operators filling the dark modules, in module units (rows counted downwards)."""
    return "\n".join(f"{x} {y} {w} {h} re" for x, y, w, h in qr_rectangles(matrix)) + "\nf"


def qr_rectangles(matrix):
    """Cover the dark modules with few rectangles ``(x, y, width, height)`` in module units.

    Horizontal runs of dark modules are merged, then identical runs of consecutive rows are
    stacked into one taller rectangle (finder patterns become a handful of rectangles). Fewer
    rectangles mean a smaller PDF and faster rendering. ``y`` counts rows from the top.
    """
    rectangles = []
    open_runs = {}  # (x, width) -> the rectangle ending on the row above
    for y, row in enumerate(matrix):
        still_open = {}
        x, size = 0, len(row)
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            run = (start, x - start)
            rect = open_runs.get(run)
            if rect is None:
                rect = [start, y, x - start, 1]
                rectangles.append(rect)
            else:
                rect[3] += 1
            still_open[run] = rect
        open_runs = still_open
    return [tuple(rect) for rect in rectangles]


def decode_image(image):
    """Texts of the QR codes found in a PIL image (a photo of one or more labels)."""
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            if result.valid and result.text]
