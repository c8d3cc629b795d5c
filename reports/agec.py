"""Loi AGEC art. 58 purchases: the year's shares and the open-data declaration (DOMAIN.md §4).

The declaration follows the schema ``datagouv/schema-declaration-biens-reemploi-reutilisation-recycle``
v0.1.0 (arrêté du 13 janvier 2025): one row per (year, product type), fields in the order of
``reports/schemas/agec_declaration.json`` (our Table Schema of that file, validated in tests).

* Purchases of year N: devices whose purchase date falls in N, at their price HT.
* Reuse / re-use: devices bought refurbished (``acquired_as = refurbished``).
* Donations received: devices ``donated_in``, counted at the flat value of their category
  (``reports.DonationFlatValue``, from the arrêté of 29 February 2024); they are added to the
  total so that both shares stay shares of one amount. Devices with no flat value count 0 € and
  are reported.
* Recycled content: the register has no such field yet, so the amount is 0 and the row's
  comment says it was not recorded.
"""

import csv
import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from inventory.models import AcquiredAs, Device

from .models import DonationFlatValue

SCHEMA_VERSION = "v0.1.0"
SCHEMA_NAME = "schema-declaration-biens-reemploi-reutilisation-recycle"
IT = "Matériel informatique et téléphonie"
PRINTING = "Matériel de reprographie et d'impression"
# Category codes whose devices are printing equipment; every other IT category is "IT and phones".
PRINTING_CATEGORIES = frozenset({"printer", "copier", "multifunction", "scanner", "mfp"})
FIELDS = [
    "annee",
    "siret",
    "raison_sociale",
    "type_produit_acquis",
    "montant_total",
    "montant_reemploi_et_reutilisation",
    "montant_produits_issus_don",
    "montant_produits_recycles",
    "commentaires",
]
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


class MissingSiret(ImproperlyConfigured):
    """The declaration names the buyer by SIRET: without it nothing may be exported."""


def product_type(category_slug):
    """The AGEC product type of a category (arrêté du 29 février 2024)."""
    return PRINTING if category_slug in PRINTING_CATEGORIES else IT


def target(series, year):
    """The target in force in ``year`` for a series of ``{year: share}`` (latest year ≤ ``year``)."""
    known = [y for y in series if int(y) <= year]
    return Decimal(str(series[max(known, key=int)])) if known else None


def purchases(year, *, queryset=None):
    """The year's purchases by AGEC product type, aggregated in SQL (one query).

    Returns ``{product type: {"devices", "total", "reuse", "donated", "donated_unvalued",
    "recycled", "new", "reuse_share"}}`` with € HT amounts as Decimals.
    """
    queryset = Device.objects.all() if queryset is None else queryset
    flat = DonationFlatValue.objects.filter(category=OuterRef("model__category")).values("value_eur")[:1]
    rows = (
        queryset.filter(purchase_date__gte=dt.date(year, 1, 1), purchase_date__lte=dt.date(year, 12, 31))
        .values("model__category__slug", "acquired_as")
        .annotate(
            devices=Count("id"),
            price=Coalesce(Sum("purchase_price"), ZERO, output_field=MONEY),
            flat=Coalesce(Sum(Subquery(flat, output_field=MONEY)), ZERO, output_field=MONEY),
            unvalued=Count("id", filter=~_has_flat_value()),
        )
        .values_list("model__category__slug", "acquired_as", "devices", "price", "flat", "unvalued")
        .order_by()
    )
    result = {}
    for slug, acquired_as, devices, price, flat_total, unvalued in rows:
        entry = result.setdefault(
            product_type(slug),
            {
                "devices": 0,
                "total": ZERO,
                "new": ZERO,
                "reuse": ZERO,
                "donated": ZERO,
                "donated_devices": 0,
                "donated_unvalued": 0,
                "recycled": ZERO,
            },
        )
        entry["devices"] += devices
        if acquired_as == AcquiredAs.DONATED_IN:
            entry["donated"] += flat_total
            entry["donated_devices"] += devices
            entry["donated_unvalued"] += unvalued
            entry["total"] += flat_total
        else:
            entry["total"] += price
            entry["reuse" if acquired_as == AcquiredAs.REFURBISHED else "new"] += price
    for entry in result.values():
        entry["reuse_share"] = (entry["reuse"] + entry["donated"]) / entry["total"] if entry["total"] else None
    return result


def _has_flat_value():
    from django.db.models import Exists

    return Exists(DonationFlatValue.objects.filter(category=OuterRef("model__category")))


def totals(year, *, queryset=None):
    """All product types together, with the year's targets (two series) for the dashboard."""
    by_type = purchases(year, queryset=queryset)
    keys = ("devices", "total", "new", "reuse", "donated", "donated_devices", "donated_unvalued", "recycled")
    total = {key: sum((entry[key] for entry in by_type.values()), 0) for key in keys}
    total["reuse_share"] = (total["reuse"] + total["donated"]) / total["total"] if total["total"] else None
    total["reuse_target"] = target(settings.PROLONGE["AGEC_TARGETS"], year)
    total["recycled_target"] = target(settings.PROLONGE.get("AGEC_RECYCLED_TARGETS") or {}, year)
    total["recycled_recorded"] = False
    return {"by_type": by_type, "total": total}


def declaration_rows(year, *, owner, queryset=None):
    """Rows of the declaration (dicts in ``FIELDS`` order); refuses without a 14-digit SIRET."""
    siret = (owner.siret or "").replace(" ", "")
    if not re.fullmatch(r"\d{14}", siret):
        raise MissingSiret(
            _(
                "The AGEC declaration needs the authority's SIRET (14 digits): set PROLONGE_OWNER_SIRET "
                "in the environment before exporting."
            )
        )
    rows = []
    for kind, entry in sorted(purchases(year, queryset=queryset).items()):
        comments = [_("Recycled content is not recorded in the register: amount declared as 0.")]
        if entry["donated_unvalued"]:
            comments.append(
                _("%(n)s donated devices without a flat value counted at 0 €.") % {"n": entry["donated_unvalued"]}
            )
        rows.append(
            {
                "annee": year,
                "siret": siret,
                "raison_sociale": owner.name,
                "type_produit_acquis": kind,
                "montant_total": _amount(entry["total"]),
                "montant_reemploi_et_reutilisation": _amount(entry["reuse"]),
                "montant_produits_issus_don": _amount(entry["donated"]),
                "montant_produits_recycles": _amount(entry["recycled"]),
                "commentaires": " ".join(comments),
            }
        )
    return rows


def _amount(value):
    """Decimal point, two decimals, no thousands separator (the schema's number type)."""
    return f"{Decimal(value).quantize(Decimal('0.01')):.2f}"


def write_declaration(handle, year, *, owner, queryset=None):
    """Write the declaration CSV (UTF-8, comma, header row) to a text handle; returns the rows."""
    rows = declaration_rows(year, owner=owner, queryset=queryset)
    writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return rows
