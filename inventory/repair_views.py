"""Repair pages: the filtered list, one repair, and the short forms to open and close one.

The forms only collect input; ``inventory.repairs`` holds the rules. Each form accepts a
``next`` path so that the mobile device page (``/d/<tag>``) gets the person back where they were.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.roles import require_staff

from . import lifecycle, repairs
from .models import Device, Repair, Status, normalize_asset_tag
from .repair_filters import RepairFilterSet

PAGE_SIZE = 50


class _NextMixin(forms.Form):
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self):
        return safe_next(self.cleaned_data.get("next"))


def safe_next(value):
    """A local path to go back to, or "" (never another site)."""
    value = value or ""
    if value.startswith("/") and not value.startswith("//") and url_has_allowed_host_and_scheme(value, None):
        return value
    return ""


class RepairOpenForm(_NextMixin):
    symptom = forms.CharField(label=gettext_lazy("Symptom"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    fault_category = forms.ChoiceField(label=gettext_lazy("Fault category"), choices=Repair.FaultCategory.choices,
                                       initial=Repair.FaultCategory.OTHER)
    diagnosis = forms.CharField(label=gettext_lazy("First diagnosis (optional)"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    estimated_cost = forms.DecimalField(label=gettext_lazy("Estimated cost (€ HT, optional)"), required=False,
                                        min_value=0, max_digits=10, decimal_places=2)
    expected = forms.ChoiceField(choices=Status.choices, required=False, widget=forms.HiddenInput)


class RepairCloseForm(_NextMixin):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Repair.Outcome.choices,
                                widget=forms.RadioSelect)
    action = forms.CharField(label=gettext_lazy("What was done"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    diagnosis = forms.CharField(label=gettext_lazy("Diagnosis"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    parts = forms.CharField(label=gettext_lazy("Parts"), required=False, max_length=250)
    cost = forms.DecimalField(label=gettext_lazy("Cost (€ HT)"), required=False, min_value=0, max_digits=10,
                              decimal_places=2)
    labour_minutes = forms.IntegerField(label=gettext_lazy("Labour (minutes)"), required=False, min_value=0)
    barrier = forms.ChoiceField(label=gettext_lazy("Barrier to repair (if not repairable)"), required=False,
                                choices=Repair.Barrier.choices)
    return_to = forms.ChoiceField(
        label=gettext_lazy("Then the device goes"), required=False,
        choices=[("", gettext_lazy("back to its status before the repair")),
                 (Status.IN_SERVICE, gettext_lazy("in service")), (Status.IN_STOCK, gettext_lazy("in stock"))],
        help_text=gettext_lazy("A device that is not repairable is retired."),
    )


def repair_list(request):
    """All repairs, filtered by the same FilterSet as ``/api/repairs/``."""
    require_staff(request)
    filterset = RepairFilterSet(request.GET, queryset=repairs.repair_list())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inventory/repair_list.html", {"filter": filterset, "page": page,
                                                          "query": query.urlencode()})


def repair_detail(request, pk):
    require_staff(request)
    repair = get_object_or_404(repairs.repair_list(), pk=pk)
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
            repairs.open_repair(device=device, symptom=data["symptom"], fault_category=data["fault_category"],
                                diagnosis=data["diagnosis"], estimated_cost=data["estimated_cost"],
                                expected_status=data["expected"] or None, actor=request.user)
        except ValidationError as error:
            _add_errors(form, error)
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
    repair = get_object_or_404(repairs.repair_list(), pk=pk)
    back = safe_next(request.GET.get("next"))
    if request.method != "POST" and not repair.is_open:
        messages.info(request, _("This repair is already closed."))
        return redirect(back or "repairs:repair-detail", *([] if back else [repair.pk]))
    form = RepairCloseForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            repairs.close_repair(
                repair=repair, outcome=data["outcome"], action=data["action"], diagnosis=data["diagnosis"] or None,
                parts=data["parts"], cost=data["cost"], labour_minutes=data["labour_minutes"],
                barrier=data["barrier"], return_to=data["return_to"] or None, actor=request.user,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "already_closed":
                messages.error(request, error.messages[0])
                return redirect(data["next"] or repair.device.get_absolute_url())
            _add_errors(form, error)
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            device = Device.objects.get(pk=repair.device_id)
            messages.success(request, _("Repair of %(tag)s closed: the device is now “%(status)s”.")
                             % {"tag": device.asset_tag, "status": device.get_status_display()})
            return redirect(data["next"] or device.get_absolute_url())
    return render(request, "inventory/repair_close.html", {"form": form, "repair": repair, "back": back})


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
