"""PDF documents of reuse (reportlab): the erasure certificate and the transfer agreement.

Both are rendered in the site's default language (French) from the stored rows, name the
authority with its SIRET and address (``reuse.conf.legal_identity`` refuses without them), and
end with an annex explaining in words the SHA-256 content hash stored with the row. The
agreement holds every element of DOMAIN.md §3. Pages say "page N / M"; the signatures stay on
the page of the last article. Embedded DejaVu fonts (config.pdf_fonts): every name prints, text
extractable. reportlab (open source) writes no tagged PDF (no structure tree): documents carry
their language (/Lang fr-FR) and title only.
"""

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table

# The generic blocks live in the shared kernel (inventory's exit documents use them too); the
# names below keep this module's former spelling for its callers.
from config.pdf import (  # noqa: F401 (re-exported)
    BODY,
    CELL,
    CELL_MAX_CHARS,
    CLAUSE_MAX_CHARS,
    FACTS,
    GRID,
    HASH,
    HEADING,
    LINE,
    SMALL,
    TABLE_HEADING,
    TITLE,
    clause,
    p,
    signatures,
)
from config.pdf import authority_rows as _authority_rows
from config.pdf import day as _day
from config.pdf import facts as _facts
from config.pdf import hash_annex as _hash_annex
from config.pdf import render as _render
from config.pdf import when as _when

from .conf import donation_ceiling, follow_up_months, legal_identity, solidarity_caps
from .models import Donation, Erasure
from .valuation import agreement_value_notes


def erasure_certificate(erasure):
    """The certificate of one erasure, as PDF bytes (refused without the authority's identity)."""
    identity = legal_identity()
    with translation.override(settings.LANGUAGE_CODE):
        device = erasure.device
        title = _("Data erasure certificate")
        serials = erasure.serial_list or [_("not recorded")]

        def story():
            return [
                p(identity["name"], SMALL),
                p(title, TITLE),
                clause(_("Certificate no. %(number)s") % {"number": erasure.number}, HEADING),
                _facts(_authority_rows(identity)),
                clause(_("Device"), HEADING),
                _facts([
                    (_("Asset tag"), device.asset_tag),
                    (_("Manufacturer and model"), f"{device.model.manufacturer} {device.model.name}"),
                    (_("Device serial number"), device.serial_number or "—"),
                    (_("Storage serial numbers"), ", ".join(serials)),
                ]),
                clause(_("Erasure"), HEADING),
                _facts([
                    (_("Method"), Erasure.Method(erasure.method).label),
                    (_("Tool's method name"), erasure.method_detail or "—"),
                    (_("Tool and version"), f"{erasure.tool} {erasure.tool_version}".strip()),
                    (_("Result of the verification"), _("PASSED") if erasure.passed else _("FAILED")),
                    (_("Operator"), erasure.operator_name),
                    (_("Date"), _when(erasure.performed_at)),
                ]),
                Spacer(0, 4 * mm),
                clause(_(
                    "Sanitization methods follow NIST SP 800-88 Rev. 2 (Guidelines for Media Sanitization, "
                    "September 2025): clear, purge or destroy, chosen for the kind of medium and the "
                    "confidentiality of the data, then verified. A failed verification means the device must not "
                    "leave the authority; a destroyed medium means the device leaves without its disk."
                ), SMALL),
                Spacer(0, 4 * mm),
                clause(_("Issued by Prolonge on %(date)s.") % {"date": _day(erasure.created_at)}, SMALL),
                _hash_annex(erasure.content_hash, _(
                    "The SHA-256 fingerprint below was computed when this certificate was issued, from the "
                    "certificate number, the authority's name, the device (asset tag, serial number, manufacturer, "
                    "model, storage serial numbers), the erasure (method, tool's method name, tool and version, "
                    "operator, date and time in universal time, result of the verification). Changing any of these "
                    "facts gives another fingerprint: the authority can thus check that a copy shown to it matches "
                    "the certificate kept in its register."
                )),
            ]

        return _render(title, story, erasure.number)


