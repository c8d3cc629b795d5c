"""The agreement of a donation to a member of staff (convention de cession à un agent, CG3P
art. L. 3212-2, 5°; ceiling art. D. 3212-4), as PDF bytes.

Built from the blocks of ``reuse.pdf`` (styles, ``_render`` with "page N / M", ``clause``,
``_facts``, the hash annex, the device table's value notes) with every DOMAIN.md §3 element that
applies to a person: the "Vu" lines (code, ceiling text, authorising decision, delegation), the
signatory's standing, both parties, per line the device, serial, value, erasure certificate, OS
and licence; personal use and no resale, the end of life through a WEEE channel, the GDPR notice,
"Fait à …, le …" without the time, and the signatures kept with the last article.
"""

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle

from .conf import donation_ceiling, legal_identity
from .pdf import (
    CELL,
    GRID,
    HEADING,
    LINE,
    SMALL,
    TABLE_HEADING,
    TITLE,
    _day,
    _facts,
    _hash_annex,
    _render,
    clause,
    p,
    software_text,
    value_basis_lines,
)


def recipient_rows(donation, identity):
    """The two parties: the authority (SIRET, address, signatory) and the staff member."""
    return [
        (_("The authority"), identity["name"]),
        (_("SIRET"), identity["siret"]),
        (_("Address"), identity["address"]),
        (_("represented by"), ", ".join(part for part in (donation.owner_signatory, donation.owner_signatory_role)
                                        if part)),
        (_("empowered by"), donation.owner_signatory_delegation or "—"),
        (_("The staff member"), donation.recipient_name),
        (_("Department or service"), donation.recipient_department),
        *([(_("Employee number"), donation.recipient_employee_number)] if donation.recipient_employee_number else []),
        (_("Eligibility"), _("staff member of the authority (CG3P art. L. 3212-2, %(item)s)")
         % {"item": donation.legal_item}),
    ]


def _device_table(donation, lines):
    software = software_text(donation)
    rows = [[p(h, LINE) for h in (_("Asset tag"), _("Kind and model"), _("Serial number"), _("Value at transfer"),
                                  _("Erasure certificate"), _("Operating system and licence"))]]
    for line, certificates in lines:
        device = line.device
        rows.append([
            p(device.asset_tag, LINE),
            p(f"{device.model.category.name} — {device.model.manufacturer} {device.model.name}", LINE),
            p(device.serial_number or "—", LINE),
            p(f"{formats.number_format(line.value_at_transfer, 2)} €", LINE),
            p(", ".join(certificates) or _("not applicable (no storage)"), LINE),
            p(software, LINE),
        ])
    rows.append([p(_("Total"), LINE), "", "", p(f"{formats.number_format(donation.total_value, 2)} €", LINE), "", ""])
    grid = Table(rows, colWidths=[22 * mm, 34 * mm, 24 * mm, 18 * mm, 30 * mm, None], repeatRows=1)
    grid.setStyle(GRID)
    return grid


