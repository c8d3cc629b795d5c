"""The renewal plan pages: the plan by year and category, and planning a filtered selection."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.roles import ADMIN, PROCUREMENT, is_staff_member, roles_of

from ..filters import DeviceFilterSet
from ..models import Device
from ..queries import fleet_footprint
from .forms import RenewalForm
from .queries import renewal_plan
from .services import PLANNABLE, plan_renewal, unplan_renewal


def can_plan(user):
    return bool(roles_of(user) & {PROCUREMENT, ADMIN})


def renewal_overview(request):
    """The plan by budget year and category with € and kg CO2e totals (aggregated in SQL)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    plan = renewal_plan()
    years = []
    for year, totals in plan["years"].items():
        years.append({"year": year, "totals": totals,
                      "rows": [row for row in plan["rows"] if row["planned_renewal_year"] == year]})
    return render(request, "inventory/renewal_plan.html", {
        "years": years, "total": plan["total"], "can_plan": can_plan(request.user),
        "device_list": reverse("inventory:device-list"),
        "fleet": fleet_footprint(),
    })


def renewal_plan_devices(request):
    """Plan (or unplan) the devices matching a device-list query string, in bulk."""
    if not is_staff_member(request.user) or not can_plan(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = RenewalForm(request.POST)
        query = request.POST.get("query", "")
    else:
        query = request.GET.urlencode()
        form = RenewalForm(initial={"query": query, "year": timezone.localdate().year + 1,
                                    "action": RenewalForm.PLAN})
    filterset = DeviceFilterSet(QueryDict(query), queryset=Device.objects.all())
    if request.method == "POST" and filterset.is_valid() and form.is_valid():
        data = form.cleaned_data
        devices = filterset.qs
        if data["action"] == RenewalForm.PLAN:
            count = plan_renewal(devices=devices, year=data["year"], price=data["price"], actor=request.user)
            messages.success(request, _("%(n)s devices planned for replacement in %(year)s.")
                             % {"n": count, "year": data["year"]})
        else:
            count = unplan_renewal(devices=devices, actor=request.user)
            messages.success(request, _("%(n)s devices removed from the renewal plan.") % {"n": count})
        return redirect("review:renewal")
    matching = filterset.qs if filterset.is_valid() else Device.objects.none()
    return render(request, "inventory/renewal_form.html", {
        "form": form, "filter": filterset, "query": query,
        "matching": matching.count(),
        "plannable": matching.filter(status__in=PLANNABLE).count(),
        "planned": matching.filter(planned_renewal_year__isnull=False).count(),
        "device_list": reverse("inventory:device-list"),
        "fleet": fleet_footprint(),
    })
