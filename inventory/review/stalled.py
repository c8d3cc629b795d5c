"""``repair_stalled``: a repair left open for too long (the demo has one open for 20 months).

A device in repair serves nobody and nobody decides for it. The finding asks for a decision:
finish the repair, or give it up (retire the device). Its only figure is the repair estimate,
of kind "repair cost" — money still to spend, never added to deferred purchases.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Device, Flag, Repair
from . import savings
from .base import Rule, local_date


def _oldest_open(field):
    return Subquery(
        Repair.objects.filter(device=OuterRef("pk"), closed_at__isnull=True)
        .order_by("opened_at", "id").values(field)[:1]
    )


class RepairStalledRule(Rule):
    slug = "repair_stalled"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Repair stalled")
    recommendation = gettext_lazy("Decide: finish the repair or retire the device")
    severity = Flag.Severity.ACTION
    reads = ()

    def queryset(self, ctx):
        cutoff = ctx.days_ago_start(ctx.thresholds.repair_stalled_days)
        stalled = Repair.objects.filter(device=OuterRef("pk"), closed_at__isnull=True, opened_at__lt=cutoff)
        return Device.objects.filter(Exists(stalled)).exclude(self.snoozed(ctx))

    def rows(self, ctx):
        return self.queryset(ctx).values(
            "id", opened=local_date(_oldest_open("opened_at")),
            estimate=_oldest_open("estimated_cost"),
        )

    def finding(self, row, ctx):
        fmt = ctx.fmt
        figures = {"date": fmt.date(row["opened"]), "days": ctx.thresholds.repair_stalled_days,
                   "estimate": fmt.money(row["estimate"])}
        if row["estimate"] is None:
            message = _("Repair open since %(date)s (more than %(days)s days) with no estimate: "
                        "finish it, or retire the device.") % figures
            saved = savings.NONE
        else:
            message = _("Repair open since %(date)s (more than %(days)s days), estimated at "
                        "%(estimate)s €: finish it, or retire the device.") % figures
            saved = savings.repair_cost(estimate=row["estimate"])
        return self.make(row["id"], message, savings=saved)
