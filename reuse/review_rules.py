"""Review rules that need reuse's own rows; registered from ``ReuseConfig.ready()``.

Inventory may not import reuse (DESIGN.md §1), so a rule about offers lives here and plugs into
the review with ``inventory.review.register_rule``.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import Device, Flag, Status
from inventory.review import Rule
from inventory.review.base import local_date

from .models import ClaimLine, Offer, OfferItem


class OfferUnclaimedRule(Rule):
    """``offer_unclaimed``: offered to associations for N days and claimed by none."""

    slug = "offer_unclaimed"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Offer unclaimed")
    recommendation = gettext_lazy("Choose the next route: another route or recycling")
    severity = Flag.Severity.WARNING
    reads = ()

    def queryset(self, ctx):
        cutoff = ctx.days_ago_start(ctx.thresholds.offer_unclaimed_days)
        offered = OfferItem.objects.filter(
            device=OuterRef("pk"), active=True, offer__status=Offer.Status.OPEN, offer__created_at__lt=cutoff
        )
        claimed = ClaimLine.objects.filter(device=OuterRef("pk"), active=True)
        return (
            Device.objects.filter(status=Status.AVAILABLE)
            .filter(Exists(offered)).exclude(Exists(claimed))
            .exclude(self.snoozed(ctx))
        )

    def rows(self, ctx):
        since = OfferItem.objects.filter(device=OuterRef("pk"), active=True).values("offer__created_at")[:1]
        return self.queryset(ctx).values("id", offered_on=local_date(Subquery(since)))

    def finding(self, row, ctx):
        return self.make(row["id"], _(
            "Offered since %(date)s (more than %(days)s days) and claimed by no association: choose "
            "the next route — sale, transfer to another public body, take-back for reuse — or "
            "recycling."
        ) % {"date": ctx.fmt.date(row["offered_on"]), "days": ctx.thresholds.offer_unclaimed_days})


offer_unclaimed = OfferUnclaimedRule()
