"""Redeployment: redeploy a retired device, the "redeploy first" screen of internal requests,
and creating or cancelling a request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import require_staff

from .. import queries, services
from ..exceptions import ReuseRefused
from ..forms import InternalRequestForm, RedeployForm
from ..models import InternalRequest
from .common import REFUSALS, device_or_404, refusal_text


def redeploy(request, asset_tag):
    require_staff(request, "inventory.transition_device")
    device = device_or_404(asset_tag)
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
                messages.error(request, refusal_text(error))
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
