"""The ``reuse_target`` rule and the yearly reuse rate of décret n° 2023-266 (DOMAIN.md §2)."""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import footprint
from ..models import Device, Event, Flag, Status
from .base import Rule, day_start, years_before

S = Status


@dataclass(frozen=True)
class ReuseRate:
    """Décret 2023-266: devices directed to reuse in year N ÷ retired devices in stock on 1 January."""

    year: int
    reused: int
    stock: int
    target: Decimal | None

    @property
    def rate(self):
        return Decimal(self.reused) / Decimal(self.stock) if self.stock else None

    @property
    def gap(self):
        """How many more devices must be directed to reuse this year to reach the target."""
        if self.target is None or not self.stock:
            return 0
        return max(0, math.ceil(self.target * self.stock) - self.reused)


def reuse_target(year):
    """The legal target in force in ``year`` (the latest one set for that year or before)."""
    targets = {int(y): value for y, value in settings.PROLONGE["REUSE_TARGETS"].items()}
    known = [y for y in targets if y <= year]
    return Decimal(str(targets[max(known)])) if known else None


def reuse_rate(*, year):
    """The year's reuse rate from the journal and statuses (two queries).

    Directed to reuse during the year: devices with an event that offered, reserved or donated
    them, or redeployed them. Retired in stock on 1 January: the status the journal gives on
    that day (or the current one when it has not changed since), excluding devices more than
    ``REUSE_MAX_AGE_YEARS`` old at retirement (they go to recycling).
    """
    start, end = day_start(dt.date(year, 1, 1)), day_start(dt.date(year + 1, 1, 1))
    reused = (
        Event.objects.filter(at__gte=start, at__lt=end)
        .filter(Q(to_status__in=[S.AVAILABLE, S.RESERVED, S.DONATED]) | Q(kind=Event.Kind.REDEPLOYED))
        .values("device").distinct().count()
    )
    before = Event.objects.filter(device=OuterRef("pk"), at__lt=start).exclude(to_status="")
    before = before.order_by("-at", "-id")
    max_age = settings.PROLONGE["REUSE_MAX_AGE_YEARS"]
    stock = (
        Device.objects.annotate(
            status_then=Subquery(before.values("to_status")[:1]),
            since_then=Subquery(before.values("at")[:1]),
        )
        .filter(Q(status_then=S.RETIRED) | Q(status=S.RETIRED, status_changed_at__lt=start))
        .annotate(
            retired_at=Coalesce("since_then", "status_changed_at"),
            too_old_from=footprint.AddYears("purchase_date", Value(max_age)),
        )
        .filter(Q(purchase_date__isnull=True) | Q(too_old_from__gte=TruncDate("retired_at")))
        .count()
    )
    return ReuseRate(year=year, reused=reused, stock=stock, target=reuse_target(year))


class ReuseTargetRule(Rule):
    """Below the year's legal reuse target: the oldest retirements that would close the gap."""

    slug = "reuse_target"
    label = gettext_lazy("Reuse target")
    recommendation = gettext_lazy("Noted: redeploy it or offer it from its page")
    severity = Flag.Severity.ACTION

    def queryset(self, ctx, gap):
        max_age = settings.PROLONGE["REUSE_MAX_AGE_YEARS"]
        return (
            Device.objects.filter(status=S.RETIRED, purchase_date__gt=years_before(ctx.today, max_age))
            .exclude(self.snoozed(ctx))
            .order_by("status_changed_at", "id")[:gap]
        )

    def rate(self, ctx):
        """The year's reuse rate, computed once per run (two queries)."""
        return ctx.memo("reuse_rate", lambda: reuse_rate(year=ctx.today.year))

    def rows(self, ctx):
        return self.queryset(ctx, self.rate(ctx).gap).values(
            "id", "status_changed_at", embodied=footprint.embodied_expression()
        )

    def finding(self, row, ctx):
        rate, fmt = self.rate(ctx), ctx.fmt
        head = ctx.memo("reuse_head", lambda: _(
            "Reuse rate %(year)s: %(rate)s %% for a legal target of %(target)s %% (directed "
            "to reuse this year: %(reused)s; retired devices in stock on 1 January: "
            "%(stock)s; still missing: %(gap)s)."
        ) % {
            "year": rate.year, "rate": fmt.pct(rate.rate), "target": fmt.pct(rate.target),
            "reused": rate.reused, "stock": rate.stock, "gap": rate.gap,
        })
        message = " ".join([head, _("Retired on %(date)s, this device is among the oldest waiting.")
                            % {"date": fmt.date(row["status_changed_at"])}])
        kg = footprint.reuse_avoided_kgco2e(row["embodied"], ctx.thresholds.displacement_rate)
        return self.make(row["id"], message, Flag.Severity.ACTION, None, kg)
