"""PDF documents of reuse (reportlab): the erasure certificate and the transfer agreement.

Both are rendered in the site's default language (French) from the stored rows, and print the
SHA-256 content hash stored with the row (see ``reuse.models.content_hash`` for what it covers).
Embedded DejaVu fonts (config.pdf_fonts): every name prints, text extractable.
"""

from io import BytesIO

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from config import pdf_fonts

from .conf import donation_ceiling
from .models import Erasure
from .valuation import agreement_value_notes

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName=pdf_fonts.SANS, fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
TITLE = ParagraphStyle("title", parent=STYLES["Title"], fontName=pdf_fonts.SANS_BOLD, fontSize=16, leading=20)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading3"], fontName=pdf_fonts.SANS_BOLD, fontSize=11, spaceBefore=8)
HASH = ParagraphStyle("hash", parent=BODY, fontName=pdf_fonts.MONO, fontSize=8.5, leading=11)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5)

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


def p(text, style=BODY):
    text = str(text)
    if len(text) > CELL_MAX_CHARS:
        text = text[: CELL_MAX_CHARS - 1] + "…"
    return Paragraph(escape(text), style)


def _render(title, story, reference):
    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(pdf_fonts.SANS, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, f"{reference} — {settings.PROLONGE['OWNER_NAME']}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("page %(number)d") % {"number": doc.page})
        canvas.restoreState()

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=title, author=settings.PROLONGE["OWNER_NAME"], creator="Prolonge",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _facts(rows):
    table = Table([[p(label, CELL), p(value, CELL)] for label, value in rows], colWidths=[52 * mm, None])
    table.setStyle(FACTS)
    return table


def _hash_block(value, covers):
    return KeepTogether([
        p(_("Content hash (SHA-256)"), HEADING),
        p(value, HASH),
        p(covers, SMALL),
    ])


def erasure_certificate(erasure):
    """The certificate of one erasure, as PDF bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        device = erasure.device
        title = _("Data erasure certificate")
        serials = erasure.serial_list or [_("not recorded")]
        story = [
            p(settings.PROLONGE["OWNER_NAME"], SMALL),
            p(title, TITLE),
            p(_("Certificate no. %(number)s") % {"number": erasure.number}, HEADING),
            p(_("Device"), HEADING),
            _facts([
                (_("Asset tag"), device.asset_tag),
                (_("Manufacturer and model"), f"{device.model.manufacturer} {device.model.name}"),
                (_("Device serial number"), device.serial_number or "—"),
                (_("Storage serial numbers"), ", ".join(serials)),
            ]),
            p(_("Erasure"), HEADING),
            _facts([
                (_("Method"), Erasure.Method(erasure.method).label),
                (_("Tool's method name"), erasure.method_detail or "—"),
                (_("Tool and version"), f"{erasure.tool} {erasure.tool_version}".strip()),
                (_("Result of the verification"), _("PASSED") if erasure.passed else _("FAILED")),
                (_("Operator"), erasure.operator_name),
                (_("Date"), _when(erasure.performed_at)),
            ]),
            Spacer(0, 4 * mm),
            p(
                _(
                    "Method categories follow NIST SP 800-88 Rev. 1 (Guidelines for Media Sanitization): "
                    "clear, purge, destroy. A failed verification means the device must not leave the authority."
                ),
                SMALL,
            ),
            _hash_block(
                erasure.content_hash,
                _(
                    "The hash covers these fields of the certificate, as canonical JSON (keys sorted, no spaces, "
                    "UTF-8): certificate, owner, asset_tag, device_serial, manufacturer, model, storage_serials, "
                    "method, method_detail, tool, tool_version, operator, performed_at (UTC, ISO 8601), passed."
                ),
            ),
            Spacer(0, 6 * mm),
            p(_("Issued by Prolonge on %(date)s.") % {"date": _when(erasure.created_at)}, SMALL),
        ]
        return _render(title, story, erasure.number)


def transfer_agreement(donation):
    """The convention de cession gratuite of one donation, as PDF bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        association = donation.association
        owner = settings.PROLONGE["OWNER_NAME"]
        owner_siret = settings.PROLONGE.get("OWNER_SIRET", "")
        lines = donation.agreement_lines()
        title = _("Agreement for the free transfer of IT equipment")
        ceiling = formats.number_format(donation_ceiling(), 0)
        table = [[p(h, CELL) for h in (_("Asset tag"), _("Device"), _("Serial number"), _("Value at transfer"),
                                       _("Erasure certificate"))]]
        for line, certificates in lines:
            table.append([
                p(line.device.asset_tag, CELL),
                p(f"{line.device.model.manufacturer} {line.device.model.name}", CELL),
                p(line.device.serial_number or "—", CELL),
                p(f"{formats.number_format(line.value_at_transfer, 2)} €", CELL),
                p(", ".join(certificates) or _("not applicable (no storage)"), CELL),
            ])
        table.append([p(_("Total"), CELL), "", "", p(f"{formats.number_format(donation.total_value, 2)} €", CELL), ""])
        devices = Table(table, colWidths=[26 * mm, 46 * mm, 32 * mm, 24 * mm, None], repeatRows=1)
        devices.setStyle(GRID)
        if association.eligibility.solidarity_resale_allowed:
            resale = _(
                "The beneficiary shall not sell the equipment, except to people in precarity at the capped solidarity "
                "prices the law allows associations of public utility or general interest; it uses the equipment for "
                "its statutory purpose."
            )
        else:
            resale = _(
                "The beneficiary shall not sell, rent or transfer the equipment for payment. It uses the equipment "
                "for its statutory purpose and may pass it on free of charge only to the people it supports."
            )
        story = [
            p(owner, SMALL),
            p(title, TITLE),
            p(_("(convention de cession gratuite) no. %(number)s") % {"number": donation.number}, HEADING),
            p(_("Between the parties"), HEADING),
            _facts([
                (_("The authority"), owner + (f" — SIRET {owner_siret}" if owner_siret else "")),
                (_("represented by"), donation.owner_signatory),
                (_("The beneficiary"), association.name),
                (_("Identification"), association.identifier),
                (_("Address"), association.address or "—"),
                (_("Eligibility"), association.eligibility.name),
                (_("represented by"), donation.association_signatory),
            ]),
            p(_("Legal basis"), HEADING),
            p(_(
                "Code général de la propriété des personnes publiques, article L. 3212-2 (free transfer of IT "
                "equipment the public body no longer uses), applicable to local authorities and their groupings "
                "by article L. 3212-3; unit value within the ceiling of %(ceiling)s € set by article D. 3212-3."
            ) % {"ceiling": ceiling}),
            p(_("Article 1 — Equipment transferred"), HEADING),
            p(_("The authority transfers free of charge, as they are and without warranty, the following devices:")),
            Spacer(0, 2 * mm),
            devices,
            *[p(note, SMALL) for note in agreement_value_notes(lines)],
            p(_("Article 2 — Data erasure"), HEADING),
            p(_("Every device holding storage was erased before the transfer; the certificates listed above "
                "record the method, tool, operator, result and date of each erasure.")),
            p(_("Article 3 — Use of the equipment"), HEADING),
            p(resale),
            p(_("Article 4 — Transfer of ownership and end of life"), HEADING),
            p(_("Ownership and risks pass to the beneficiary on handover. At the end of their life, the beneficiary "
                "hands the devices to an approved collection channel for waste electrical and electronic equipment.")),
            p(_("Article 5 — Follow-up"), HEADING),
            p(_("Six months after the handover, the beneficiary tells the authority how the equipment is used "
                "(number of people who benefited, devices still in use, failures).")),
            Spacer(0, 4 * mm),
            p(_("Done on %(date)s, in two copies.") % {"date": _when(donation.handed_over_at)}),
            Spacer(0, 3 * mm),
            _signatures(owner, donation, association),
            _hash_block(
                donation.content_hash,
                _(
                    "The hash covers these fields of the agreement, as canonical JSON (keys sorted, no spaces, UTF-8): "
                    "agreement, handed_over_at (UTC, ISO 8601), owner, owner_siret, owner_signatory, association, "
                    "association_rna, association_siret, association_signatory, eligibility, legal_basis, devices "
                    "(asset_tag, serial, model, value, erasures, and value_source, value_basis, "
                    "value_justification when recorded), total_value."
                ),
            ),
        ]
        return _render(title, story, donation.number)


def _signatures(owner, donation, association):
    def block(party, name):
        return [
            p(_("For %(party)s") % {"party": party}, CELL),
            p(name, CELL),
            p(_("Date:"), CELL),
            p(_("Signature:"), CELL),
            Spacer(0, 18 * mm),
        ]

    table = Table(
        [[block(owner, donation.owner_signatory), block(association.name, donation.association_signatory)]],
        colWidths=["50%", "50%"],
    )
    table.setStyle(TableStyle([("BOX", (0, 0), (0, 0), 0.4, colors.grey), ("BOX", (1, 0), (1, 0), 0.4, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([table])
