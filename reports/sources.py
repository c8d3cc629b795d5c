"""Figures that other apps own, read in one place so the lead can swap an implementation.

* ``reuse_ratio(owner, year)`` — décret 2023-266 ratio, from the legal indicator
  ``reuse.indicators.reuse_ratio`` (A and B lists, redeployments beside it); callers use
  ``reused``, ``stock``, ``rate`` and ``target`` as fractions, ``gap``, ``counted``, ``held``.
* ``inclusion(owner, year)`` — donations, associations, follow-ups (``reuse.queries``).
* ``current_owner()`` — the authority whose figures these are (DESIGN.md §6: a parameter of
  every legal figure, read from settings here and nowhere deeper).
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Owner:
    name: str
    siret: str
    address: str


def current_owner():
    """The one owner of this instance, from settings (``PROLONGE_OWNER_*`` environment variables)."""
    return Owner(
        name=settings.PROLONGE["OWNER_NAME"],
        siret=(getattr(settings, "PROLONGE_OWNER_SIRET", "") or settings.PROLONGE.get("OWNER_SIRET", "")).replace(
            " ", ""
        ),
        address=getattr(settings, "PROLONGE_OWNER_ADDRESS", "") or settings.PROLONGE.get("OWNER_ADDRESS", ""),
    )


@dataclass(frozen=True)
class ReuseFigure:
    """The legal indicator as the reports print it: shares as fractions (0.5 for 50 %)."""

    year: int
    reused: int
    stock: int
    target: object
    counted: list
    held: list
    redeployed: int

    @property
    def rate(self):
        from decimal import Decimal

        return Decimal(self.reused) / Decimal(self.stock) if self.stock else None

    @property
    def gap(self):
        """How many more devices must be directed to reuse this year to reach the target."""
        import math

        if self.target is None:
            return 0
        return max(0, math.ceil(self.target * self.stock) - self.reused)


def reuse_ratio(owner, year):
    """The décret 2023-266 reuse ratio of ``year`` (``reuse.indicators``, the one legal function).

    ``owner`` is this instance's authority: every device counts (one owner per instance today).
    """
    from reuse.indicators import reuse_ratio as legal_ratio

    ratio = legal_ratio(year=year)
    target = ratio.target / 100 if ratio.target is not None else None
    return ReuseFigure(year=year, reused=ratio.numerator, stock=ratio.denominator, target=target,
                       counted=ratio.counted, held=ratio.stock, redeployed=ratio.redeployed)


def inclusion(owner, year, *, as_of=None):
    """Donations handed over in ``year`` and what associations reported in follow-ups (3 queries).

    ``by_basis``: devices donated per legal basis of the receiving association (L. 3212-2 item).

    Follow-ups answered after the end of ``as_of`` are left out, so that a closed year's report
    does not move when a late answer arrives. Reads reuse's tables (read only).
    """
    import datetime as dt

    from django.db.models import Count, Sum
    from django.db.models.functions import Coalesce

    from reuse.models import ClaimLine, Donation, FollowUp

    from .lifespans import cutoff_start

    as_of = as_of or dt.date(year, 12, 31)
    start, end = cutoff_start(dt.date(year - 1, 12, 31)), cutoff_start(dt.date(year, 12, 31))
    donations = Donation.objects.filter(handed_over_at__gte=start, handed_over_at__lt=end)
    totals = donations.aggregate(donations=Count("pk"), associations=Count("association", distinct=True))
    lines = ClaimLine.objects.filter(claim__donation__in=donations, active=True)
    by_basis = dict(
        lines.values_list("claim__association__eligibility__legal_basis").annotate(n=Count("pk")).order_by()
    )
    totals["devices"] = sum(by_basis.values())
    # Devices donated by legal basis (CG3P L. 3212-2 item of the association's eligibility).
    totals["by_basis"] = {basis or "—": n for basis, n in sorted(by_basis.items(), key=lambda i: i[0] or "")}
    answers = FollowUp.objects.filter(donation__in=donations, submitted_at__lt=cutoff_start(as_of)).aggregate(
        answered=Count("pk"),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
        devices_in_use=Coalesce(Sum("devices_in_use"), 0),
    )
    totals.update(answers)
    totals["answered_share"] = answers["answered"] / totals["donations"] if totals["donations"] else None
    return totals
