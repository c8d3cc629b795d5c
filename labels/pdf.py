"""Sheets of labels as a PDF: the QR code drawn as vector rectangles, the tag, the owner line.

No raster image per code: each code is one filled path of rectangles in module units (a few
hundred bytes once compressed), so a thousand labels render in about a second and print sharp
at any resolution.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from config import pdf_fonts

from .qr import device_url, qr_matrix, qr_path

TAG_FONT = pdf_fonts.SANS_BOLD
OWNER_FONT = pdf_fonts.SANS
# Blank modules kept around the code inside the label's padding (the QR "quiet zone").
QUIET_MODULES = 2
# Below this width of text area beside the code, text goes under the code instead.
MIN_SIDE_TEXT_MM = 12


@dataclass(frozen=True)
class Slot:
    """Where one label sits on its page, in points from the bottom-left corner."""

    page: int
    position: int  # 1-based position on the page, row by row from the top-left
    x: float
    y: float
    width: float
    height: float


def _pt(value_mm):
    return float(value_mm) * mm


def slot_box(template, position):
    """(x, y, width, height) in points of label ``position`` (1-based) on a page."""
    index = position - 1
    row, column = divmod(index, template.columns)
    width, height = _pt(template.label_width_mm), _pt(template.label_height_mm)
    x = _pt(template.margin_left_mm) + column * (width + _pt(template.gap_x_mm))
    top = _pt(template.page_height_mm) - _pt(template.margin_top_mm) - row * (height + _pt(template.gap_y_mm))
    return x, top - height, width, height


def layout(template, count, start=1):
    """The slots of ``count`` labels, the first one at position ``start`` of the first page."""
    per_page = template.labels_per_page
    if not 1 <= start <= per_page:
        raise ValueError(f"start must be between 1 and {per_page}")
    slots = []
    for n in range(start - 1, start - 1 + count):
        page, index = divmod(n, per_page)
        slots.append(Slot(page, index + 1, *slot_box(template, index + 1)))
    return slots


def page_count(template, count, start=1):
    return 0 if count == 0 else (start - 1 + count - 1) // template.labels_per_page + 1


def draw_vector_qr(canvas, data, x, y, side):
    """Draw the QR code of ``data`` in the square (x, y, side) as one filled vector path.

    The path is written as PDF operators in module units under a scaling transform: integer
    coordinates keep it short, and one fill of the whole path leaves no seams between modules.
    """
    matrix = qr_matrix(data)
    module = side / (len(matrix) + 2 * QUIET_MODULES)
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, x + QUIET_MODULES * module,
                     y + side - QUIET_MODULES * module)
    canvas.addLiteral(qr_path(matrix))
    canvas.restoreState()


def _fit_lines(text, font, width, max_size, min_size, max_lines):
    """Split ``text`` into at most ``max_lines`` lines that fit ``width`` at the largest size.

    Returns (size, lines); the last line is cut with an ellipsis if nothing fits.
    """
    words = text.split()
    size = max_size
    while True:
        lines, current = [], ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if stringWidth(candidate, font, size) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        fits = all(stringWidth(line, font, size) <= width for line in lines)
        if (len(lines) <= max_lines and fits) or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    if len(lines) > max_lines or not all(stringWidth(line, font, size) <= width for line in lines):
        lines = lines[:max_lines]
        last = lines[-1]
        while last and stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return size, lines


class LabelPainter:
    """Draws one label; geometry of the code and text is computed once per template."""

    def __init__(self, template, owner, draw_code=draw_vector_qr):
        self.owner = owner if template.show_owner else ""
        self.draw_code = draw_code
        pad = _pt(template.padding_mm)
        width, height = _pt(template.label_width_mm), _pt(template.label_height_mm)
        self.pad = pad
        side = min(height, width) - 2 * pad
        beside = width - side - 3 * pad
        self.text_beside = beside >= MIN_SIDE_TEXT_MM * mm
        if self.text_beside:
            self.side = side
            self.text_width = beside
        else:
            # Narrow label: code on top, a band of text below it.
            self.side = min(width - 2 * pad, height - 2 * pad - 0.35 * height)
            self.text_width = width - 2 * pad
        self.height, self.width = height, width
        self.tag_max = min(16.0, max(6.0, self.side / 3.2))
        self.owner_max = max(4.5, self.tag_max * 0.55)

    def paint(self, canvas, slot, tag):
        pad, side = self.pad, self.side
        if self.text_beside:
            code_x, code_y = slot.x + pad, slot.y + (slot.height - side) / 2
            text_x = code_x + side + pad
            text_top = slot.y + slot.height - pad
            text_bottom = slot.y + pad
        else:
            code_x, code_y = slot.x + (slot.width - side) / 2, slot.y + slot.height - pad - side
            text_x = slot.x + pad
            text_top = code_y - pad / 2
            text_bottom = slot.y + pad / 2
        self.draw_code(canvas, device_url(tag), code_x, code_y, side)
        self._paint_text(canvas, tag, text_x, text_top, text_bottom)

    def _paint_text(self, canvas, tag, x, top, bottom):
        tag_size, tag_lines = _fit_lines(tag, TAG_FONT, self.text_width, self.tag_max, 4, 1)
        block = [(TAG_FONT, tag_size, tag_lines[0])]
        if self.owner:
            owner_size, owner_lines = _fit_lines(self.owner, OWNER_FONT, self.text_width,
                                                 self.owner_max, 4, 3)
            block += [(OWNER_FONT, owner_size, line) for line in owner_lines]
        leading = [size * 1.2 for _, size, _ in block]
        # Centre the block vertically in the text area.
        y = (top + bottom) / 2 + sum(leading) / 2
        for (font, size, line), lead in zip(block, leading, strict=True):
            y -= lead
            canvas.setFont(font, size)
            canvas.drawString(x, y + (lead - size) / 2 + size * 0.2, line)


def render_labels(tags, *, template, start=1, owner=None, draw_code=draw_vector_qr):
    """A PDF (bytes) with one label per asset tag, laid out on ``template``'s pages.

    ``start`` is the first free position (1-based) on the first sheet, for a partly used sheet.
    ``draw_code`` paints the code; the benchmark swaps in a per-code PNG to compare.
    """
    tags = list(tags)
    with _binary_streams():
        return _render(tags, template, start, owner, draw_code)


@contextmanager
def _binary_streams():
    """Write compressed streams as binary, not ASCII85 (a 7-bit e-mail relic costing 25 %).

    reportlab reads this global when it creates a stream; restoring it keeps other PDFs of the
    process as they were.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _render(tags, template, start, owner, draw_code):
    owner = settings.PROLONGE["OWNER_NAME"] if owner is None else owner
    buffer = BytesIO()
    pagesize = (_pt(template.page_width_mm), _pt(template.page_height_mm))
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1, invariant=1)
    canvas.setTitle(f"Prolonge — {template.name}")
    canvas.setAuthor(owner)
    canvas.setCreator("Prolonge")
    painter = LabelPainter(template, owner, draw_code)
    current_page = 0
    for slot, tag in zip(layout(template, len(tags), start), tags, strict=True):
        if slot.page != current_page:
            canvas.showPage()
            current_page = slot.page
        painter.paint(canvas, slot, tag)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
