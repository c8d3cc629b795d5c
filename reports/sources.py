"""Figures that other apps own, read in one place so the lead can swap an implementation.

* ``reuse_ratio(owner, year)`` — décret 2023-266 ratio. Today: ``inventory.review.reuse_rate``
  (which counts internal redeployments in A; the legal version that excludes them and keeps
  A and B lists is being written as ``reuse.indicators``). When it lands, change this function
  only: callers use ``reused``, ``stock``, ``rate``, ``target`` and ``gap``.
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


def reuse_ratio(owner, year):
    """The décret 2023-266 reuse ratio of ``year`` (provisional source, see the module docstring)."""
    from inventory.review import reuse_rate

    return reuse_rate(year=year)


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