def agreement_parties(donation, identity):
    """The two parties, as (label, value) rows: both with SIRET/RNA and address (DOMAIN.md §3)."""
    association = donation.association
    eligibility = association.eligibility
    return [
        (_("The authority"), identity["name"]),
        (_("SIRET"), identity["siret"]),
        (_("Address"), identity["address"]),
        (_("represented by"), ", ".join(part for part in (donation.owner_signatory, donation.owner_signatory_role)
                                        if part)),
        (_("empowered by"), donation.owner_signatory_delegation or "—"),
        (_("The beneficiary"), association.name),
        (_("RNA / SIRET"), association.identifier),
        (_("Address"), association.address or "—"),
        (_("Eligibility"), _("%(name)s (CG3P art. L. 3212-2, %(item)s)") % {
            "name": eligibility.name, "item": eligibility.legal_item}),
        (_("represented by"), donation.association_signatory),
    ]


def software_text(donation):
    """Operating system and licence status of the devices, as printed on each line."""
    if not donation.licence_status:
        return _("not stated")
    licence = Donation.Licence(donation.licence_status).label
    return f"{donation.operating_system} — {licence}" if donation.operating_system else str(licence)


def value_basis_lines(lines):
    """Paragraphs under the device table saying how each value at transfer was set: the basis of
    the book values (TTC or HT), and each declared value with its justification
    (``valuation.agreement_value_notes``). Agreements made before values carried their source
    keep the general sentence."""
    notes = agreement_value_notes(lines)
    if not notes:
        notes = [_("Value at transfer: the unit's book value (valeur nette comptable) on the day of the offer.")]
    return [clause(note) for note in notes]


def resale_clause(eligibility):
    """Article "use of the equipment": the resale rule, the solidarity exception and its caps."""
    if not eligibility.solidarity_resale_allowed:
        return [clause(_(
            "The beneficiary shall not sell, rent or transfer the equipment for payment. It uses the equipment for "
            "its statutory purpose and may pass it on free of charge only to the people it supports."
        ))]
    caps = solidarity_caps()
    labels = [
        ("laptop", _("laptop")), ("desktop_set", _("desktop (complete set)")), ("tablet", _("tablet")),
        ("smartphone", _("smartphone")), ("screen", _("screen")), ("printer", _("printer")),
        ("multifunction", _("multifunction printer")),
    ]
    prices = "; ".join(f"{label} {formats.number_format(caps[key], 0)} €" for key, label in labels if key in caps)
    return [clause(_(
        "The beneficiary uses the equipment for its statutory purpose. It shall not sell it, except to people in "
        "precarity or to associations working for them, at prices no higher than those set by décret n° 2022-1413 "
        "(including VAT, working device with its charger, disk, operating system and battery): "
        "%(prices)s."
    ) % {"prices": prices})]


