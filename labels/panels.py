"""The labels section of the device page: print this label, open the mobile page."""

from urllib.parse import urlencode

from django.urls import reverse

from config.roles import is_staff_member


def label_panel_context(device, user):
    """No query: links only."""
    if not is_staff_member(user):
        return None
    return {
        "device": device,
        "scan_url": reverse("labels:scan", args=[device.asset_tag]),
        "print_url": reverse("labels:print") + "?" + urlencode({"tags": device.asset_tag}),
    }
