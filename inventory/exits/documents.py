"""The legal document of an exit route (DOMAIN.md §3 and §7), as PDF: issued once, then kept.

- sale (``sold``): *acte de cession à titre onéreux* — a receipt naming the authority and the
  buyer, the decision that authorised the sale, the device with its serial, price and erasure
  certificate, the total, "Fait à …, le …" and both signatures;
- transfer to another public person (``transferred``): *procès-verbal de transfert* — both public
  persons with their SIRET, the decision, the device, its erasure, the WEEE end-of-life clause;
- take-back for reuse (``taken_back``): *bon de reprise* — the taker, its commitment to reuse and
  the proof of reuse it must send back.

**Issued on demand from the ``Exit`` record, not when the exit is recorded.** The exit is a fact
of the register (the device left: it was sold at auction, collected by the CCAS); refusing to
record it because the authority's SIRET or a signatory is not configured yet would make the
register lie. The record's facts never change after it is written (the admin is read-only, no
verb edits it), so the document printed from them later says what the exit recorded. Once issued,
the PDF is stored with the record and served as issued: a later change of the settings (address,
signatories) never rewrites an act already given to the other party. ``issue_document`` refuses —
a French ``ValidationError``, nothing written — without the authority's SIRET and address, its
place of signature, or a configured signatory.

Erasure certificates live in ``reuse``, which inventory does not import: reuse registers a source
(``register_certificate_source``) from its ``AppConfig.ready()``, as it registers its guards.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from config import legal
from config.pdf import GRID, HEADING, LINE, SMALL, TITLE, authority_rows, clause, day, facts, p, render, signatures

from ..models import Exit

__all__ = ["DOCUMENT_ROUTES", "document_filename", "issue_document", "register_certificate_source", "render_document"]

R = Exit.Route
DOCUMENT_ROUTES = (R.SOLD, R.TRANSFERRED, R.TAKEN_BACK)

_certificate_sources = []


def register_certificate_source(source):
    """``source(device, until)`` → the numbers of the passed erasure certificates of ``device``
    recorded up to ``until`` (newest first). Called by ``reuse`` at start-up."""
    if source not in _certificate_sources:
        _certificate_sources.append(source)


def _certificates(device, until):
    numbers = []
    for source in _certificate_sources:
        numbers.extend(source(device, until))
    return numbers


def reference(record):
    prefix = {R.SOLD: "VENTE", R.TRANSFERRED: "TRANSFERT", R.TAKEN_BACK: "REPRISE"}.get(record.route, "SORTIE")
    return f"{prefix}-{record.exited_on.year}-{record.pk:06d}"


def document_filename(record):
    return f"{reference(record)}.pdf"


def _money(value):
    return f"{formats.number_format(value, 2)} €"


def _device_table(record, certificates, *, with_price):
    device = record.device
    headings = [_("Asset tag"), _("Kind and model"), _("Serial number"), _("Accounting inventory number"),
                _("Erasure certificate")]
    if with_price:
        headings.append(_("Price (€ incl. VAT)"))
    model = device.model
    erasure = (", ".join(certificates) if certificates
               else _("not applicable (no storage)") if not model.stores_data else _("none recorded"))
    row = [device.asset_tag, f"{model.category.name} — {model.manufacturer} {model.name}",
           device.serial_number or "—", device.accounting_number or "—", erasure]
    rows = [[p(text, LINE) for text in headings], [p(text, LINE) for text in row]]
    widths = [24 * mm, 42 * mm, 28 * mm, 26 * mm, None]
    if with_price:
        rows[1].append(p(_money(record.price), LINE))
        rows.append([p(_("Total"), LINE), "", "", "", "", p(_money(record.price), LINE)])
        widths = [22 * mm, 38 * mm, 26 * mm, 24 * mm, None, 24 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table


def _closing(identity, record, signer, place, counterparty_label):
    """The last article's end: place and date of issue (no time), then both signatures, kept together.

    The document is dated the day it is drawn up, never back-dated to the exit: the day the device
    left is stated among the parties' facts ("Date of the handover")."""
    return [
        Spacer(0, 4 * mm),
        clause(_("Done at %(place)s, on %(date)s, in two copies.")
               % {"place": place, "date": day(record.document_issued_at or timezone.now())}),
        Spacer(0, 3 * mm),
        signatures([(identity["name"], signer.get("name", ""), signer.get("role", "")),
                    (record.counterparty, counterparty_label, "")]),
    ]


