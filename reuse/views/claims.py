"""Claims: the list (``/reuse/claims/``), a claim's page, and the staff's decisions on it
(approve, refuse, pickup slot, hand over, cancel)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.confirm import confirm_first
from config.roles import require_staff
from config.web import filtered_rows, query_without_page

from .. import conf, queries, services
from ..filters import ClaimFilterSet
from ..forms import HandOverForm, OptionalReasonForm, PickupForm, ReasonForm
from ..models import Claim
from .common import REFUSALS, page_of, portal, refusal_text


def claim_list(request):
    association = portal(request)
    filterset = ClaimFilterSet(request.GET, queryset=queries.claims_for(request.user), request=request)
    return render(request, "reuse/claim_list.html", {
        "filter": filterset, "page": page_of(request, filtered_rows(filterset), 25),
        "query": query_without_page(request),
        "association": association,
    })


def claim_detail(request, pk):
    association = portal(request)
    claim = get_object_or_404(queries.claims_for(request.user), pk=pk)
    context = {
        "claim": claim,
        "association": association,
        "lines": queries.claim_lines(claim),
        "donation": getattr(claim, "donation", None) if claim.status == Claim.Status.HANDED_OVER else None,
        "cancel_form": OptionalReasonForm(),
    }
    if association is None and request.user.has_perm("reuse.change_claim"):
        context.update({
            "refuse_form": ReasonForm(),
            "pickup_form": PickupForm(initial={"pickup_at": claim.pickup_at, "place": claim.pickup_place}),
            "handover_form": HandOverForm(initial={"association_signatory": claim.association.contact_name}),
        })
    return render(request, "reuse/claim_detail.html", context)


CLAIM_ACTIONS = {
    # action: (form class or None, staff only)
    "approve": (None, True),
    "refuse": (ReasonForm, True),
    "pickup": (PickupForm, True),
    "handover": (HandOverForm, True),
    "cancel": (OptionalReasonForm, False),
}


@require_POST
def claim_action(request, pk, action):
    association = portal(request)
    claim = get_object_or_404(queries.claims_for(request.user), pk=pk)
    form_class, staff_only = CLAIM_ACTIONS.get(action, (None, None))
    if staff_only is None:
        raise PermissionDenied
    if staff_only or association is None:
        require_staff(request, "reuse.change_claim")
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(claim)
    data = form.cleaned_data if form else {}
    user = request.user
    if action == "handover":
        asked = confirm_first(
            request, title=_("Record the handover of claim #%(id)s?") % {"id": claim.pk},
            consequence=_("The devices leave the register as donated and a numbered transfer agreement is issued "
                          "in the names of %(owner)s and %(association)s.")
            % {"owner": (conf.signatory(data["owner_signatory"]) or {}).get("name", data["owner_signatory"]),
               "association": data["association_signatory"]},
            button=_("Record the handover"), back=claim.get_absolute_url())
        if asked:
            return asked
    try:
        if action == "approve":
            services.approve_claim(claim=claim, actor=user)
        elif action == "refuse":
            services.refuse_claim(claim=claim, actor=user, reason=data["reason"])
        elif action == "pickup":
            services.set_pickup(claim=claim, actor=user, pickup_at=data["pickup_at"], place=data["place"])
        elif action == "handover":
            donation = services.hand_over(claim=claim, actor=user, owner_signatory=data["owner_signatory"],
                                          association_signatory=data["association_signatory"],
                                          operating_system=data["operating_system"],
                                          licence_status=data["licence_status"])
            messages.success(request, _("Donation recorded: agreement %(number)s.") % {"number": donation.number})
            return redirect(donation)
        else:
            services.cancel_claim(claim=claim, actor=user, reason=data["reason"])
    except (*REFUSALS, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        claim.refresh_from_db()
        messages.success(request, _("Claim #%(id)s is now “%(status)s”.") % {
            "id": claim.pk, "status": claim.get_status_display()})
    return redirect(claim)
