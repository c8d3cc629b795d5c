"""Review rules the reuse app registers with ``inventory.review.register_rule`` (from ``ready()``).

- ``reuse_target``: below the year's décret 2023-266 target (``reuse.indicators.reuse_ratio``),
  the oldest retirements that would close the gap. Accepting notes the finding: offering needs
  an offer (grade, value, erasure), made from the device or offer pages.
- ``claim_expired``: replaces inventory's rule, reads the claim's pickup deadline and expires
  the claim through the claim service.
"""

import math

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory import footprint
from inventory.models import Device, Flag, Ownership, Status
from inventory.review import Rule, savings
from inventory.review.base import local_date, years_before

from .indicators import reuse_ratio
from .models import Claim, ClaimLine


class ReuseTargetRule(Rule):
    """Below the year's legal reuse target: the oldest retirements that would close the gap."""

    slug = "reuse_target"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Reuse target")
    recommendation = gettext_lazy("Noted: redeploy it or offer it from its page")
    severity = Flag.Severity.ACTION

    # The finding reads the year's ratio besides its row: its figures are in the digest's seed
    # (``read_values``), so a rerun whose ratio and rows are unchanged formats nothing.
    reads = ()

    def ratio(self, ctx):
        """The year's ratio, computed once per run (four queries; in the background on
        PostgreSQL, ``prefetch``, while the rules before this one run)."""
        return ctx.memo("reuse_ratio", lambda: reuse_ratio(year=ctx.today.year))

    def prefetch(self, ctx):
        ctx.in_background("reuse_ratio", lambda: reuse_ratio(year=ctx.today.year))

    def read_values(self, ctx):
        return (("reuse_ratio", self.head(ctx)),)

    def gap(self, ctx):
        ratio = self.ratio(ctx)
        if ratio.target is None or not ratio.denominator:
            return 0
        return max(0, math.ceil(ratio.target * ratio.denominator / 100) - ratio.numerator)

    def rows(self, ctx):
        max_age = settings.PROLONGE["REUSE_MAX_AGE_YEARS"]
        waiting = (
            Device.objects.filter(status=Status.RETIRED, purchase_date__gt=years_before(ctx.today, max_age),
                                  classified=False, ownership=Ownership.OWNED)
            .exclude(self.snoozed(ctx))
            .order_by("status_changed_at", "id")
            .values("id", retired_on=local_date("status_changed_at"), embodied=footprint.embodied_expression())
        )
        gap = self.gap(ctx)
        # No gap: a query that finds nothing, not an empty slice (which Django never sends, so
        # the run would not compute its rows in SQL like the other rules').
        return waiting[:gap] if gap else waiting.filter(pk__isnull=True)

    def head(self, ctx):
        """The year's figures, the first sentence of every finding (in the run's language)."""
        def text():
            ratio = self.ratio(ctx)
            return _(
                "Reuse rate %(year)s (décret 2023-266): %(rate)s %% for a legal target of %(target)s %% "
                "(directed to reuse this year by a completed route: %(reused)s; retired devices held on "
                "1 January: %(stock)s; still missing: %(gap)s)."
            ) % {
                "year": ratio.year, "rate": ratio.percent if ratio.percent is not None else "—",
                "target": ratio.target if ratio.target is not None else "—", "reused": ratio.numerator,
                "stock": ratio.denominator, "gap": self.gap(ctx),
            }
        return ctx.memo("reuse_head", text)

    def finding(self, row, ctx):
        message = " ".join([self.head(ctx), _("Retired on %(date)s, this device is among the oldest waiting.")
                            % {"date": ctx.fmt.date(row["retired_on"])}])
        saved = savings.reuse(embodied=row["embodied"], displacement=ctx.thresholds.displacement_rate)
        return self.make(row["id"], message, Flag.Severity.ACTION, savings=saved)


class ClaimExpiredRule(Rule):
    """``claim_expired``: a device held by a claim whose pickup deadline has passed.

    Replaces inventory's status-age rule: the deadline is the claim's own (pickup slot + delay),
    and accepting expires the claim through ``expire_claim`` (devices released, lines inactive,
    claim ``expired``) instead of moving the device behind the claim's back.
    """

    slug = "claim_expired"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Pickup overdue")
    recommendation = gettext_lazy("Expire the claim: the devices are offered again")
    severity = Flag.Severity.ACTION

    def rows(self, ctx):
        return (
            ClaimLine.objects.filter(active=True, claim__status=Claim.Status.READY, claim__expires_at__lt=ctx.now,
                                     device__status=Status.RESERVED)
            .exclude(device__in=Device.objects.filter(self.snoozed(ctx)))
            .values("device_id", "claim_id", "claim__expires_at", "claim__association__name")
        )

    def finding(self, row, ctx):
        return self.make(row["device_id"], _(
            "Claim #%(claim)s of %(name)s: pickup deadline %(date)s passed: expire the claim so that "
            "another association can claim it."
        ) % {"claim": row["claim_id"], "name": row["claim__association__name"],
             "date": ctx.fmt.date(row["claim__expires_at"])})

    def accept(self, flags, *, actor):
        from .services import expire_claim

        lines = dict(ClaimLine.objects.filter(device__in=[f.device_id for f in flags], active=True)
                     .values_list("device_id", "claim_id"))
        errors, done = {}, set()
        for flag in flags:
            claim_id = lines.get(flag.device_id)
            if claim_id is None:
                errors[flag.pk] = _("No claim holds this device any more.")
            elif claim_id not in done:
                if not expire_claim(claim_id=claim_id, actor=actor):
                    errors[flag.pk] = _("The claim changed meanwhile (picked up or rescheduled).")
                done.add(claim_id)
        return errors