def _erasure_article(number):
    return [
        clause(_("Article %(number)s — Data erasure") % {"number": number}, HEADING),
        clause(_("A device holding storage leaves the authority only after its data were erased following NIST "
                 "SP 800-88 Rev. 2 (clear, purge or destroy) and verified; the certificate listed above records "
                 "the method, tool, operator, result and date. A device whose disk was destroyed leaves without "
                 "its disk.")),
    ]


def _sale(record, identity, signer, place, certificates):
    title = _("Sale receipt")
    return [
        p(identity["name"], SMALL),
        p(title, TITLE),
        clause(_("(acte de cession à titre onéreux) no. %(number)s") % {"number": reference(record)}, HEADING),
        clause(_("Having regard to %(decision)s;") % {"decision": record.decision}),
        *([clause(_("Having regard to %(delegation)s;") % {"delegation": signer["delegation"]})]
          if signer.get("delegation") else []),
        clause(_("Between the parties"), HEADING),
        facts([
            *authority_rows(identity),
            (_("represented by"), ", ".join(part for part in (signer.get("name"), signer.get("role")) if part)),
            (_("The buyer"), record.counterparty),
            *([(_("SIRET"), record.counterparty_siret)] if record.counterparty_siret else []),
            (_("Address"), record.counterparty_address or "—"),
            *([(_("Sale platform"), record.platform)] if record.platform else []),
            (_("Date of the handover"), day(record.exited_on)),
        ]),
        clause(_("Article 1 — Object"), HEADING),
        clause(_("The authority sells to the buyer, as it is and without warranty, the equipment listed in article "
                 "2, for the price stated there, under the decision above.")),
        clause(_("Article 2 — Equipment sold"), HEADING),
        _device_table(record, certificates, with_price=True),
        *_erasure_article(3),
        KeepTogether([
            clause(_("Article 4 — Payment, transfer of ownership and end of life"), HEADING),
            clause(_("The price of %(price)s is paid to the authority's public accountant. Ownership and risks pass "
                     "to the buyer on handover. At the end of its life, the buyer hands the device to an approved "
                     "collection channel for waste electrical and electronic equipment (WEEE).")
                   % {"price": _money(record.price)}),
            *_closing(identity, record, signer, place, _("The buyer")),
        ]),
    ]


def _transfer(record, identity, signer, place, certificates):
    title = _("Minutes of transfer to another public person")
    return [
        p(identity["name"], SMALL),
        p(title, TITLE),
        clause(_("(procès-verbal de transfert) no. %(number)s") % {"number": reference(record)}, HEADING),
        clause(_("Having regard to the code général de la propriété des personnes publiques (CG3P);")),
        clause(_("Having regard to %(decision)s;") % {"decision": record.decision}),
        *([clause(_("Having regard to %(delegation)s;") % {"delegation": signer["delegation"]})]
          if signer.get("delegation") else []),
        clause(_("Between the public persons"), HEADING),
        facts([
            *authority_rows(identity),
            (_("represented by"), ", ".join(part for part in (signer.get("name"), signer.get("role")) if part)),
            (_("The receiving public person"), record.counterparty),
            (_("SIRET"), record.counterparty_siret),
            (_("Address"), record.counterparty_address or "—"),
            (_("Date of the handover"), day(record.exited_on)),
        ]),
        clause(_("Article 1 — Object"), HEADING),
        clause(_("The authority transfers to the receiving public person, as it is and without warranty, the "
                 "equipment listed in article 2, under the decision above.")),
        clause(_("Article 2 — Equipment transferred"), HEADING),
        _device_table(record, certificates, with_price=False),
        *_erasure_article(3),
        KeepTogether([
            clause(_("Article 4 — Transfer of ownership and end of life"), HEADING),
            clause(_("Ownership and risks pass to the receiving public person on handover; it records the equipment "
                     "in its own inventory. At the end of its life, it hands the device to an approved collection "
                     "channel for waste electrical and electronic equipment (WEEE) and keeps the proof.")),
            *_closing(identity, record, signer, place, _("The receiving public person")),
        ]),
    ]


