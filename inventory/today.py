"""The technician's landing page, phone first (issue 13): scan, my open repairs, recent devices."""

from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from config.roles import require_staff

from .models import Device, Repair, normalize_asset_tag

RECENT = 8


def today(request):
    require_staff(request)
    tag = normalize_asset_tag(request.GET.get("tag", ""))
    if tag:
        return redirect(_device_page(tag))
    repairs = (
        Repair.objects.filter(closed_at__isnull=True, opened_by=request.user)
        .select_related("device", "device__model").order_by("-opened_at")[:10]
    )
    recent = (
        Device.objects.filter(events__actor=request.user)
        .annotate(last_touched=Max("events__at")).order_by("-last_touched")
        .select_related("model", "site")[:RECENT]
    )
    return render(request, "inventory/today.html", {"repairs": repairs, "recent": recent})


def _device_page(tag):
    """The phone page of the device (labels' scan page) when it exists, else the register's page."""
    try:
        return reverse("labels:scan", kwargs={"tag": tag})
    except NoReverseMatch:
        return reverse("inventory:device-detail", kwargs={"asset_tag": tag})
