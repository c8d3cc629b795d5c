"""Pages of WEEE shipments (staff): list, draft, devices by asset tag, weights, dispatch, register CSV.

Every write goes through ``services``; the dispatch page asks for an explicit confirmation
because it recycles every device of the shipment and cannot be undone.
"""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config import exports
from config.roles import require_staff
from config.web import add_service_errors, protected_file_response

from .. import lifecycle
from ..models import Device, Shipment, ShipmentWeight, normalize_asset_tag
from . import services
from .forms import AddDevicesForm, CertificateForm, DispatchForm, ShipmentForm, WeightsForm
from .register import REGISTER_COLUMNS, register_rows, total_kg

READ = "inventory.view_device"
WRITE = "inventory.transition_device"


def _shipment(pk):
    return get_object_or_404(Shipment, pk=pk)


def shipment_list(request):
    require_staff(request, READ)
    shipments = Shipment.objects.annotate(devices=Count("items", distinct=True)).order_by("-shipped_on", "-id")
    page = Paginator(shipments, 50).get_page(request.GET.get("page"))
    kg = {row["shipment"]: row["kg"] for row in ShipmentWeight.objects.filter(
        shipment__in=[s.pk for s in page]).values("shipment").annotate(kg=Sum("kg"))}
    for shipment in page:
        shipment.kg = kg.get(shipment.pk)
    return render(request, "inventory/shipment_list.html", {
        "page": page, "can_write": lifecycle.can_transition(request.user), "year": timezone.localdate().year,
    })


def shipment_create(request):
    require_staff(request, WRITE)
    form = ShipmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shipment = services.create_shipment(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft shipment recorded: add its devices and weights."))
            return redirect(shipment)
    return render(request, "inventory/shipment_form.html", {"form": form, "shipment": None})


def shipment_edit(request, pk):
    require_staff(request, WRITE)
    shipment = _shipment(pk)
    if not shipment.is_draft:
        messages.error(request, _("This shipment was dispatched: it can no longer change."))
        return redirect(shipment)
    form = ShipmentForm(request.POST or None, instance=shipment)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_shipment(shipment, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(shipment)
    return render(request, "inventory/shipment_form.html", {"form": form, "shipment": shipment})


def shipment_detail(request, pk):
    require_staff(request, READ)
    shipment = _shipment(pk)
    items = shipment.items.select_related("device__model__category", "device__site").order_by("device__asset_tag")
    can_write = lifecycle.can_transition(request.user) and shipment.is_draft
    return render(request, "inventory/shipment_detail.html", {
        "shipment": shipment, "items": items, "weights": shipment.weights.all(), "kg": total_kg(shipment),
        "can_write": can_write,
        "add_form": AddDevicesForm() if can_write else None,
        "weights_form": WeightsForm(shipment=shipment) if can_write else None,
        "certificate_form": (CertificateForm(instance=shipment)
                             if not shipment.is_draft and lifecycle.can_transition(request.user) else None),
    })


@require_POST
def shipment_add_devices(request, pk):
    require_staff(request, WRITE)
    shipment = _shipment(pk)
    form = AddDevicesForm(request.POST)
    if form.is_valid():
        try:
            added, refusals = services.add_devices(shipment, form.tags())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if added:
                messages.success(request, _("%(n)s device(s) added.") % {"n": len(added)})
            for refusal in refusals:
                messages.error(request, refusal)
    else:
        messages.error(request, _("Type at least one asset tag."))
    return redirect(shipment)


@require_POST
def shipment_remove_device(request, pk, asset_tag):
    require_staff(request, WRITE)
    shipment = _shipment(pk)
    device = get_object_or_404(Device, asset_tag=normalize_asset_tag(asset_tag))
    try:
        services.remove_device(shipment, device)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(shipment)


@require_POST
def shipment_weights(request, pk):
    require_staff(request, WRITE)
    shipment = _shipment(pk)
    form = WeightsForm(request.POST, shipment=shipment)
    if form.is_valid():
        try:
            services.set_weights(shipment, form.weights())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Weights recorded."))
    else:
        messages.error(request, _("A weight is a number of kilograms, 0 or more."))
    return redirect(shipment)


def shipment_dispatch(request, pk):
    require_staff(request, WRITE)
    shipment = _shipment(pk)
    if not shipment.is_draft:
        messages.error(request, _("This shipment was dispatched: it can no longer change."))
        return redirect(shipment)
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispatch(shipment, actor=request.user, confirm=form.cleaned_data["confirm"])
        except ValidationError as error:
            add_service_errors(form, error)
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Shipment dispatched: its devices are now recycled."))
            return redirect(shipment)
    return render(request, "inventory/shipment_dispatch.html", {
        "shipment": shipment, "form": form, "devices": shipment.items.count(), "kg": total_kg(shipment),
    })


@require_POST
def shipment_certificate(request, pk):
    """The collector's certificate of treatment, received after the dispatch (date and file)."""
    require_staff(request, WRITE)
    shipment = _shipment(pk)
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_certificate(shipment, received_on=form.cleaned_data["certificate_received_on"],
                                        certificate=form.cleaned_data.get("certificate"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Certificate of treatment recorded."))
    else:
        messages.error(request, _("Give the date the certificate of treatment was received."))
    return redirect(shipment)


def shipment_certificate_file(request, pk):
    """The stored certificate of treatment, to staff (media have no public URL)."""
    require_staff(request, READ)
    shipment = get_object_or_404(Shipment.objects.exclude(certificate=""), pk=pk)
    return protected_file_response(
        shipment.certificate, filename=shipment.certificate.name.rsplit("/", 1)[-1],
        content_type=mimetypes.guess_type(shipment.certificate.name)[0] or "application/octet-stream",
    )


def register_csv(request):
    """``/shipments/register.csv?year=YYYY`` (this year by default; ``dialect`` as every export)."""
    require_staff(request, READ)
    try:
        dialect = exports.dialect_from(request)
    except exports.BadDialect:
        return exports.bad_request({"dialect": [_("Choose “spreadsheet” or “machine”.")]})
    raw = request.GET.get("year") or str(timezone.localdate().year)
    if not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        return exports.bad_request({"year": [_("A year such as 2026.")]})
    year = int(raw)
    return exports.csv_response(REGISTER_COLUMNS, register_rows(year, dialect), filename=f"registre-deee-{year}.csv",
                                dialect=dialect)
