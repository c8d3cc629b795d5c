"""Building blocks of the legal PDF documents (reportlab), shared by ``reuse`` and ``inventory``.

Styles on the embedded DejaVu fonts (``config.pdf_fonts``: every name prints, text extractable),
escaped and bounded paragraphs (``p``, ``clause``), a two-column facts table (``facts``), the device
table style (``GRID``), the parties' signature boxes (``signatures``), dates without the time
(``day``) and ``render``, which builds a story twice so that every page says "page N / M".
reuse's agreement and certificate (``reuse.pdf``) and the documents of the exit routes
(``inventory.exits.documents``) are made of these; the texts stay with each document.
"""

from io import BytesIO

from django.conf import settings
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from config import pdf_fonts

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName=pdf_fonts.SANS, fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
TITLE = ParagraphStyle("title", parent=STYLES["Title"], fontName=pdf_fonts.SANS_BOLD, fontSize=16, leading=20)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading3"], fontName=pdf_fonts.SANS_BOLD, fontSize=11, spaceBefore=8,
                         keepWithNext=1)
TABLE_HEADING = ParagraphStyle("table-heading", parent=HEADING, keepWithNext=0)
HASH = ParagraphStyle("hash", parent=BODY, fontName=pdf_fonts.MONO, fontSize=8.5, leading=11)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5)
LINE = ParagraphStyle("line", parent=BODY, fontSize=7.5, leading=9)

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (-1, 0), pdf_fonts.SANS_BOLD),
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
])
FACTS = TableStyle([
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (0, -1), pdf_fonts.SANS_BOLD),
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
])

# The layout engine's cost grows faster than the text: a 1 MB serial once took 3–8 s of CPU.
# No real cell is longer; the stored data (and its hash) keep the full text.
CELL_MAX_CHARS = 600

# The document's own wording (articles, annexes) is longer than a cell but bounded by the code and
# the settings it quotes (decision, delegation): a wider limit, never reached by real text.
CLAUSE_MAX_CHARS = 4000


def p(text, style=BODY, limit=CELL_MAX_CHARS):
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return Paragraph(escape(text), style)


def clause(text, style=BODY):
    """A paragraph of the document's own text (an article, the annex)."""
    return p(text, style, limit=CLAUSE_MAX_CHARS)


def render(title, make_story, reference):
    """Build the story twice: the first pass counts the pages for the "page N / M" footers."""
    owner = settings.PROLONGE["OWNER_NAME"]

    def build(total):
        def footer(canvas, doc):
            canvas.saveState()
            canvas.setFont(pdf_fonts.SANS, 7.5)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(18 * mm, 10 * mm, f"{reference} — {owner}")
            label = (_("page %(number)d / %(total)d") % {"number": doc.page, "total": total} if total
                     else _("page %(number)d") % {"number": doc.page})
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, label)
            canvas.restoreState()

        buffer = BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
            title=title, author=owner, creator="Prolonge", lang=settings.LANGUAGE_CODE,
        )
        doc.build(make_story(), onFirstPage=footer, onLaterPages=footer)
        return buffer.getvalue(), doc.page

    pages = build(0)[1]
    return build(pages)[0]


def when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def day(value):
    """The date alone (legal documents: "le 4 décembre 2026", never the time); a date or a datetime."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def facts(rows):
    table = Table([[p(label, CELL), p(value, CELL)] for label, value in rows], colWidths=[52 * mm, None])
    table.setStyle(FACTS)
    return table


def authority_rows(identity):
    return [
        (_("Authority"), identity["name"]),
        (_("SIRET"), identity["siret"]),
        (_("Address"), identity["address"]),
    ]


def hash_annex(value, explanation):
    return KeepTogether([
        clause(_("Annex — Digital fingerprint of this document"), HEADING),
        clause(explanation),
        Spacer(0, 2 * mm),
        clause(_("SHA-256 fingerprint:"), SMALL),
        p(value, HASH),
    ])


def signatures(parties):
    """The signature boxes side by side: ``parties`` is [(party, name, role)] (role may be "")."""

    def block(party, name, role=""):
        return [
            clause(_("For %(party)s") % {"party": party}, CELL),
            p(name, CELL),
            *([p(role, CELL)] if role else []),
            clause(_("Signature:"), CELL),
            Spacer(0, 18 * mm),
        ]

    width = f"{100 // len(parties)}%"
    table = Table([[block(*party) for party in parties]], colWidths=[width] * len(parties))
    table.setStyle(TableStyle([
        *[("BOX", (column, 0), (column, 0), 0.4, colors.grey) for column in range(len(parties))],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table
