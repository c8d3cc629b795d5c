"""Read side of reuse: who sees what (``*_for(user)``) and the querysets pages share.

Association members see the catalogue, and only their own association's claims, agreements
and certificates; never internal data (assignee, price paid, notes, journal). Staff see all.
Everyone else sees nothing. Each function returns a queryset with what its pages show joined
or prefetched, so a page costs a constant number of queries.
"""

from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from config.roles import is_staff_member
from inventory.models import Category, Device, Status

from .models import (
    Association,
    Claim,
    ClaimLine,
    Donation,
    Erasure,
    FollowUp,
    InternalRequest,
    Membership,
    Offer,
    OfferItem,
)


def association_of(user):
    """The association the user acts for, or None (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_reuse_association"):
        membership = Membership.objects.select_related("association", "association__eligibility").filter(
            user=user
        ).first()
        user._reuse_association = membership.association if membership else None
    return user._reuse_association


def holding_line(device_ref):
    return ClaimLine.objects.filter(device=device_ref, active=True)


def free_items(offer):
    """The offer's devices that are available and no claim holds."""
    return OfferItem.objects.filter(offer=offer, active=True, device__status=Status.AVAILABLE).filter(
        ~Exists(holding_line(OuterRef("device")))
    )


def _count(queryset):
    return Coalesce(
        Subquery(queryset.values("offer").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def with_quantities(offers):
    """Annotate ``free_quantity`` (claimable now) and ``total_quantity`` (still in the offer)."""
    free = OfferItem.objects.filter(offer=OuterRef("pk"), active=True, device__status=Status.AVAILABLE).filter(
        ~Exists(holding_line(OuterRef("device")))
    )
    total = OfferItem.objects.filter(offer=OuterRef("pk"), active=True)
    return offers.annotate(free_quantity=_count(free), total_quantity=_count(total))


def catalogue_items():
    """What a catalogue card shows of the offer's devices: model and specs, nothing internal."""
    return OfferItem.objects.filter(active=True).select_related("device__model").only(
        "offer_id", "value_at_transfer", "device__id", "device__model__manufacturer", "device__model__name",
        "device__model__ram_gb", "device__model__storage_gb", "device__model__storage_kind", "device__model__cpu",
    )


def offer_models(offer):
    """The free devices of an offer grouped by model: what an association chooses from (one query)."""
    return (
        free_items(offer)
        .values("device__model__manufacturer", "device__model__name", "device__model__cpu", "device__model__ram_gb",
                "device__model__storage_gb", "device__model__storage_kind")
        .annotate(count=Count("pk"), low=Min("value_at_transfer"), high=Max("value_at_transfer"))
        .order_by("device__model__manufacturer", "device__model__name")
    )


def offers_for(user):
    """Staff: every offer. Members: open offers with devices still free (the catalogue)."""
    offers = with_quantities(Offer.objects.select_related("category"))
    if is_staff_member(user):
        return offers
    if association_of(user) is not None:
        return offers.filter(status=Offer.Status.OPEN, free_quantity__gt=0)
    return offers.none()


def catalogue(user):
    return offers_for(user).filter(status=Offer.Status.OPEN, free_quantity__gt=0).prefetch_related(
        Prefetch("items", queryset=catalogue_items(), to_attr="catalogue_items")
    )


def claims_for(user):
    claims = Claim.objects.select_related("offer", "offer__category", "association")
    if is_staff_member(user):
        return claims
    association = association_of(user)
    if association is not None:
        return claims.filter(association=association)
    return claims.none()


def claim_lines(claim):
    """The devices of a claim, as the association may see them (no internal fields)."""
    lines = claim.lines.filter(active=True) if claim.status in Claim.HOLDING else claim.lines.all()
    return lines.select_related("device__model").only(
        "claim_id", "value_at_transfer", "active", "device__asset_tag", "device__serial_number",
        "device__model__manufacturer", "device__model__name",
    )


def donations_for(user):
    donations = Donation.objects.select_related("association", "claim", "claim__offer", "follow_up")
    if is_staff_member(user):
        return donations
    association = association_of(user)
    if association is not None:
        return donations.filter(association=association)
    return donations.none()


def erasures_for(user):
    """Staff: all erasures. Members: certificates of devices approved for or given to them."""
    erasures = Erasure.objects.select_related("device", "device__model")
    if is_staff_member(user):
        return erasures
    association = association_of(user)
    if association is None:
        return erasures.none()
    theirs = ClaimLine.objects.filter(
        device=OuterRef("device"),
        active=True,
        claim__association=association,
        claim__status__in=(Claim.Status.APPROVED, Claim.Status.READY, Claim.Status.HANDED_OVER),
    )
    return erasures.filter(Exists(theirs), passed=True)


def follow_ups_due(association):
    """Donations whose follow-up the association was asked for and has not answered."""
    return Donation.objects.filter(
        association=association, follow_up_requested_at__isnull=False, follow_up__isnull=True
    ).order_by("follow_up_due")


def associations_for_staff():
    return Association.objects.select_related("eligibility").annotate(
        member_count=Count("memberships", distinct=True),
        active_claims=Count("claims", filter=Q(claims__status__in=Claim.ACTIVE), distinct=True),
    )


def open_requests():
    return (
        InternalRequest.objects.filter(status=InternalRequest.Status.OPEN)
        .select_related("department", "category")
        .order_by("created_at")
    )


def redeploy_first(per_request_limit=10):
    """Open internal requests, each with the retired devices of its category that could serve it.

    Youngest devices first (the most life left). Two queries whatever the fleet size: the
    requests, then at most ``per_request_limit`` candidates per category (a window function).
    """
    requests = list(open_requests())
    categories = {request.category_id for request in requests}
    candidates = {}
    if categories:
        ranked = (
            Device.objects.filter(status=Status.RETIRED, model__category__in=categories)
            .select_related("model", "site")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("model__category")],
                    order_by=[F("purchase_date").desc(nulls_last=True), F("asset_tag").asc()],
                )
            )
            .filter(rank__lte=per_request_limit)
            .order_by("model__category", "rank")
        )
        for device in ranked:
            candidates.setdefault(device.model.category_id, []).append(device)
    return [(request, candidates.get(request.category_id, [])) for request in requests]


