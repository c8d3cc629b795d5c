"""Read side of labels: the mobile device page and the audit campaign report.

Every function returns a queryset (or a fixed number of them) so that a page costs a constant
number of queries, and the report's three lists are computed in SQL whatever the fleet size.
"""

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Value, When

from inventory import queries as inventory_queries
from inventory.lifecycle import GONE
from inventory.models import Device, Event

from .models import AuditCampaign, Sighting

MOBILE_EVENTS = 8


def mobile_device(asset_tag):
    """The device with its derived values (age…), or None: one query."""
    return inventory_queries.device_detail().filter(asset_tag=asset_tag).first()


def latest_events(device, limit=MOBILE_EVENTS):
    return list(Event.objects.filter(device=device).select_related("actor").order_by("-at", "-id")[:limit])


def campaigns():
    return AuditCampaign.objects.select_related("site", "started_by").annotate(seen=Count("sightings"))


def _sightings(campaign):
    """This campaign's sightings; ``in_place`` when seen where the register had the device (or
    in a room of that site: the audit only made the location more precise)."""
    return Sighting.objects.filter(campaign=campaign).select_related(
        "device", "device__model", "site", "previous_site", "seen_by"
    ).annotate(in_place=_in_place())


def _in_place():
    return Case(
        When(previous_site__isnull=False, site__path__startswith=F("previous_site__path"), then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    )


def seen_in_place(campaign):
    return _sightings(campaign).filter(in_place=True).order_by("site__full_name", "device__asset_tag")


def found_elsewhere(campaign):
    """Devices seen somewhere else than the register said.

    Two cases: seen in this campaign but registered elsewhere (a discrepancy: the register is
    unchanged until someone decides), and, for a site campaign, devices registered here but seen
    at another site by another campaign since this one started.
    """
    condition = Q(campaign=campaign, in_place=False)
    if campaign.site_id is not None:
        scope = campaign.site.path
        window = Q(seen_at__gte=campaign.started_at)
        if campaign.closed_at:
            window &= Q(seen_at__lte=campaign.closed_at)
        seen_here = Sighting.objects.filter(campaign=campaign, device=OuterRef("device"))
        condition |= (window & Q(previous_site__path__startswith=scope) & ~Q(site__path__startswith=scope)
                      & ~Q(campaign=campaign) & ~Exists(seen_here))
    return (Sighting.objects.select_related("device", "device__model", "site", "previous_site", "seen_by")
            .annotate(in_place=_in_place()).filter(condition).order_by("device__asset_tag", "-seen_at"))


def open_discrepancies(campaign):
    """This campaign's sightings at another site than the registered one, not yet decided."""
    return (_sightings(campaign).filter(in_place=False, decision=Sighting.Decision.OPEN)
            .order_by("device__asset_tag"))


def missing(campaign):
    """Devices the register places in the campaign's scope (not donated, recycled or lost) that
    were not seen in this campaign (nor, for a site campaign, seen at another site meanwhile:
    those are found elsewhere)."""
    devices = Device.objects.exclude(status__in=GONE)
    if campaign.site_id is not None:
        devices = devices.filter(site__path__startswith=campaign.site.path)
    seen = Sighting.objects.filter(campaign=campaign, device=OuterRef("pk"))
    devices = devices.filter(~Exists(seen))
    if campaign.site_id is not None:
        window = Q(seen_at__gte=campaign.started_at)
        if campaign.closed_at:
            window &= Q(seen_at__lte=campaign.closed_at)
        seen_elsewhere = Sighting.objects.filter(window, device=OuterRef("pk")).exclude(
            site__path__startswith=campaign.site.path)
        devices = devices.filter(~Exists(seen_elsewhere))
    return devices.select_related("model", "site").order_by("site__full_name", "asset_tag")


def report_counts(campaign):
    return {
        "seen": seen_in_place(campaign).count(),
        "elsewhere": found_elsewhere(campaign).count(),
        "missing": missing(campaign).count(),
    }


def recent_sightings(campaign, limit=10):
    return list(Sighting.objects.filter(campaign=campaign).select_related("device", "site")
                .order_by("-seen_at", "-id")[:limit])
