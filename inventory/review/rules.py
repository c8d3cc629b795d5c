"""The built-in review rules (DESIGN.md §4, issue "extend rather than replace").

Each rule selects the devices it flags with one set-based query (the ``reuse_target`` rule is
the reuse app's, ``reuse/review_claims.py``, since the décret 2023-266 ratio is reuse's) and
turns each row into a French message with the figures behind it and the savings computed
with the formulas of ``inventory.footprint`` (see docs/footprint.md). Messages quote dates and
years rather than "N days ago" so that they do not change every night: an unchanged situation
leaves the flag untouched.

A row carries what its message says, no finer: a local date rather than an instant, a purchase
year rather than a day. Devices in the same situation then have the same row but for their
``id``, and the run formats their message once (``fingerprint.Materialised.situations``).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import footprint
from ..models import Device, Flag, Repair, Status
from . import savings
from .base import Rule, day_start, local_date, months_before, register_rule, transition_each, years_before
from .latest import latest_repair, with_latest_repair
from .reserved import ReservedTooLongRule
from .stalled import RepairStalledRule

S = Status
ACTIVE = (S.IN_STOCK, S.IN_SERVICE, S.IN_REPAIR)
MONEY = DecimalField(max_digits=12, decimal_places=2)
# A repair that did not end the problem: still open (no outcome yet), "repairable later", or
# given up ("end of life").
UNFIXED_OUTCOMES = ("", Repair.Outcome.REPAIRABLE, Repair.Outcome.END_OF_LIFE)


def replacement_price():
    """€ HT of a new device for this one: the planned price, else the model's, else its own."""
    return Coalesce("replacement_price", "model__reference_price", "purchase_price", output_field=MONEY)


def repair_costs_since(since):
    """Subquery: € spent (cost, else estimate) on the device's repairs opened since ``since``."""
    totals = (
        Repair.objects.filter(device=OuterRef("pk"), opened_at__gte=since)
        .order_by()
        .values("device")
        .annotate(total=Sum(Coalesce("cost", "estimated_cost", Value(Decimal(0)), output_field=MONEY)))
        .values("total")[:1]
    )
    # Only a device with a repair since then has a sum to look up: for the others (most of the
    # fleet) a hashed ``IN`` answers 0 without probing the repairs — at 1M devices, 77k
    # correlated lookups instead of 593k, each evaluated twice (filter and column): 3.6 → ~2 s
    # for ``extend``. The hash of ~116k ids needs the run's ``work_mem`` (``run._plan_for_whole_result``).
    repaired = Repair.objects.filter(opened_at__gte=since).order_by().values("device_id")
    return Case(
        When(pk__in=repaired, then=Coalesce(Subquery(totals, output_field=MONEY), Value(Decimal(0)),
                                             output_field=MONEY)),
        default=Value(Decimal(0)), output_field=MONEY,
    )


def _savings_sentence(saved, fmt, *, years):
    """The figures of a deferral, worded as what they are: a purchase deferred, not saved."""
    figures = {"eur": fmt.money(saved.eur), "kg": fmt.int(saved.kg), "years": years}
    if saved.kg is None:
        return ngettext(
            "Keeping it %(years)s more year defers %(eur)s € of purchase (footprint n.c. for "
            "this category).",
            "Keeping it %(years)s more years defers %(eur)s € of purchase (footprint n.c. for "
            "this category).", years) % figures
    return ngettext(
        "Keeping it %(years)s more year defers %(eur)s € of purchase and avoids %(kg)s kg CO2e.",
        "Keeping it %(years)s more years defers %(eur)s € of purchase and avoids %(kg)s kg CO2e.",
        years) % figures


def planned_severity(year, ctx):
    """ACTION for a renewal planned up to the budget year being prepared, INFO later."""
    return Flag.Severity.ACTION if year is not None and year <= ctx.budget_year else Flag.Severity.INFO


