"""Repairs as CSV (the repair list's filters, both dialects, streamed in chunks).

The ORDS open-data file of the repairs is the reports app's (``reports/ords.py``); this one is
the working list a workshop opens in a spreadsheet.
"""

from django.utils.translation import gettext_lazy as _

from config import exports

from ..models import Repair
from .filters import RepairFilterSet


def _field(name):
    return Repair._meta.get_field(name).verbose_name


REPAIR_COLUMNS = [
    (exports.Column("id", _("number"), "int"), "id"),
    (exports.Column("asset_tag", _("asset tag")), "device__asset_tag"),
    (exports.Column("manufacturer", _("manufacturer")), "device__model__manufacturer"),
    (exports.Column("model", _("model")), "device__model__name"),
    (exports.Column("category", _("category")), "device__model__category__name"),
    (exports.Column("site", _("site")), "device__site__full_name"),
    (exports.Column("opened_at", _field("opened_at"), "datetime"), "opened_at"),
    (exports.Column("opened_by", _field("opened_by")), "opened_by__username"),
    (exports.Column("symptom", _field("symptom")), "symptom"),
    (exports.Column("fault_category", _field("fault_category"), "choice", dict(Repair.FaultCategory.choices)),
     "fault_category"),
    (exports.Column("diagnosis", _field("diagnosis")), "diagnosis"),
    (exports.Column("action", _field("action")), "action"),
    (exports.Column("parts", _field("parts")), "parts"),
    (exports.Column("estimated_cost", _field("estimated_cost"), "decimal"), "estimated_cost"),
    (exports.Column("cost", _field("cost"), "decimal"), "cost"),
    (exports.Column("labour_minutes", _field("labour_minutes"), "int"), "labour_minutes"),
    (exports.Column("outcome", _field("outcome"), "choice", dict(Repair.Outcome.choices)), "outcome"),
    (exports.Column("barrier", _field("barrier"), "choice", dict(Repair.Barrier.choices)), "barrier"),
    (exports.Column("closed_at", _field("closed_at"), "datetime"), "closed_at"),
    (exports.Column("closed_by", _field("closed_by")), "closed_by__username"),
]


def repair_export(request):
    """The repairs the list's filters select, oldest first unless the list is sorted;
    a bad filter or dialect answers 400."""
    return exports.filtered_csv_response(request, RepairFilterSet, Repair.objects.all(), REPAIR_COLUMNS,
                                         default_order=("opened_at", "id"), filename="reparations.csv")
