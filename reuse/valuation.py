"""Value at transfer of a device given free of charge (DOMAIN.md §3, issue 9 item 4).

The usual value is the book value (valeur nette comptable): straight-line over the category's
depreciation period, starting when the device was put in service (``use_date``), else on its
purchase date, never below zero. Local public accounting depreciates the general budget on the
TTC acquisition value, so the basis is a setting (``DONATION_VALUE_BASIS``: ``TTC`` by default,
``HT`` as an option); TTC = HT × (1 + the device's VAT rate).

Staff may type another value (valeur déclarée) only with a written justification, and never to
hide a book value above the legal ceiling: ``value_at_transfer`` is the one place that decides.
The page and the API make offers through ``services.create_offer``, which calls it; the admin
shows values read-only and cannot add offers; at the handover the lifecycle guard
(``guards.ceiling_guard``) re-reads the device's own ``book_value``, so a value written around
the service is refused too (tests/reuse/test_value_ceiling.py, one test per entry point).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inventory.footprint import DAYS_PER_YEAR

from .conf import donation_ceiling, value_basis

CENT = Decimal("0.01")

# How the value at transfer was set (stored on offer items and claim lines).
BOOK = "book"
DECLARED = "declared"


@dataclass(frozen=True)
class Valuation:
    value: Decimal
    source: str  # BOOK or DECLARED
    basis: str  # "TTC" or "HT"
    book_value: Decimal | None  # on the same basis; None when price or date is unknown
    justification: str = ""


def start_date(device):
    """When depreciation starts: put in service, else bought (None when neither is known)."""
    return device.use_date or device.purchase_date


def acquisition_value(device, basis=None):
    """The purchase price on ``basis`` (HT as stored, or TTC with the device's VAT rate)."""
    if device.purchase_price is None:
        return None
    basis = basis or value_basis()
    if basis == "HT":
        return device.purchase_price
    return (device.purchase_price * (1 + (device.vat_rate or 0))).quantize(CENT)


def book_value(device, basis=None, today=None):
    """Book value on ``basis`` today (or on ``today``), or None when price or start is unknown."""
    price, start = acquisition_value(device, basis), start_date(device)
    if price is None or start is None:
        return None
    today = today or timezone.localdate()
    if isinstance(today, dt.datetime):
        today = timezone.localtime(today).date()
    days = (today - start).days
    years = device.model.category.depreciation_years
    share = max(0.0, min(1.0, 1 - days / (years * DAYS_PER_YEAR)))
    return (price * Decimal(str(share))).quantize(CENT)


def _money(value):
    return formats.number_format(value, 2)


DEFAULT_CEILING_ARTICLE = "CG3P art. D. 3212-3"


def value_at_transfer(device, *, declared=None, justification="", today=None, ceiling_article=DEFAULT_CEILING_ARTICLE):
    """Decide a device's value at transfer, or raise ``ValidationError`` (field ``value``).

    - Without ``declared``: the book value, which must be known and within the ceiling.
    - With ``declared``: a written ``justification`` is required, the declared value must be
      within the ceiling, and the device's book value (when known) must be within it too: a
      typed value never hides a book value above the ceiling.

    ``ceiling_article`` is the text quoted when refusing (art. D. 3212-4 for staff members).
    """
    basis = value_basis()
    ceiling = donation_ceiling()
    book = book_value(device, basis, today)
    justification = (justification or "").strip()
    if declared in (None, ""):
        if book is None:
            raise ValidationError({"value": _(
                "%(tag)s: purchase price or date unknown, so its book value too; enter the value at transfer "
                "and justify it."
            ) % {"tag": device.asset_tag}})
        _check_ceiling(device, book, ceiling, basis, ceiling_article)
        return Valuation(value=book, source=BOOK, basis=basis, book_value=book)
    try:
        value = Decimal(str(declared))
    except InvalidOperation:
        raise ValidationError({"value": _("Enter a number.")}) from None
    if value < 0:
        raise ValidationError({"value": _("A value cannot be negative.")})
    if book is not None and book > ceiling:
        raise ValidationError({"value": _(
            "%(tag)s has a book value of %(book)s € %(basis)s, above the legal ceiling of %(ceiling)s € per unit: "
            "a declared value cannot replace it, and the device cannot be given free of charge."
        ) % {"tag": device.asset_tag, "book": _money(book), "basis": basis,
             "ceiling": formats.number_format(ceiling, 0)}})
    _check_ceiling(device, value, ceiling, basis, ceiling_article)
    if not justification:
        raise ValidationError({"value_justification": _(
            "A value typed instead of the book value needs a written justification (printed on the agreement)."
        )})
    return Valuation(value=value.quantize(CENT), source=DECLARED, basis=basis, book_value=book,
                     justification=justification)


def _check_ceiling(device, value, ceiling, basis, article=DEFAULT_CEILING_ARTICLE):
    if value > ceiling:
        raise ValidationError({"value": _(
            "%(tag)s is worth %(value)s € %(basis)s at transfer, above the legal ceiling of %(ceiling)s € per unit "
            "(%(article)s): it cannot be given free of charge."
        ) % {"tag": device.asset_tag, "value": _money(value), "basis": basis,
             "ceiling": formats.number_format(ceiling, 0), "article": article}})


def agreement_value_notes(lines):
    """The sentences the agreement prints under its table to say which value each line carries:
    one for the lines at book value, one per line at a declared value (with its justification).
    ``lines`` are ``(claim line, certificates)`` pairs as ``Donation.agreement_lines`` gives."""
    notes, book = [], set()
    for line, _certificates in lines:
        if line.value_source == BOOK:
            book.add(line.value_basis)
        elif line.value_source == DECLARED:
            notes.append(_("%(tag)s: value at transfer = declared value %(basis)s, justification: %(justification)s")
                         % {"tag": line.device.asset_tag, "basis": line.value_basis,
                            "justification": line.value_justification})
    return [_("Value at transfer: book value (valeur nette comptable) %(basis)s, straight-line from the date put "
              "in service.") % {"basis": basis} for basis in sorted(book)] + notes