class ExtendRule(Rule):
    """In service, planned for replacement (or past its lifespan) but healthy: keep it longer."""

    slug = "extend"
    label = gettext_lazy("Extend rather than replace")
    recommendation = gettext_lazy("Remove it from the renewal plan")
    severity = Flag.Severity.ACTION
    reads = ("today",)  # the battery age, the budget year

    def queryset(self, ctx):
        t = ctx.thresholds
        lifespan_end = footprint.AddYears("purchase_date", F("model__category__planned_lifespan_years"))
        # Vendor support must last the extra years, unless the OS can still be upgraded.
        supported = ctx.per_category("extend_years", lambda years: Q(
            model__vendor_support_end__gte=years_before(ctx.today, -years)))
        return (
            with_latest_repair(Device.objects.filter(status=S.IN_SERVICE), ctx)
            .annotate(
                price=replacement_price(),
                last_outcome=latest_repair("outcome"),
                repairs_12m=repair_costs_since(day_start(years_before(ctx.today, 1))),
                lifespan_end=lifespan_end,
            )
            .filter(Q(planned_renewal_year__isnull=False) | Q(lifespan_end__lte=ctx.today))
            .filter(Q(last_outcome__isnull=True) | Q(last_outcome=Repair.Outcome.FIXED))
            .filter(price__isnull=False, repairs_12m__lt=F("price") * Value(t.extend_repair_share))
            .filter(Q(model__os_upgradable=True) | supported)
            .exclude(self.snoozed(ctx))
        )

    def rows(self, ctx):
        # The battery's age as the message uses it: due for a new one, or not.
        battery_due = Q(model__has_battery=True, model__battery_replaceable=True) & ctx.per_category(
            "battery_years", lambda years: Q(purchase_date__lte=years_before(ctx.today, years)))
        return self.queryset(ctx).values(
            "id", "planned_renewal_year", "price", "repairs_12m",
            bought=ExtractYear("purchase_date"),
            battery_due=ExpressionWrapper(battery_due, output_field=BooleanField()),
            embodied=footprint.embodied_expression(),
            lifespan=F("model__category__planned_lifespan_years"),
            category_id=F("model__category_id"),
            ram_gb=F("model__ram_gb"), storage_kind=F("model__storage_kind"),
            ram_upgradable=F("model__ram_upgradable"), storage_upgradable=F("model__storage_upgradable"),
        )

    def finding(self, row, ctx):
        fmt = ctx.fmt
        years = ctx.threshold("extend_years", row["category_id"])
        saved = savings.deferral(price=row["price"], embodied=row["embodied"], delta=years,
                                 lifespan=row["lifespan"])
        figures = {
            "year": row["planned_renewal_year"], "lifespan": row["lifespan"],
            "bought": row["bought"] or "—",
            "repairs": fmt.money(row["repairs_12m"]),
        }
        severity = planned_severity(row["planned_renewal_year"], ctx)
        if row["planned_renewal_year"]:
            why = _("Replacement planned for %(year)s, yet the device is healthy (bought in "
                    "%(bought)s, %(repairs)s € of repairs over 12 months).") % figures
        else:
            why = _("Past its planned lifespan of %(lifespan)s years (bought in %(bought)s), yet "
                    "healthy (%(repairs)s € of repairs over 12 months).") % figures
        parts = [why, _savings_sentence(saved, fmt, years=years)]
        labels = ctx.memo("upgrades", lambda: {
            "battery": _("battery"), "ram": _("RAM"), "ssd": _("SSD instead of the hard disk"),
        })
        upgrades = [labels[key] for key in self.upgrades(row, ctx)]
        if upgrades:
            parts.append(_("An upgrade would help: %(upgrades)s.") % {"upgrades": ", ".join(upgrades)})
        return self.make(row["id"], " ".join(parts), severity, savings=saved)

    @staticmethod
    def upgrades(row, ctx):
        """Upgrades the model allows and its specs point to: battery (age), RAM, SSD."""
        found = []
        if row["battery_due"]:
            found.append("battery")
        if row["ram_upgradable"] and row["ram_gb"] is not None and row["ram_gb"] < ctx.thresholds.min_ram_gb:
            found.append("ram")
        if row["storage_upgradable"] and (row["storage_kind"] or "").strip().upper() == "HDD":
            found.append("ssd")
        return found

    def accept(self, flags, *, actor):
        from ..renewal.services import unplan_renewal

        unplan_renewal(
            devices=Device.objects.filter(pk__in=[flag.device_id for flag in flags]),
            actor=actor, note=_("The review advises keeping it longer."),
        )
        return {}


