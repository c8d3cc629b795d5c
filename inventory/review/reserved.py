"""``claim_expired`` as inventory sees it: a device ``reserved`` for too long.

The reuse app replaces this rule by one that reads the claim (``reuse/review_claims.py``).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Device, Flag, Status
from .base import Rule, local_date


class ReservedTooLongRule(Rule):
    """``claim_expired``: a device ``reserved`` for too long.

    Inventory knows no claim (it must not import reuse), so the rule only sees that a device has
    been ``reserved`` for more than ``claim_pickup_days`` and accepting it only notes it: a
    reserved device goes back to ``available`` only through its claim. The reuse app replaces
    this rule (``register_rule(its_rule, replace=True)``) by one that reads the claim's pickup
    deadline and expires the claim through the claim service.
    """

    slug = "claim_expired"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Pickup overdue")
    recommendation = gettext_lazy("Noted: cancel the claim from its page")
    severity = Flag.Severity.ACTION
    reads = ()

    def queryset(self, ctx):
        return Device.objects.filter(
            status=Status.RESERVED,
            status_changed_at__lt=ctx.days_ago_start(ctx.thresholds.claim_pickup_days),
        ).exclude(self.snoozed(ctx))

    def rows(self, ctx):
        return self.queryset(ctx).values("id", since=local_date("status_changed_at"))

    def finding(self, row, ctx):
        return self.make(row["id"], _("Reserved since %(date)s (more than %(days)s days) and not "
                                      "picked up: release it so that another association can "
                                      "claim it.")
                         % {"date": ctx.fmt.date(row["since"]),
                            "days": ctx.thresholds.claim_pickup_days})
