"""The outgoing-waste register (arrêté du 31 mai 2021) of year N as CSV: one line per dispatched shipment.

Columns follow DOMAIN.md §7: date, waste name and code, quantity in tonnes, slip number,
transporter, eco-organisation (name, SIREN), approved operator (name, SIRET, approval),
destination, treatment code, then the certificate of treatment; the weights by WEEE category
and the number of devices complete the line. Both dialects of ``config.exports``.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from config import exports

from ..models import Shipment, ShipmentWeight

REGISTER_COLUMNS = [
    exports.Column("shipped_on", _("shipment date"), "date"),
    exports.Column("waste_name", _("waste name")),
    exports.Column("waste_code", _("waste code")),
    exports.Column("tonnes", _("quantity (tonnes)"), "decimal", digits=4),
    exports.Column("slip_number", _("tracking slip number")),
    exports.Column("transporter", _("transporter")),
    exports.Column("transporter_siren", _("transporter SIREN")),
    exports.Column("channel", _("eco-organisation")),
    exports.Column("channel_siren", _("eco-organisation SIREN")),
    exports.Column("operator", _("approved operator")),
    exports.Column("operator_siret", _("operator SIRET")),
    exports.Column("operator_registration", _("operator approval or registration")),
    exports.Column("destination", _("destination")),
    exports.Column("treatment_code", _("treatment code")),
    exports.Column("weights", _("weights by WEEE category (kg)")),
    exports.Column("devices", _("devices"), "int"),
    exports.Column("certificate_received_on", _("certificate received on"), "date"),
]


def register_rows(year, dialect=exports.SPREADSHEET):
    """Tuples of ``REGISTER_COLUMNS`` for the shipments dispatched with a date in ``year`` (two queries).

    The weights column is text (``2° 84.5 ; 6° 120.0``), with a decimal comma in the spreadsheet dialect.
    """
    comma = dialect == exports.SPREADSHEET
    shipments = list(
        Shipment.objects.filter(state=Shipment.State.DISPATCHED, shipped_on__gte=dt.date(year, 1, 1),
                                shipped_on__lte=dt.date(year, 12, 31))
        .annotate(devices=Count("items", distinct=True))
        .order_by("shipped_on", "id")
    )
    weights = {}
    for row in ShipmentWeight.objects.filter(shipment__in=shipments).order_by("weee_category"):
        weights.setdefault(row.shipment_id, []).append(row)
    for s in shipments:
        lines = weights.get(s.pk, [])
        kg = sum((w.kg for w in lines), Decimal(0))
        yield (
            s.shipped_on, s.waste_name, s.waste_code, (kg / Decimal(1000)).quantize(Decimal("0.0001")), s.slip_number,
            s.transporter, s.transporter_siren, s.channel, s.channel_siren, s.operator, s.operator_siret,
            s.operator_registration, s.destination, s.treatment_code,
            " ; ".join(f"{w.weee_category}° {str(w.kg).replace('.', ',') if comma else w.kg}" for w in lines),
            s.devices, s.certificate_received_on,
        )


def total_kg(shipment):
    return shipment.weights.aggregate(kg=Sum("kg"))["kg"] or Decimal(0)
