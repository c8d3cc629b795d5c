"""Pages of the exit routes: choose a route on the device page, fill its form, confirm.

Serves ``/devices/<tag>/exit/`` (the routes this device may take now), ``…/exit/<route>/``
(the route's form with its confirmation box) and ``…/found/`` (a lost or stolen device is back);
``/exits/<id>/document/`` (the route's stored legal document, staff only: media have no public URL)
and ``…/document/issue/`` (POST: issue it, ``documents.issue_document``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import require_staff
from config.web import add_service_errors, protected_file_response

from .. import lifecycle
from ..models import Device, Exit, Status, normalize_asset_tag
from .documents import document_filename, issue_document
from .forms import exit_form_class
from .services import found_again, record_exit


def _device(asset_tag):
    return get_object_or_404(Device.objects.select_related("model__category"),
                             asset_tag=normalize_asset_tag(asset_tag))


def possible_routes(device):
    """The routes the transition table and the ownership rule leave open (guards run on submit)."""
    routes = []
    for route in Exit.Route.values:
        try:
            lifecycle.check_transition(device, route, {}, workflow=lifecycle.Workflow.EXIT)
        except lifecycle.TransitionRefused as refusal:
            if refusal.code in ("not_allowed", "terminal", "not_owned", "owned"):
                continue
        routes.append((route, Exit.Route(route).label))
    return routes


def exit_choose(request, asset_tag):
    require_staff(request, "inventory.transition_device")
    device = _device(asset_tag)
    return render(request, "inventory/exit_choose.html", {"device": device, "routes": possible_routes(device)})


def exit_record(request, asset_tag, route):
    require_staff(request, "inventory.transition_device")
    if route not in Exit.Route.values:
        raise Http404
    device = _device(asset_tag)
    form = exit_form_class(route)(request.POST or None, request.FILES or None, initial={"expected": device.status})
    if request.method == "POST" and form.is_valid():
        try:
            record_exit(device=device, route=route, actor=request.user, expected_status=form.cleaned_data["expected"],
                        **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("%(tag)s is now “%(status)s”.")
                             % {"tag": device.asset_tag, "status": lifecycle.status_label(route)})
            return redirect(device)
    return render(request, "inventory/exit_form.html",
                  {"device": device, "form": form, "route_label": Exit.Route(route).label,
                   "cnil_hint": route == Exit.Route.STOLEN})


@require_POST
def device_found(request, asset_tag):
    require_staff(request, "inventory.transition_device")
    device = _device(asset_tag)
    if device.status not in (Status.LOST, Status.STOLEN):
        messages.error(request, _("Only a lost or stolen device can be found again."))
        return redirect(device)
    try:
        found_again(device=device, actor=request.user, note=request.POST.get("note", "")[:2000])
    except lifecycle.TransitionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(tag)s is back in stock.") % {"tag": device.asset_tag})
    return redirect(device)


def _exit(pk):
    return get_object_or_404(Exit.objects.select_related("device"), pk=pk)


def exit_document(request, pk):
    """The stored document of an exit, to staff who may read the register (never cached)."""
    require_staff(request, "inventory.view_device")
    record = _exit(pk)
    if not record.document or not record.document.storage.exists(record.document.name):
        raise Http404
    return protected_file_response(record.document, filename=document_filename(record), content_type="application/pdf")


@require_POST
def exit_document_issue(request, pk):
    """Issue the exit's document once (refusals — identity not configured… — shown on the device page)."""
    require_staff(request, "inventory.transition_device")
    record = _exit(pk)
    try:
        issue_document(record, signatory=request.POST.get("signatory", "")[:200])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The document of this exit is issued."))
    return redirect(record.device)