def transfer_agreement(donation):
    """The convention de cession gratuite of one donation, as PDF bytes (DOMAIN.md §3)."""
    identity = legal_identity()
    with translation.override(settings.LANGUAGE_CODE):
        association = donation.association
        eligibility = association.eligibility
        lines = donation.agreement_lines()
        title = _("Agreement for the free transfer of IT equipment")
        ceiling = formats.number_format(donation_ceiling(), 0)
        legal = {"item": eligibility.legal_item, "ceiling_text": eligibility.ceiling_article, "ceiling": ceiling}
        software = software_text(donation)

        def devices():
            table = [[p(h, LINE) for h in (_("Asset tag"), _("Kind and model"), _("Serial number"),
                                           _("Value at transfer"), _("Erasure certificate"),
                                           _("Operating system and licence"))]]
            for line, certificates in lines:
                device = line.device
                table.append([
                    p(device.asset_tag, LINE),
                    p(f"{device.model.category.name} — {device.model.manufacturer} {device.model.name}", LINE),
                    p(device.serial_number or "—", LINE),
                    p(f"{formats.number_format(line.value_at_transfer, 2)} €", LINE),
                    p(", ".join(certificates) or _("not applicable (no storage)"), LINE),
                    p(software, LINE),
                ])
            table.append([p(_("Total"), LINE), "", "", p(f"{formats.number_format(donation.total_value, 2)} €", LINE),
                          "", ""])
            grid = Table(table, colWidths=[22 * mm, 34 * mm, 24 * mm, 18 * mm, 30 * mm, None], repeatRows=1)
            grid.setStyle(GRID)
            return grid

        def story():
            last_article = [
                clause(_("Article 7 — Personal data"), HEADING),
                clause(_(
                    "The names and contact details of the parties' representatives are processed by the authority "
                    "to manage this transfer and its follow-up (public-interest task, GDPR art. 6.1 e), kept for "
                    "the duration of the follow-up and then archived under the rules for public archives. The "
                    "people concerned may access, correct or object by writing to the authority at the address "
                    "above, and may complain to the CNIL."
                )),
                Spacer(0, 4 * mm),
                clause(_("Done at %(place)s, on %(date)s, in two copies.") % {
                    "place": donation.place, "date": _day(donation.handed_over_at)}),
                Spacer(0, 3 * mm),
                _signatures(identity["name"], donation, association),
            ]
            return [
                p(identity["name"], SMALL),
                p(title, TITLE),
                clause(_("(convention de cession gratuite) no. %(number)s") % {"number": donation.number}, HEADING),
                clause(_("Having regard to the code général de la propriété des personnes publiques (CG3P), notably "
                    "its article L. 3212-2, %(item)s, applicable to local authorities by its article L. 3212-3;")
                  % legal),
                clause(_("Having regard to the text setting the ceiling of the unit value at %(ceiling)s € "
                    "(%(ceiling_text)s);") % legal),
                # Always set since the handover requires them; blank only on agreements made before.
                *([clause(_("Having regard to %(decision)s;") % {"decision": donation.authorisation})]
                  if donation.authorisation else []),
                *([clause(_("Having regard to %(delegation)s;")
                          % {"delegation": donation.owner_signatory_delegation})]
                  if donation.owner_signatory_delegation else []),
                clause(_("Having regard to décret n° 2023-266 of 12 April 2023 "
                         "(retired IT equipment directed to reuse);")),
                clause(_("Between the parties"), HEADING),
                _facts(agreement_parties(donation, identity)),
                clause(_("Article 1 — Object and legal basis"), HEADING),
                clause(_("The authority transfers free of charge, as they are and without warranty, the equipment "
                         "listed in article 2, under CG3P article L. 3212-2, %(item)s; the value of each unit is "
                         "within the ceiling of %(ceiling)s € set by %(ceiling_text)s.") % legal),
                # The device table may run over pages: its heading starts a page only when little is left.
                CondPageBreak(40 * mm),
                clause(_("Article 2 — Equipment transferred"), TABLE_HEADING),
                devices(),
                Spacer(0, 1 * mm),
                *value_basis_lines(lines),
                clause(_("Article 3 — Data erasure"), HEADING),
                clause(_("Every device holding storage was erased before the transfer, following NIST SP 800-88 Rev. 2 "
                    "(clear, purge or destroy); the certificates listed in article 2 record the method, tool, "
                    "operator, result and date of each erasure. A device whose disk was destroyed is handed over "
                    "without a disk.")),
                clause(_("Article 4 — Use of the equipment and sanction"), HEADING),
                *resale_clause(eligibility),
                clause(_("A beneficiary that resells the equipment for money outside these terms is excluded for good "
                    "from any further free transfer by the authority.")),
                clause(_("Article 5 — Commitment to reuse and its proof"), HEADING),
                clause(_("The beneficiary commits to reuse the equipment and to be able to prove it (décret n° "
                         "2023-266): %(months)s months after the handover it tells the authority how the equipment is "
                         "used (people who benefited, devices still in use, failures), and it keeps the evidence at "
                         "the authority's disposal.") % {"months": follow_up_months()}),
                clause(_("Article 6 — Transfer of ownership and end of life"), HEADING),
                clause(_("Ownership and risks pass to the beneficiary on handover. At the end of their life, the "
                    "beneficiary hands the devices to an approved collection channel for waste electrical and "
                    "electronic equipment (WEEE).")),
                KeepTogether(last_article),
                _hash_annex(donation.content_hash, _(
                    "The SHA-256 fingerprint below was computed when this agreement was issued, from: its number and "
                    "the date of the handover; the authority (name, SIRET, address), the decision authorising the "
                    "transfer, its signatory with position and delegation; the beneficiary (name, RNA and SIRET "
                    "numbers, address, eligibility category, signatory); the legal basis, the item of article "
                    "L. 3212-2 and the text setting the ceiling; the place of signature; the operating system and "
                    "licence status; for each device its asset tag, serial number, model, value at transfer and "
                    "erasure certificates; the total value. Changing any of these facts gives another fingerprint: "
                    "the authority can thus check that a copy shown to it matches the agreement kept in its "
                    "register."
                )),
            ]

        return _render(title, story, donation.number)


def _signatures(owner, donation, association):
    return signatures([(owner, donation.owner_signatory, donation.owner_signatory_role),
                       (association.name, donation.association_signatory, "")])
