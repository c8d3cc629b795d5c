"""Decoding uploaded images within a memory bound, and storing them clean.

A 419 KB PNG that declares 12,000 × 12,000 pixels once took 1.2 GB and 7 s of CPU on the audit
photo scan: Pillow's own guard only warns below 179 megapixels. Every image we decode goes
through ``open_image``, which reads the header (lazy ``Image.open``) and refuses more than
``MAX_PIXELS`` decoded pixels before a single row is decompressed. Photos kept in the journal
are re-encoded (``clean_photo``): EXIF (GPS position, device serial) and any trailing payload
are dropped, orientation applied, size bounded.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# 24 megapixels: a 2024 phone's full-resolution photo; ~72 MB decoded as RGB, at most.
MAX_PIXELS = 24_000_000
STORED_MAX_SIDE = 2048


def open_image(file):
    """A lazily opened image whose decoded size is known to be bounded, or ValidationError."""
    try:
        file.seek(0)
        image = Image.open(file)
    except Image.DecompressionBombError as error:
        raise ValidationError(_("The image is too large (more than 24 megapixels)."), code="image_too_large") from error
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(_("This file is not an image we can read."), code="invalid_image") from error
    width, height = image.size
    if width * height > MAX_PIXELS or image.format not in ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"):
        raise ValidationError(_("The image is too large (more than 24 megapixels)."), code="image_too_large")
    return image


def clean_photo(file):
    """The photo re-encoded as JPEG, without metadata, at most ``STORED_MAX_SIDE`` pixels a side."""
    image = open_image(file)
    try:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image we can read."), code="invalid_image") from error
    stem = (getattr(file, "name", "") or "photo").rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.jpg")
