""""My documents" (``/reuse/documents/``), a donation's page, its transfer agreement (PDF), and
the follow-up form the association answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import queries, services
from ..forms import FollowUpForm
from ..pdf import transfer_agreement
from .common import page_of, pdf_response, portal, refusal_text


def donation_list(request):
    """"My documents" for an association: agreements, erasure certificates, follow-ups to answer."""
    association = portal(request)
    donations = queries.donations_for(request.user)
    context = {"page": page_of(request, donations), "association": association}
    if association:
        context["follow_ups_due"] = list(queries.follow_ups_due(association))
        context["certificates"] = queries.erasures_for(request.user)[:200]
    return render(request, "reuse/donation_list.html", context)


def donation_detail(request, pk):
    association = portal(request)
    donation = get_object_or_404(queries.donations_for(request.user), pk=pk)
    return render(request, "reuse/donation_detail.html", {
        "donation": donation, "lines": donation.agreement_lines(), "association": association,
        "follow_up": getattr(donation, "follow_up", None),
    })


def donation_agreement(request, pk):
    portal(request)
    donation = get_object_or_404(queries.donations_for(request.user), pk=pk)
    return pdf_response(donation.agreement, lambda: transfer_agreement(donation), f"{donation.number}.pdf")


def follow_up(request, pk):
    association = portal(request)
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
                messages.error(request, refusal_text(error))
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
