"""The fonts of every PDF (labels, certificates, agreements), embedded so that every name prints.

The 14 standard PDF fonts (Helvetica…) only cover Windows-1252: "Łukasz Wiśniewski-Nguyễn" came
out as ■, so the printed facts differed from the hashed ones. DejaVu covers Latin Extended and
Vietnamese; reportlab embeds (subsets of) the TrueType files. Found, in order: ``PROLONGE_PDF_FONT_DIR``,
Debian's ``fonts-dejavu-core`` (README, Dockerfile), the copy matplotlib ships when it is installed.
Use the names below (``SANS``, ``SANS_BOLD``, ``MONO``) as ``fontName``.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "ProlongeSans"
SANS_BOLD = "ProlongeSans-Bold"
MONO = "ProlongeMono"
FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}


def _candidate_dirs():
    if os.environ.get("PROLONGE_PDF_FONT_DIR"):
        yield Path(os.environ["PROLONGE_PDF_FONT_DIR"])
    yield Path("/usr/share/fonts/truetype/dejavu")
    yield Path("/usr/share/fonts/dejavu")
    try:
        import matplotlib

        yield Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    except ImportError:
        pass


def font_dir():
    for folder in _candidate_dirs():
        if all((folder / name).is_file() for name in FILES.values()):
            return folder
    raise ImproperlyConfigured(
        "DejaVu fonts not found: install Debian's fonts-dejavu-core or set PROLONGE_PDF_FONT_DIR "
        "to a folder holding DejaVuSans.ttf, DejaVuSans-Bold.ttf and DejaVuSansMono.ttf."
    )


def register():
    """Register the fonts with reportlab once (idempotent); returns their names."""
    if SANS not in pdfmetrics.getRegisteredFontNames():
        folder = font_dir()
        for name, filename in FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
    return SANS, SANS_BOLD, MONO


register()
