"""Repair pages: the filtered list, one repair, and the short forms to open and close one.

The forms only collect input; ``inventory.repairs.services`` holds the rules. Each form accepts a
``next`` path so that the mobile device page (``/d/<tag>``) gets the person back where they were.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.confirm import confirm_first
from config.roles import require_staff
from config.web import add_service_errors, filtered_rows, paginate, query_without_page, safe_next

from .. import lifecycle
from ..models import Device, Repair, normalize_asset_tag
from . import exports, queries, services
from .filters import RepairFilterSet
from .forms import RepairCloseForm, RepairOpenForm

PAGE_SIZE = 50


def repair_list(request):
    """All repairs, filtered by the same FilterSet as ``/api/repairs/``."""
    require_staff(request)
    filterset = RepairFilterSet(request.GET, queryset=queries.repair_list())
    page = paginate(request, filtered_rows(filterset), PAGE_SIZE)
    return render(request, "inventory/repair_list.html", {"filter": filterset, "page": page,
                                                          "query": query_without_page(request)})


def repair_export(request):
    """The filtered repairs as CSV (spreadsheet dialect, or ``?dialect=machine``), streamed."""
    require_staff(request)
    return exports.repair_export(request)


def repair_detail(request, pk):
    require_staff(request)
    repair = get_object_or_404(queries.repair_list(), pk=pk)
    return render(request, "inventory/repair_detail.html", {"repair": repair})


def repair_open(request, asset_tag):
    """Short form: symptom and fault category; the device goes to ``in_repair``."""
    require_staff(request, "inventory.add_repair", "inventory.transition_device")
    device = get_object_or_404(Device.objects.select_related("model"), asset_tag=normalize_asset_tag(asset_tag))
    form = RepairOpenForm(request.POST or None,
                          initial={"expected": device.status, "next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.open_repair(device=device, symptom=data["symptom"], fault_category=data["fault_category"],
                                diagnosis=data["diagnosis"], estimated_cost=data["estimated_cost"],
                                expected_status=data["expected"] or None, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Repair of %(tag)s opened: the device is now in repair.")
                             % {"tag": device.asset_tag})
            return redirect(data["next"] or device.get_absolute_url())
    return render(request, "inventory/repair_open.html", {"form": form, "device": device,
                                                          "back": safe_next(request.GET.get("next"))})


def repair_close(request, pk):
    """Short form: outcome, what was done, cost and time; the device leaves ``in_repair``."""
    require_staff(request, "inventory.change_repair", "inventory.transition_device")
    repair = get_object_or_404(queries.repair_list(), pk=pk)
    back = safe_next(request.GET.get("next"))
    if request.method != "POST" and not repair.is_open:
        messages.info(request, _("This repair is already closed."))
        return redirect(back or "repairs:repair-detail", *([] if back else [repair.pk]))
    form = RepairCloseForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["outcome"] == Repair.Outcome.END_OF_LIFE:
            asked = confirm_first(
                request, title=_("Close the repair of %(tag)s as not repairable?") % {"tag": repair.device.asset_tag},
                consequence=_("The device is retired."), button=_("Close as not repairable"), back=back)
            if asked:
                return asked
        try:
            services.close_repair(
                repair=repair, outcome=data["outcome"], action=data["action"], diagnosis=data["diagnosis"] or None,
                parts=data["parts"], cost=data["cost"], labour_minutes=data["labour_minutes"],
                barrier=data["barrier"], return_to=data["return_to"] or None, actor=request.user,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "already_closed":
                messages.error(request, error.messages[0])
                return redirect(data["next"] or repair.device.get_absolute_url())
            add_service_errors(form, error)
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            device = Device.objects.get(pk=repair.device_id)
            messages.success(request, _("Repair of %(tag)s closed: the device is now “%(status)s”.")
                             % {"tag": device.asset_tag, "status": device.get_status_display()})
            return redirect(data["next"] or device.get_absolute_url())
    return render(request, "inventory/repair_close.html", {"form": form, "repair": repair, "back": back})

