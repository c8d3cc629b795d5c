"""Pages of reuse: the association portal (catalogue, claims, documents) and the staff screens.

Views parse input, call a service and show the outcome; who sees which rows is decided by the
``for_user``-style selectors in ``reuse.queries`` (another association's row is a 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import is_staff_member, require_staff
from inventory.lifecycle import TransitionRefused
from inventory.models import Device, normalize_asset_tag

from .. import queries, services
from ..conf import donation_ceiling
from ..exceptions import ReuseRefused
from ..filters import ClaimFilterSet, ErasureFilterSet, OfferFilterSet
from ..forms import (
    ApplicationForm,
    AssociationForm,
    ClaimForm,
    ErasureForm,
    FollowUpForm,
    HandOverForm,
    InterestsForm,
    InternalRequestForm,
    OfferForm,
    OptionalReasonForm,
    PickupForm,
    ReasonForm,
    RedeployForm,
)
from ..models import Association, Claim, InternalRequest, Offer
from ..pdf import erasure_certificate, transfer_agreement

REFUSALS = (ReuseRefused, TransitionRefused)


def _portal(request):
    """Staff, or a member of an association; anyone else is turned away."""
    if is_staff_member(request.user):
        return None
    association = queries.association_of(request.user)
    if association is None:
        raise PermissionDenied(_("Your account is not linked to an association yet."))
    return association


def _refusal_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.message


def _page(request, queryset, size=20):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Catalogue and offers ------------------------------------------------------------------------


def catalogue(request):
    """Associations browse what is offered; staff see every offer and its state."""
    association = _portal(request)
    base = queries.catalogue(request.user) if association else queries.offers_for(request.user)
    filterset = OfferFilterSet(request.GET, queryset=base, request=request)
    return render(request, "reuse/catalogue.html", {
        "filter": filterset, "page": _page(request, filterset.qs), "query": _query_without_page(request),
        "association": association,
    })


def offer_detail(request, pk):
    association = _portal(request)
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
    association = _portal(request)
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
        messages.error(request, _refusal_text(error))
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
                                              value=data["value"])
            except (*REFUSALS, ValidationError) as error:
                messages.error(request, _refusal_text(error))
            else:
                messages.success(request, _("The offer is published."))
                return redirect(offer)
    else:
        form = OfferForm(initial={"devices": "\n".join(normalize_asset_tag(t) for t in request.GET.getlist("device"))})
    return render(request, "reuse/offer_form.html", {"form": form, "ceiling": donation_ceiling()})


@require_POST
def offer_withdraw(request, pk):
    require_staff(request, "reuse.change_offer")
    offer = get_object_or_404(queries.offers_for(request.user), pk=pk)
    try:
        services.withdraw_offer(offer=offer, actor=request.user)
    except REFUSALS as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("The offer is withdrawn; its free devices are retired again."))
    return redirect(offer)


# --- Claims --------------------------------------------------------------------------------------


def claim_list(request):
    association = _portal(request)
    filterset = ClaimFilterSet(request.GET, queryset=queries.claims_for(request.user), request=request)
    return render(request, "reuse/claim_list.html", {
        "filter": filterset, "page": _page(request, filterset.qs, 25), "query": _query_without_page(request),
        "association": association,
    })


def claim_detail(request, pk):
    association = _portal(request)
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
    association = _portal(request)
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
    try:
        if action == "approve":
            services.approve_claim(claim=claim, actor=user)
        elif action == "refuse":
            services.refuse_claim(claim=claim, actor=user, reason=data["reason"])
        elif action == "pickup":
            services.set_pickup(claim=claim, actor=user, pickup_at=data["pickup_at"], place=data["place"])
        elif action == "handover":
            donation = services.hand_over(claim=claim, actor=user, owner_signatory=data["owner_signatory"],
                                          association_signatory=data["association_signatory"])
            messages.success(request, _("Donation recorded: agreement %(number)s.") % {"number": donation.number})
            return redirect(donation)
        else:
            services.cancel_claim(claim=claim, actor=user, reason=data["reason"])
    except (*REFUSALS, ValidationError) as error:
        messages.error(request, _refusal_text(error))
    else:
        claim.refresh_from_db()
        messages.success(request, _("Claim #%(id)s is now “%(status)s”.") % {
            "id": claim.pk, "status": claim.get_status_display()})
    return redirect(claim)


# --- Donations, follow-up, certificates -----------------------------------------------------------


def donation_list(request):
    """"My documents" for an association: agreements, erasure certificates, follow-ups to answer."""
    association = _portal(request)
    donations = queries.donations_for(request.user)
    context = {"page": _page(request, donations), "association": association}
    if association:
        context["follow_ups_due"] = list(queries.follow_ups_due(association))
        context["certificates"] = queries.erasures_for(request.user)[:200]
    return render(request, "reuse/donation_list.html", context)


def donation_detail(request, pk):
    association = _portal(request)
    donation = get_object_or_404(queries.donations_for(request.user), pk=pk)
    return render(request, "reuse/donation_detail.html", {
        "donation": donation, "lines": donation.agreement_lines(), "association": association,
        "follow_up": getattr(donation, "follow_up", None),
    })


def donation_agreement(request, pk):
    _portal(request)
    donation = get_object_or_404(queries.donations_for(request.user), pk=pk)
    return _pdf(donation.agreement, lambda: transfer_agreement(donation), f"{donation.number}.pdf")


def follow_up(request, pk):
    association = _portal(request)
    donation = get_object_or_404(queries.donations_for(request.user), pk=pk)
    current = getattr(donation, "follow_up", None)
    if request.method == "POST":
        if association is None:
            raise PermissionDenied
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.record_follow_up(donation=donation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, _refusal_text(error))
            else:
                messages.success(request, _("Thank you: your answer is recorded."))
                return redirect("reuse:donation-list")
    else:
        initial = {}
        if current:
            initial = {"beneficiaries": current.beneficiaries, "devices_in_use": current.devices_in_use,
                       "failures": current.failures, "comments": current.comments}
        form = FollowUpForm(initial=initial)
    return render(request, "reuse/follow_up_form.html", {
        "donation": donation, "form": form, "current": current, "association": association})


def erasure_list(request):
    _portal(request)
    filterset = ErasureFilterSet(request.GET, queryset=queries.erasures_for(request.user))
    return render(request, "reuse/erasure_list.html", {
        "filter": filterset, "page": _page(request, filterset.qs, 50), "query": _query_without_page(request)})


def erasure_detail(request, pk):
    _portal(request)
    erasure = get_object_or_404(queries.erasures_for(request.user), pk=pk)
    return render(request, "reuse/erasure_detail.html", {"erasure": erasure})


def erasure_certificate_pdf(request, pk):
    _portal(request)
    erasure = get_object_or_404(queries.erasures_for(request.user), pk=pk)
    return _pdf(erasure.certificate, lambda: erasure_certificate(erasure), f"{erasure.number}.pdf")


def _pdf(stored, render_again, filename):
    """The archived PDF; regenerated from the stored fields if the file went missing."""
    if stored and stored.storage.exists(stored.name):
        return FileResponse(stored.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    return FileResponse(ContentFile(render_again()), as_attachment=True, filename=filename,
                        content_type="application/pdf")


# --- Staff: erasure, redeployment, internal requests ----------------------------------------------


def _device(asset_tag):
    return get_object_or_404(Device.objects.select_related("model", "model__category"),
                             asset_tag=normalize_asset_tag(asset_tag))


def erasure_create(request, asset_tag):
    require_staff(request, "reuse.add_erasure")
    device = _device(asset_tag)
    if request.method == "POST":
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                erasure = services.record_erasure(device=device, actor=request.user, **form.cleaned_data)
            except (*REFUSALS, ValidationError) as error:
                messages.error(request, _refusal_text(error))
            else:
                messages.success(request, _("Erasure recorded: certificate %(number)s.") % {"number": erasure.number})
                return redirect(device)
    else:
        form = ErasureForm(initial={"operator_name": request.user.get_full_name() or request.user.get_username()})
    return render(request, "reuse/erasure_form.html", {"form": form, "device": device})


def redeploy(request, asset_tag):
    require_staff(request, "inventory.transition_device")
    device = _device(asset_tag)
    if request.method == "POST":
        form = RedeployForm(request.POST, device=device)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.redeploy_device(
                    device=device, actor=request.user, department=data["department"], site=data["site"],
                    assignee=data["assignee"] or None, put_in_service=data["put_in_service"],
                    request=data["request"], note=data["note"],
                )
            except (*REFUSALS, ValidationError) as error:
                messages.error(request, _refusal_text(error))
            else:
                messages.success(request, _("%(tag)s is redeployed.") % {"tag": device.asset_tag})
                return redirect(device)
    else:
        form = RedeployForm(device=device, initial={"request": request.GET.get("request")})
    return render(request, "reuse/redeploy_form.html", {"form": form, "device": device})


def redeploy_first(request):
    """Open internal requests next to the retired devices that could serve them."""
    require_staff(request)
    return render(request, "reuse/redeploy_first.html", {
        "rows": queries.redeploy_first(),
        "retired_counts": queries.retired_counts(),
        "form": InternalRequestForm() if request.user.has_perm("reuse.add_internalrequest") else None,
    })


@require_POST
def request_create(request):
    require_staff(request, "reuse.add_internalrequest")
    form = InternalRequestForm(request.POST)
    if form.is_valid():
        services.create_internal_request(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The request is recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("reuse:redeploy-first")


@require_POST
def request_cancel(request, pk):
    require_staff(request, "reuse.change_internalrequest")
    try:
        services.cancel_internal_request(request=get_object_or_404(InternalRequest, pk=pk), actor=request.user)
    except ReuseRefused as error:
        messages.error(request, error.message)
    return redirect("reuse:redeploy-first")


# --- Associations --------------------------------------------------------------------------------


def association_list(request):
    require_staff(request, "reuse.view_association")
    associations = queries.associations_for_staff()
    status = request.GET.get("status")
    if status in Association.Status.values:
        associations = associations.filter(status=status)
    return render(request, "reuse/association_list.html", {
        "page": _page(request, associations, 50), "statuses": Association.Status.choices, "status": status,
        "query": _query_without_page(request),
    })


def association_detail(request, pk):
    require_staff(request, "reuse.view_association")
    association = get_object_or_404(queries.associations_for_staff(), pk=pk)
    can_edit = request.user.has_perm("reuse.change_association")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = AssociationForm(request.POST, instance=Association.objects.get(pk=pk))
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.update_association(association=association, actor=request.user,
                                            interests=data.pop("interests"), **data)
            except ValidationError as error:
                messages.error(request, _refusal_text(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("reuse:association-detail", pk=pk)
    else:
        form = AssociationForm(instance=association)
    return render(request, "reuse/association_detail.html", {
        "association": association, "form": form if can_edit else None, "can_edit": can_edit,
        "members": association.memberships.select_related("user"),
        "claims": queries.claims_for(request.user).filter(association=association)[:20],
    })


@require_POST
def association_decide(request, pk, action):
    require_staff(request, "reuse.change_association")
    association = get_object_or_404(Association, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            services.approve_association(association=association, actor=request.user)
        elif action == "suspend":
            services.suspend_association(association=association, actor=request.user, reason=reason)
        elif action == "refuse":
            services.refuse_application(association=association, actor=request.user, reason=reason)
        else:
            raise PermissionDenied
    except (ReuseRefused, ValidationError) as error:
        messages.error(request, _refusal_text(error))
    else:
        association.refresh_from_db()
        messages.success(request, _("%(name)s is now “%(status)s”.") % {
            "name": association.name, "status": association.get_status_display()})
    return redirect("reuse:association-detail", pk=pk)


@login_not_required
def apply(request):
    """The public application form: an association asks to become a partner."""
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            for name in ("consent", "website"):
                data.pop(name)
            try:
                services.apply_as_association(**data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("reuse:apply-done")
    else:
        form = ApplicationForm()
    return render(request, "reuse/apply.html", {"form": form})


@login_not_required
def apply_done(request):
    return render(request, "reuse/apply_done.html")


def my_association(request):
    """A member's view of their association, and the categories it follows."""
    association = _portal(request)
    if association is None:
        return redirect(reverse("reuse:association-list"))
    if request.method == "POST":
        form = InterestsForm(request.POST)
        if form.is_valid():
            services.update_interests(association=association, interests=form.cleaned_data["interests"],
                                      actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("reuse:my-association")
    else:
        form = InterestsForm(initial={"interests": association.interests.all()})
    return render(request, "reuse/my_association.html", {"association": association, "form": form})