def _take_back(record, identity, signer, place, certificates):
    title = _("Take-back slip")
    return [
        p(identity["name"], SMALL),
        p(title, TITLE),
        clause(_("(bon de reprise pour réemploi) no. %(number)s") % {"number": reference(record)}, HEADING),
        clause(_("Parties"), HEADING),
        facts([
            *authority_rows(identity),
            (_("represented by"), ", ".join(part for part in (signer.get("name"), signer.get("role")) if part)),
            (_("The taker"), record.counterparty),
            *([(_("SIRET"), record.counterparty_siret)] if record.counterparty_siret else []),
            (_("Address"), record.counterparty_address or "—"),
            (_("Date of the handover"), day(record.exited_on)),
        ]),
        clause(_("Article 1 — Equipment handed over"), HEADING),
        _device_table(record, certificates, with_price=False),
        *_erasure_article(2),
        KeepTogether([
            clause(_("Article 3 — Commitment to reuse and its proof"), HEADING),
            clause(_("The taker takes the equipment back for reuse (décret n° 2023-266) and has committed to it in "
                     "writing. It sends the authority the proof of reuse: the device's new user or the "
                     "refurbishment and resale record, with its asset tag or serial number. Until that proof is "
                     "received, the authority does not count the device as reused. A device that cannot be reused "
                     "goes to an approved collection channel for waste electrical and electronic equipment (WEEE).")),
            clause(_("Proof of reuse received: %(state)s.")
                   % {"state": _("yes") if record.proof_of_reuse else _("not yet")}),
            *_closing(identity, record, signer, place, _("The taker")),
        ]),
    ]


BUILDERS = {R.SOLD: _sale, R.TRANSFERRED: _transfer, R.TAKEN_BACK: _take_back}
TITLES = {R.SOLD: gettext_lazy("Sale receipt"),
          R.TRANSFERRED: gettext_lazy("Minutes of transfer to another public person"),
          R.TAKEN_BACK: gettext_lazy("Take-back slip")}


def _signer(value):
    if not legal.signatories():
        legal.missing_legal_settings([_("signatories (PROLONGE_SIGNATORIES)")])
    signer = legal.signatory(value) if value else legal.signatories()[0]
    if signer is None:
        raise ValidationError({"signatory": _("Choose a signatory among those configured: %(names)s.")
                               % {"names": ", ".join(entry["name"] for entry in legal.signatories())}})
    return {key: signer.get(key, "") for key in ("key", "name", "role", "delegation")}


def render_document(record, signer):
    """The PDF bytes of ``record``'s document (refused without the authority's identity and place)."""
    if record.route not in DOCUMENT_ROUTES:
        raise ValidationError(_("This way out of the fleet has no document to issue."), code="no_document")
    identity = legal.legal_identity()
    place = legal.place()
    if record.route == R.TRANSFERRED and not record.decision:
        raise ValidationError({"decision": _(
            "The minutes of a transfer cite the decision that authorised it: record it on the exit first.")})
    with translation.override(settings.LANGUAGE_CODE):
        certificates = _certificates(record.device, record.created_at or timezone.now())
        title = str(TITLES[record.route])

        def story():
            return BUILDERS[record.route](record, identity, signer, place, certificates)

        return render(title, story, reference(record))


@transaction.atomic
def issue_document(record, *, signatory=None):
    """Issue and store the document of ``record`` once; an issued document is returned as it is.

    ``signatory`` is the key or name of a configured signatory (the first one when empty).
    Refused (``ValidationError``, nothing written) without the authority's SIRET, address, place
    of signature or signatories, and for routes without a document.
    """
    record = Exit.objects.select_for_update(of=("self",)).select_related(
        "device__model__category").get(pk=record.pk)
    if record.document:
        return record
    signer = _signer(signatory)
    record.document_issued_at = timezone.now()  # the document's date ("Fait à …, le …")
    data = render_document(record, signer)
    record.document.save(document_filename(record), ContentFile(data), save=False)
    record.document_signatory = signer
    record.save(update_fields=["document", "document_issued_at", "document_signatory"])
    return record
