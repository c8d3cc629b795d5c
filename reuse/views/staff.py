"""Donations to members of staff (CG3P L. 3212-2, 5°): the list, "Give to a staff member" with its
confirmation step (the agreement is irreversible), a donation's page and its agreement (PDF)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.roles import require_staff

from .. import services
from ..models import StaffDonation
from ..staff_forms import StaffDonationForm
from ..staff_pdf import staff_agreement
from .common import REFUSALS, page_of, pdf_response, refusal_text


def staff_donation_list(request):
    require_staff(request, "reuse.view_staffdonation")
    donations = StaffDonation.objects.all()
    return render(request, "reuse/staff_donation_list.html", {"page": page_of(request, donations)})


def staff_donation_create(request):
    """First POST: the checks and values, nothing written; second POST (``confirm``): issued."""
    require_staff(request, "reuse.add_staffdonation")
    preview = None
    if request.method == "POST":
        form = StaffDonationForm(request.POST)
        if form.is_valid():
            arguments = form.service_arguments()
            try:
                if request.POST.get("confirm") == "1":
                    donation = services.donate_to_staff(actor=request.user, **arguments)
                else:
                    _category, preview = services.preview_staff_donation(
                        devices=arguments["devices"], declared_values=arguments["declared_values"])
            except (*REFUSALS, ValidationError) as error:
                messages.error(request, refusal_text(error))
                preview = None
            else:
                if preview is None:
                    messages.success(request, _("Agreement %(number)s is issued.") % {"number": donation.number})
                    return redirect(donation)
    else:
        form = StaffDonationForm(initial={"devices": request.GET.get("device", "")})
    return render(request, "reuse/staff_donation_form.html", {
        "form": form, "preview": preview,
        "total": sum((line.valuation.value for line in preview or ()), start=0),
    })


def staff_donation_detail(request, pk):
    require_staff(request, "reuse.view_staffdonation")
    donation = get_object_or_404(StaffDonation, pk=pk)
    return render(request, "reuse/staff_donation_detail.html",
                  {"donation": donation, "lines": donation.agreement_lines()})


def staff_donation_agreement(request, pk):
    require_staff(request, "reuse.view_staffdonation")
    donation = get_object_or_404(StaffDonation, pk=pk)
    return pdf_response(donation.agreement, lambda: staff_agreement(donation), f"{donation.number}.pdf")