def _signatures(owner, donation):
    def block(party, name, role=""):
        return [clause(_("For %(party)s") % {"party": party}, CELL), p(name, CELL),
                *([p(role, CELL)] if role else []), clause(_("Signature:"), CELL), Spacer(0, 18 * mm)]

    table = Table([[block(owner, donation.owner_signatory, donation.owner_signatory_role),
                    block(_("the staff member"), donation.recipient_name)]], colWidths=["50%", "50%"])
    table.setStyle(TableStyle([("BOX", (0, 0), (0, 0), 0.4, colors.grey), ("BOX", (1, 0), (1, 0), 0.4, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def staff_agreement(donation):
    """The convention de cession à un agent of one ``StaffDonation`` (refused without the identity)."""
    identity = legal_identity()
    with translation.override(settings.LANGUAGE_CODE):
        lines = donation.agreement_lines()
        title = _("Agreement for the free transfer of IT equipment to a staff member")
        legal = {"item": donation.legal_item, "ceiling_text": donation.ceiling_article,
                 "ceiling": formats.number_format(donation_ceiling(), 0)}

        def story():
            last_article = [
                clause(_("Article 7 — Personal data"), HEADING),
                clause(_(
                    "The name, department, employee number and e-mail address of the staff member and the names of "
                    "the authority's representatives are processed by the authority to manage this transfer "
                    "(public-interest task, GDPR art. 6.1 e) and kept with the register of transfers under the rules "
                    "for public archives. The people concerned may access, correct or object by writing to the "
                    "authority at the address above, and may complain to the CNIL."
                )),
                Spacer(0, 4 * mm),
                clause(_("Done at %(place)s, on %(date)s, in two copies.") % {
                    "place": donation.place, "date": _day(donation.handed_over_at)}),
                Spacer(0, 3 * mm),
                _signatures(identity["name"], donation),
            ]
            return [
                p(identity["name"], SMALL),
                p(title, TITLE),
                clause(_("(convention de cession à un agent) no. %(number)s") % {"number": donation.number}, HEADING),
                clause(_("Having regard to the code général de la propriété des personnes publiques (CG3P), notably "
                         "its article L. 3212-2, %(item)s, applicable to local authorities by its article L. 3212-3;")
                       % legal),
                clause(_("Having regard to the text setting the ceiling of the unit value at %(ceiling)s € "
                         "(%(ceiling_text)s);") % legal),
                clause(_("Having regard to %(decision)s;") % {"decision": donation.authorisation}),
                *([clause(_("Having regard to %(delegation)s;") % {"delegation": donation.owner_signatory_delegation})]
                  if donation.owner_signatory_delegation else []),
                clause(_("Having regard to décret n° 2023-266 of 12 April 2023 "
                         "(retired IT equipment directed to reuse);")),
                clause(_("Between the parties"), HEADING),
                _facts(recipient_rows(donation, identity)),
                clause(_("Article 1 — Object and legal basis"), HEADING),
                clause(_("The authority transfers free of charge to the staff member, as they are and without "
                         "warranty, the retired IT equipment and the software it needs listed in article 2, under "
                         "CG3P article L. 3212-2, %(item)s; the value of each unit is within the ceiling of "
                         "%(ceiling)s € set by %(ceiling_text)s.") % legal),
                CondPageBreak(40 * mm),
                clause(_("Article 2 — Equipment transferred"), TABLE_HEADING),
                _device_table(donation, lines),
                Spacer(0, 1 * mm),
                *value_basis_lines(lines),
                clause(_("Article 3 — Data erasure"), HEADING),
                clause(_("Every device holding storage was erased before the transfer, following NIST SP 800-88 Rev. 2 "
                         "(clear, purge or destroy); the certificates listed in article 2 record the method, tool, "
                         "operator, result and date of each erasure. A device whose disk was destroyed is handed "
                         "over without a disk.")),
                clause(_("Article 4 — Personal use, no resale, and sanction"), HEADING),
                clause(_("The staff member receives the equipment for his or her personal use and that of his or her "
                         "household. He or she shall not sell, rent or otherwise transfer it for payment. A staff "
                         "member who resells equipment given under this article is excluded from any further free "
                         "transfer by the authority.")),
                clause(_("Article 5 — Reuse"), HEADING),
                clause(_("The transfer directs the equipment to reuse (décret n° 2023-266): the staff member keeps "
                         "it in use and, if asked by the authority, says whether it is still used.")),
                clause(_("Article 6 — Transfer of ownership and end of life"), HEADING),
                clause(_("Ownership and risks pass to the staff member on handover; the authority no longer "
                         "maintains the equipment. At the end of its life, the staff member hands it to an approved "
                         "collection channel for waste electrical and electronic equipment (WEEE): a shop's take-back "
                         "or a municipal collection point.")),
                KeepTogether(last_article),
                _hash_annex(donation.content_hash, _(
                    "The SHA-256 fingerprint below was computed when this agreement was issued, from: its number and "
                    "the date of the handover; the authority (name, SIRET, address), the decision authorising the "
                    "transfer, its signatory with position and delegation; the staff member (name, department, "
                    "employee number); the legal basis, the item of article L. 3212-2 and the text setting the "
                    "ceiling; the place of signature; the operating system and licence status; for each device its "
                    "asset tag, serial number, model, value at transfer and how it was set, and erasure "
                    "certificates; the total value. Changing any of these facts gives another fingerprint: the "
                    "authority can thus check that a copy shown to it matches the agreement kept in its register."
                )),
            ]

        return _render(title, story, donation.number)
