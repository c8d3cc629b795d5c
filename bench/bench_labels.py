"""Label sheets: 1,000 labels in one PDF, vector QR codes against per-code PNG images.

Both runs lay out the same labels on the same template with the same QR matrices (same
``qrcode`` settings); only the drawing of the code differs. The baseline is what one gets by
saving each code as a PNG (``qrcode``'s PIL image, 10 px per module, ~300 dpi on the label)
and placing it with reportlab's ``drawImage``.

Run alone: ``python bench/bench_labels.py`` (or ``make bench`` with ``BENCH_ONLY=labels``).
"""

import sys
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LABELS = 1000
TEMPLATE = "a4-3x8"
PNG_BOX_SIZE = 10


def draw_png_qr(canvas, data, x, y, side):
    """Baseline painter: the code as a PNG image made by ``qrcode``, placed in the square."""
    import qrcode
    from reportlab.lib.utils import ImageReader

    from labels.pdf import QUIET_MODULES
    from labels.qr import MASK_PATTERN

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=PNG_BOX_SIZE,
                         border=QUIET_MODULES, mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    png = BytesIO()
    code.make_image().save(png, format="PNG")
    png.seek(0)
    canvas.drawImage(ImageReader(png), x, y, side, side)


def _tags(n):
    """Asset tags of the benchmark fleet, or generated ones when no fleet generator exists yet."""
    from django.core.management.base import CommandError

    from bench.common import ensure_fleet
    from inventory.models import Device

    try:
        ensure_fleet(n)
    except CommandError as error:
        print(f"(no fleet generator: {error}; using {n:,} generated tags)")
        return [f"GAM-{i:06d}" for i in range(1, n + 1)]
    return list(Device.objects.order_by("asset_tag").values_list("asset_tag", flat=True)[:n])


def main():
    from django.conf import settings

    from bench.common import measure, print_report
    from labels.models import LabelTemplate
    from labels.pdf import render_labels

    tags = _tags(LABELS)
    template = LabelTemplate.objects.get(slug=TEMPLATE)
    out = {}

    def vector():
        out["vector"] = render_labels(tags, template=template)

    def png_per_code():
        out["png"] = render_labels(tags, template=template, draw_code=draw_png_qr)

    vector_s, vector_q = measure(vector)
    png_s, png_q = measure(png_per_code)
    vector_kb, png_kb = len(out["vector"]) / 1024, len(out["png"]) / 1024
    print_report(
        f"labels: {len(tags):,} labels on {template.name}, codes for {settings.PUBLIC_BASE_URL}/d/…",
        [
            {"method": "vector QR (ours)", "seconds": vector_s, "size_kb": vector_kb, "queries": vector_q},
            {"method": "PNG per code (baseline)", "seconds": png_s, "size_kb": png_kb, "queries": png_q},
        ],
    )
    print(f"vector vs PNG baseline: {png_s / vector_s:.1f}x faster, {png_kb / vector_kb:.1f}x smaller "
          f"(target: under 5 s and smaller than the baseline: "
          f"{'met' if vector_s < 5 and vector_kb < png_kb else 'NOT met'})")


if __name__ == "__main__":
    from bench.common import setup_django

    setup_django()
    main()