def retired_counts():
    """{category_id: number of retired devices}: the stock redeployment can draw from."""
    return dict(
        Device.objects.filter(status=Status.RETIRED)
        .values("model__category")
        .annotate(n=Count("pk"))
        .values_list("model__category", "n")
    )


def device_panel(device):
    """What the reuse panel of the device page shows: three queries whatever the history."""
    erasures = list(Erasure.objects.filter(device=device).order_by("-performed_at", "-id")[:5])
    item = OfferItem.objects.filter(device=device, active=True).select_related("offer").first()
    line = (
        ClaimLine.objects.filter(device=device, active=True)
        .select_related("claim", "claim__association")
        .first()
    )
    return {"erasures": erasures, "offer_item": item, "claim_line": line}


def follow_up_totals(year=None):
    """Figures the annual report uses: donations, devices, value, and what associations reported."""
    donations = Donation.objects.all()
    if year is not None:
        donations = donations.filter(handed_over_at__year=year)
    totals = donations.aggregate(
        donations=Count("pk", distinct=True),
        associations=Count("association", distinct=True),
        value=Sum("total_value"),
    )
    totals["value"] = totals["value"] or Decimal("0")
    totals["devices"] = ClaimLine.objects.filter(claim__donation__in=donations).count()
    answers = FollowUp.objects.filter(donation__in=donations).aggregate(
        answered=Count("pk"),
        beneficiaries=Coalesce(Sum("beneficiaries"), Value(0)),
        devices_in_use=Coalesce(Sum("devices_in_use"), Value(0)),
        failures=Coalesce(Sum("failures"), Value(0)),
    )
    totals.update(answers)
    return totals


def categories():
    return Category.objects.order_by("name")
