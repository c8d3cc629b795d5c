"""The review's findings as CSV: the flag list's filters, both dialects, streamed in chunks."""

from django.utils.translation import gettext_lazy as _

from config import exports

from ..models import Flag, Status
from .base import rule_choices
from .filters import FlagFilterSet


def _field(name):
    return Flag._meta.get_field(name).verbose_name


def flag_columns():
    """(column, source) pairs; built per export so that rule labels follow the registry."""
    return [
        (exports.Column("created_at", _field("created_at"), "datetime"), "created_at"),
        (exports.Column("asset_tag", _("asset tag")), "device__asset_tag"),
        (exports.Column("manufacturer", _("manufacturer")), "device__model__manufacturer"),
        (exports.Column("model", _("model")), "device__model__name"),
        (exports.Column("category", _("category")), "device__model__category__name"),
        (exports.Column("device_status", _("device status"), "choice", dict(Status.choices)), "device__status"),
        (exports.Column("site", _("site")), "device__site__full_name"),
        (exports.Column("rule", _field("rule"), "choice", dict(rule_choices())), "rule"),
        (exports.Column("severity", _field("severity"), "choice", dict(Flag.Severity.choices)), "severity"),
        (exports.Column("message", _field("message")), "message"),
        (exports.Column("savings_kind", _field("savings_kind"), "choice", dict(Flag.SavingsKind.choices)),
         "savings_kind"),
        (exports.Column("savings_eur", _field("savings_eur"), "decimal"), "savings_eur"),
        (exports.Column("savings_kgco2e", _field("savings_kgco2e"), "decimal"), "savings_kgco2e"),
        (exports.Column("resolution", _field("resolution"), "choice", dict(Flag.Resolution.choices)), "resolution"),
        (exports.Column("resolved_at", _field("resolved_at"), "datetime"), "resolved_at"),
        (exports.Column("resolved_by", _field("resolved_by")), "resolved_by__username"),
        (exports.Column("resolution_reason", _field("resolution_reason")), "resolution_reason"),
    ]


def flag_export(request):
    """The flags the list's filters select, oldest first unless the list is sorted;
    a bad filter or dialect answers 400."""
    return exports.filtered_csv_response(request, FlagFilterSet, Flag.objects.all(), flag_columns(),
                                         default_order=("created_at", "id"), filename="constats.csv")