class RepairNotReplaceRule(Rule):
    """Retired or planned for replacement after a failure that is cheap to repair."""

    slug = "repair_not_replace"
    label = gettext_lazy("Repair rather than replace")
    recommendation = gettext_lazy("Repair it: off the renewal plan, or back to stock if retired")
    severity = Flag.Severity.ACTION
    reads = ("budget_year",)

    def queryset(self, ctx):
        share = ctx.thresholds.repair_share
        devices = Device.objects.filter(Q(status=S.RETIRED) | Q(status__in=ACTIVE, planned_renewal_year__isnull=False))
        return (
            with_latest_repair(devices, ctx)
            .annotate(
                price=replacement_price(),
                last_outcome=latest_repair("outcome"),
                estimate=latest_repair("estimated_cost"),
            )
            .filter(last_outcome__in=UNFIXED_OUTCOMES)
            .filter(estimate__isnull=False, price__isnull=False, estimate__lt=F("price") * Value(share))
            .exclude(self.snoozed(ctx))
        )

    def rows(self, ctx):
        return self.queryset(ctx).values(
            "id", "status", "planned_renewal_year", "price", "estimate",
            fault=latest_repair("fault_category"), embodied=footprint.embodied_expression(),
            lifespan=F("model__category__planned_lifespan_years"), category_id=F("model__category_id"),
        )

    def finding(self, row, ctx):
        fmt = ctx.fmt
        years = ctx.threshold("extend_years", row["category_id"])
        faults = ctx.memo("faults", lambda: {value: str(label) for value, label in Repair.FaultCategory.choices})
        # A repair lets the device serve Δ more years: it defers the purchase, less its cost.
        saved = savings.deferral(price=row["price"], embodied=row["embodied"], delta=years,
                                 lifespan=row["lifespan"], repair=row["estimate"])
        figures = {
            "year": row["planned_renewal_year"], "fault": faults.get(row["fault"], row["fault"]),
            "estimate": fmt.money(row["estimate"]), "price": fmt.money(row["price"]),
            "share": fmt.pct(row["estimate"] / row["price"]) if row["price"] else "—",
            "eur": fmt.money(saved.eur), "kg": fmt.int(saved.kg), "years": years,
        }
        if row["status"] == S.RETIRED:
            severity = Flag.Severity.ACTION
            why = _("Retired after a failure (%(fault)s).") % figures
        else:
            severity = planned_severity(row["planned_renewal_year"], ctx)
            why = _("Replacement planned for %(year)s after a failure (%(fault)s).") % figures
        cost = _("The repair is estimated at %(estimate)s €, %(share)s %% of a new device "
                 "(%(price)s €).") % figures
        if saved.kg is None:
            gain = ngettext(
                "Repaired, it serves %(years)s more year: %(eur)s € of purchase deferred, net of "
                "the repair (footprint n.c.).",
                "Repaired, it serves %(years)s more years: %(eur)s € of purchase deferred, net of "
                "the repair (footprint n.c.).", years) % figures
        else:
            gain = ngettext(
                "Repaired, it serves %(years)s more year: %(eur)s € of purchase deferred, net of "
                "the repair, and %(kg)s kg CO2e avoided.",
                "Repaired, it serves %(years)s more years: %(eur)s € of purchase deferred, net of "
                "the repair, and %(kg)s kg CO2e avoided.", years) % figures
        return self.make(row["id"], " ".join([why, cost, gain]), severity, savings=saved)

    def accept(self, flags, *, actor):
        from ..renewal.services import unplan_renewal

        note = _("The review advises repairing it rather than replacing it.")
        ids = [flag.device_id for flag in flags]
        unplan_renewal(devices=Device.objects.filter(pk__in=ids), actor=actor, note=note)
        retired = [flag for flag in flags if flag.device.status == S.RETIRED]
        return transition_each(retired, S.IN_STOCK, actor=actor, note=note)


class WarrantyEndingRule(Rule):
    """The warranty ends soon: have the device checked while repairs are free."""

    slug = "warranty_ending"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Warranty ending")
    recommendation = gettext_lazy("Have it checked under warranty")
    severity = Flag.Severity.WARNING
    reads = ()

    def queryset(self, ctx):
        last_day = ctx.today + dt.timedelta(days=ctx.thresholds.warranty_days)
        return Device.objects.filter(
            status__in=ACTIVE, warranty_end__gte=ctx.today, warranty_end__lte=last_day
        ).exclude(self.snoozed(ctx))

    def rows(self, ctx):
        return self.queryset(ctx).values("id", "warranty_end")

    def finding(self, row, ctx):
        return self.make(row["id"], _("Warranty ends on %(date)s (within %(days)s days): have the "
                                      "device checked now, while repairs are free.")
                         % {"date": ctx.fmt.date(row["warranty_end"]), "days": ctx.thresholds.warranty_days})


def in_stock(value, output_field):
    """``value`` for a device in stock, else NULL."""
    return Case(When(status=S.IN_STOCK, then=value), output_field=output_field)


