"""Catalogue and offers: ``/reuse/catalogue/`` (associations browse, staff see every offer),
an offer's page, claiming it, and the staff's create and withdraw."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import require_staff
from config.web import filtered_rows, query_without_page
from inventory.models import normalize_asset_tag

from .. import queries, services
from ..conf import donation_ceiling, value_basis
from ..filters import OfferFilterSet
from ..forms import ClaimForm, OfferForm
from ..models import Claim, Offer
from .common import REFUSALS, page_of, portal, refusal_text


def catalogue(request):
    """Associations browse what is offered; staff see every offer and its state."""
    association = portal(request)
    base = queries.catalogue(request.user) if association else queries.offers_for(request.user)
    filterset = OfferFilterSet(request.GET, queryset=base, request=request)
    return render(request, "reuse/catalogue.html", {
        "filter": filterset, "page": page_of(request, filtered_rows(filterset)), "query": query_without_page(request),
        "association": association,
    })


def offer_detail(request, pk):
    association = portal(request)
    offer = get_object_or_404(queries.offers_for(request.user), pk=pk)
    context = {"offer": offer, "association": association}
    if association:
        context.update({
            "models": list(queries.offer_models(offer)),
            "form": ClaimForm(free=offer.free_quantity),
            "own_claim": queries.claims_for(request.user).filter(offer=offer, status__in=Claim.ACTIVE).first(),
        })
    else:
        context.update({
            "items": offer.items.select_related("device", "device__model").order_by("device__asset_tag"),
            "claims": offer.claims.select_related("association"),
        })
    return render(request, "reuse/offer_detail.html", context)


@require_POST
def offer_claim(request, pk):
    association = portal(request)
    if association is None:
        raise PermissionDenied
    # Any offer, not only the catalogue's: one just fully claimed must say "already claimed", not 404.
    offer = get_object_or_404(queries.with_quantities(Offer.objects.all()), pk=pk)
    form = ClaimForm(request.POST, free=max(offer.free_quantity, 1))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(offer)
    try:
        claim = services.claim_offer(offer=offer, association=association, actor=request.user,
                                     quantity=form.cleaned_data["quantity"], message=form.cleaned_data["message"])
    except (*REFUSALS, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return redirect("reuse:catalogue")
    messages.success(request, _("Your claim was sent: we will answer soon."))
    return redirect(claim)


def offer_create(request):
    require_staff(request, "reuse.add_offer")
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                offer = services.create_offer(devices=data["devices"], grade=data["grade"], actor=request.user,
                                              title=data["title"], description=data["description"],
                                              value=data["value"],
                                              value_justification=data["value_justification"])
            except (*REFUSALS, ValidationError) as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, _("The offer is published."))
                return redirect(offer)
    else:
        form = OfferForm(initial={"devices": "\n".join(prefilled_tags(request))})
    return render(request, "reuse/offer_form.html", {"form": form, "ceiling": donation_ceiling(),
                                                     "basis": value_basis()})


def prefilled_tags(request):
    """The asset tags a GET pre-fills the offer form with: ``?device=A&device=B`` (the device page)
    or ``?tags=A,B`` (the device list's bulk action), normalised, once each, at most a list page."""
    tags = [*request.GET.getlist("device"), *",".join(request.GET.getlist("tags")).replace(",", " ").split()]
    return list(dict.fromkeys(normalize_asset_tag(tag) for tag in tags if tag.strip()))[:500]


@require_POST
def offer_withdraw(request, pk):
    require_staff(request, "reuse.change_offer")
    offer = get_object_or_404(queries.offers_for(request.user), pk=pk)
    try:
        services.withdraw_offer(offer=offer, actor=request.user)
    except REFUSALS as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The offer is withdrawn; its free devices are retired again."))
    return redirect(offer)
