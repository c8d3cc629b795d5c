"""The annual report as PDF (reportlab, standard fonts: text stays extractable).

It prints ``annual.sections(report)``: the very lines the HTML page prints, so both hold the
same figures (``tests/reports/test_annual.py`` compares them).
"""

from io import BytesIO

from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import annual

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName="Helvetica", fontSize=9, leading=11.5)
TITLE = ParagraphStyle("title", parent=STYLES["Title"], fontName="Helvetica-Bold", fontSize=15, leading=19)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading3"], fontName="Helvetica-Bold", fontSize=11, spaceBefore=8)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
    ]
)


def p(text, style=BODY):
    return Paragraph(escape(str(text)), style)


def annual_report(report):
    """PDF bytes of a built report (``annual.build``)."""
    year = report["year"]
    story = [
        p(
            _("IT equipment: responsible digital strategy report %(year)s — %(owner)s")
            % {"year": year, "owner": report["owner"]["name"]},
            TITLE,
        ),
        p(
            _("Figures computed from the journal as of the end of %(day)s (loi REEN, décret 2022-1084).")
            % {"day": report["as_of"]}
        ),
    ]
    for number, (section, lines) in enumerate(annual.sections(report), start=1):
        story.append(p(f"{number}. {section}", HEADING))
        data = [[p(_("Indicator")), p(_("Value")), p(_("Unit"))]]
        data += [[p(label), p(value), p(unit)] for label, value, unit in lines]
        table = Table(data, colWidths=[105 * mm, 30 * mm, 39 * mm], repeatRows=1)
        table.setStyle(GRID)
        story.append(table)
    story += [
        Spacer(1, 6 * mm),
        p(_("Methodology annex"), HEADING),
        p(
            _(
                "Status on 31 December: the last status change in the journal before 1 January. Lifespans: "
                "Kaplan–Meier estimates, devices still in use censored, log(−log) Greenwood 95 % interval. "
                "Décret 2023-266 ratio: A ÷ B. AGEC shares: amounts excluding VAT. Footprint: embodied kg CO2e, "
                "annualised over the years served; avoided = embodied × displacement rate."
            )
        ),
    ]
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Annual report %(year)s") % {"year": year},
        author=report["owner"]["name"],
        creator="Prolonge",
    )
    doc.build(story)
    return buffer.getvalue()