class IdleStockRule(Rule):
    """In stock or retired for too long: redeploy it, or offer it to associations.

    Deliberate spares (``Device.is_spare``, réserve de dépannage) are left alone.
    """

    slug = "idle_stock"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Idle in stock")
    # Offering needs an offer (grade, value, erasure): accepting only notes the finding; the
    # device page leads to the offer form (issue 14 §5: no status without its workflow).
    recommendation = gettext_lazy("Noted: redeploy it or offer it from its page")
    severity = Flag.Severity.WARNING
    reads = ("today",)  # the planned years left

    def queryset(self, ctx):
        idle = ctx.per_category("idle_days", lambda days: Q(status_changed_at__lt=ctx.days_ago_start(days)))
        return (
            Device.objects.filter(status__in=[S.IN_STOCK, S.RETIRED], is_spare=False)
            .filter(idle)
            .exclude(self.snoozed(ctx))
        )

    def rows(self, ctx):
        return self.queryset(ctx).values(
            "id", "status", since=local_date("status_changed_at"),
            # Only a device in stock has planned years left: a retired one's message and figure
            # read neither its purchase, nor its price, nor its lifespan.
            bought_on=in_stock(F("purchase_date"), DateField()), price=in_stock(replacement_price(), MONEY),
            embodied=footprint.embodied_expression(), category_id=F("model__category_id"),
            lifespan=in_stock(F("model__category__planned_lifespan_years"), IntegerField()),
        )

    def finding(self, row, ctx):
        fmt = ctx.fmt
        figures = {"date": fmt.date(row["since"]),
                   "days": ctx.threshold("idle_days", row["category_id"])}
        if row["status"] == S.IN_STOCK:
            # Redeployed, it serves what is left of its planned life: a purchase deferred by Δ.
            left = savings.remaining_years(row["bought_on"], row["lifespan"], ctx.today)
            saved = savings.deferral(price=row["price"], embodied=row["embodied"], delta=left,
                                     lifespan=row["lifespan"])
            figures.update(left=fmt.money(left), eur=fmt.money(saved.eur), kg=fmt.int(saved.kg))
            message = _("In stock since %(date)s (more than %(days)s days): redeploy it rather "
                        "than buy. With %(left)s planned years left, it defers %(eur)s € of "
                        "purchase and %(kg)s kg CO2e.") % figures
        else:
            saved = savings.reuse(embodied=row["embodied"], displacement=ctx.thresholds.displacement_rate)
            message = _("Retired since %(date)s (more than %(days)s days) and neither redeployed "
                        "nor offered: redeploy it, or offer it to associations.") % figures
        return self.make(row["id"], message, Flag.Severity.WARNING, savings=saved)



class NotSeenRule(Rule):
    """In service but not seen by an audit scan (or a staff QR visit) for too long, or never."""

    slug = "not_seen"
    own_connection = True  # reads no temporary table of the run
    label = gettext_lazy("Not seen in an audit")
    recommendation = gettext_lazy("Look for it at the next audit")
    severity = Flag.Severity.WARNING
    reads = ()

    def queryset(self, ctx):
        seen_recently = ctx.per_category("not_seen_months", lambda months: Q(
            last_seen__gte=day_start(months_before(ctx.today, months))))
        return (
            Device.objects.filter(status=S.IN_SERVICE)
            .exclude(Q(last_seen__isnull=False) & seen_recently)
            .exclude(self.snoozed(ctx))
        )

    def rows(self, ctx):
        return self.queryset(ctx).values(
            "id", seen=local_date("last_seen"),
            # The message quotes the date it went into service only when it was never seen.
            since=Case(When(last_seen__isnull=True, then=local_date("status_changed_at")), output_field=DateField()),
            category_id=F("model__category_id"),
        )

    def finding(self, row, ctx):
        fmt = ctx.fmt
        if row["seen"] is None:
            message = _("In service since %(since)s and never seen in an audit: scan its "
                        "label at the next audit, or find out where it went.")
        else:
            message = _("In service, last seen in an audit on %(date)s (more than %(months)s "
                        "months ago): scan its label at the next audit, or find out where it "
                        "went.")
        return self.make(row["id"], message % {
            "since": fmt.date(row["since"]), "date": fmt.date(row["seen"]),
            "months": ctx.threshold("not_seen_months", row["category_id"]),
        })


for _rule in (ExtendRule(), RepairNotReplaceRule(), WarrantyEndingRule(), IdleStockRule(),
              NotSeenRule(), ReservedTooLongRule(), RepairStalledRule()):
    register_rule(_rule)
