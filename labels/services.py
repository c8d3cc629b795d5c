"""Write side of labels: audit campaigns and sightings, and choosing devices to label.

A sighting updates ``Device.last_seen`` and adds a ``sighted`` event to the journal. Seen in a
room of the site the register has, the device's location is made more precise there (a
``moved`` event). Seen at *another* site, nothing moves: the sighting is a discrepancy, listed on
the campaign page and in its report, until someone decides (``decide_discrepancy``): move the
device where it was seen (through ``inventory.services.move_device``) or keep it where it is
registered.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import journal
from inventory.filters import DeviceFilterSet
from inventory.lifecycle import GONE, status_label
from inventory.models import Device, Event, Site, normalize_asset_tag
from inventory.services import move_device

from .models import AuditCampaign, Sighting
from .qr import is_valid_tag, tag_from_scan

# The write verbs of labels (docs/architecture.md, "Where is each verb"); the read helpers below
# (scope_sites, parse_tags, select_devices) are imported by name.
__all__ = ["close_campaign", "decide_discrepancy", "record_sighting", "start_campaign"]


@transaction.atomic
def start_campaign(*, name, site=None, actor=None, notes=""):
    """Open an audit campaign of ``site`` and its sub-sites, or of the whole fleet."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    return AuditCampaign.objects.create(name=name, site=site, started_by=journal.acting_user(actor),
                                        notes=(notes or "").strip())


@transaction.atomic
def close_campaign(*, campaign, actor=None):
    """Close a campaign: no more sightings; its report stays."""
    locked = AuditCampaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.closed_at is not None:
        raise ValidationError(_("This campaign is already closed."), code="closed")
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    campaign.closed_at = locked.closed_at
    return locked


@dataclass(frozen=True)
class SightingResult:
    sighting: Sighting
    created: bool
    moved: bool
    message: str
    warning: str = ""
    discrepancy: bool = False


def scope_sites(campaign):
    """Sites a sighting of this campaign may record (the campaign's site and sub-sites)."""
    if campaign.site_id is None:
        return Site.objects.all()
    return Site.objects.filter(path__startswith=campaign.site.path)


@transaction.atomic
def record_sighting(*, campaign, code, site=None, actor=None, method=Sighting.Method.KEYBOARD):
    """Record that the device behind ``code`` (a scanned URL or a typed tag) is at ``site``.

    ``site`` defaults to the campaign's site. Scanning a device twice at the same site changes
    nothing. Seen in a room of its registered site, the device is moved to that room (the
    location is only made more precise); seen at another site, it is *not* moved: the sighting
    reports the discrepancy (``result.discrepancy``) for someone to decide. Refusals (closed
    campaign, unreadable or unknown tag, site outside the campaign) raise ValidationError and
    write nothing.
    """
    campaign = AuditCampaign.objects.select_for_update(of=("self",)).select_related("site").get(pk=campaign.pk)
    if campaign.closed_at is not None:
        raise ValidationError(_("The campaign “%(name)s” is closed.") % {"name": campaign.name}, code="closed")
    tag = tag_from_scan(code)
    if not tag:
        raise ValidationError(_("Scan a label or type an asset tag."), code="empty")
    if not is_valid_tag(tag):
        raise ValidationError(
            _("“%(code)s” is not an asset tag: tags use letters, digits and dashes only.") % {"code": tag[:40]},
            code="invalid_tag",
        )
    site = _campaign_site(campaign, site)
    device = (Device.objects.select_for_update(of=("self",)).select_related("site")
              .filter(asset_tag=tag).first())
    if device is None:
        raise ValidationError(_("No device has the asset tag %(tag)s.") % {"tag": tag}, code="unknown_tag")

    existing = (Sighting.objects.filter(campaign=campaign, device=device)
                .select_related("site", "previous_site").first())
    if existing is not None and existing.site_id == site.pk:
        open_discrepancy = not existing.is_in_place() and existing.decision == Sighting.Decision.OPEN
        return SightingResult(existing, created=False, moved=False, discrepancy=open_discrepancy,
                              message=_("%(tag)s was already recorded here.") % {"tag": tag})

    now = timezone.now()
    if existing is None or existing.decision == Sighting.Decision.MOVED:
        # What the register says now is what this sighting checks (after a decision to move the
        # device, the register has changed on purpose).
        registered = device.site
    else:
        registered = existing.previous_site
    in_place = registered is not None and site.path.startswith(registered.path)
    moved = in_place and device.site_id != site.pk
    if moved:
        move_device(device=device, site=site, actor=actor,
                    note=_("More precise location seen during the audit “%(name)s”.") % {"name": campaign.name})
    Device.objects.filter(pk=device.pk).update(last_seen=now)
    fields = {"site": site, "previous_site": registered, "seen_at": now, "seen_by": journal.acting_user(actor),
              "method": method, "decision": Sighting.Decision.OPEN, "decided_at": None, "decided_by": None}
    if existing is None:
        sighting = Sighting.objects.create(campaign=campaign, device=device, **fields)
    else:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(fields))
        sighting = existing
    journal.record(device, Event.Kind.SIGHTED, actor=actor, at=now, note=campaign.name,
                   data={"campaign_id": campaign.pk, "sighting_id": sighting.pk, "site_id": site.pk,
                         "method": method, **({} if in_place else {"discrepancy": True})})
    if not in_place:
        message = _("%(tag)s seen at %(site)s, but registered at %(registered)s: discrepancy reported, "
                    "the register is unchanged.") % {
            "tag": tag, "site": site.full_name, "registered": registered.full_name if registered else "—"}
    elif moved:
        message = _("%(tag)s seen: location made more precise (%(site)s).") % {"tag": tag, "site": site.full_name}
    else:
        message = _("%(tag)s seen.") % {"tag": tag}
    warning = ""
    if device.status in GONE:
        warning = _("%(tag)s is recorded as “%(status)s”: tell the register's manager.") % {
            "tag": tag, "status": status_label(device.status)}
    return SightingResult(sighting, created=existing is None, moved=moved, message=message, warning=warning,
                          discrepancy=not in_place)


@transaction.atomic
def decide_discrepancy(*, sighting, decision, actor=None):
    """Settle a discrepancy: move the device where it was seen, or keep it where it is registered.

    ``moved`` goes through ``inventory.services.move_device`` (journal: moved); ``kept`` leaves
    the register alone and journals a note. Refused for a sighting in place or already decided.
    """
    sighting = (Sighting.objects.select_for_update(of=("self",))
                .select_related("campaign", "site", "previous_site", "device").get(pk=sighting.pk))
    if decision not in (Sighting.Decision.MOVED, Sighting.Decision.KEPT):
        raise ValidationError(_("Choose to move the device or to keep it where it is registered."),
                              code="unknown_decision")
    if sighting.is_in_place():
        raise ValidationError(_("%(tag)s was seen where it is registered: there is nothing to decide.")
                              % {"tag": sighting.device.asset_tag}, code="in_place")
    if sighting.decision:
        raise ValidationError(_("%(tag)s: this discrepancy is already settled (%(decision)s).")
                              % {"tag": sighting.device.asset_tag, "decision": sighting.get_decision_display()},
                              code="decided")
    device = sighting.device
    note = _("Audit “%(name)s”: seen at %(site)s.") % {"name": sighting.campaign.name, "site": sighting.site.full_name}
    if decision == Sighting.Decision.MOVED:
        if device.site_id != sighting.site_id:
            move_device(device=device, site=sighting.site, actor=actor, note=note)
    else:
        journal.record(device, Event.Kind.NOTE, actor=actor,
                       note=_("%(note)s Kept at its registered site (%(registered)s).")
                       % {"note": note, "registered": sighting.previous_site.full_name if sighting.previous_site
                          else "—"})
    sighting.decision, sighting.decided_at = decision, timezone.now()
    sighting.decided_by = journal.acting_user(actor)
    sighting.save(update_fields=["decision", "decided_at", "decided_by"])
    return sighting


def _campaign_site(campaign, site):
    if site is None:
        site = campaign.site
    if site is None:
        raise ValidationError(_("Choose the site where you are."), code="no_site")
    if not isinstance(site, Site):
        site = Site.objects.filter(pk=site).first() if str(site).isdigit() else None
        if site is None:
            raise ValidationError(_("This site does not exist."), code="unknown_site")
    if campaign.site_id is not None and not site.path.startswith(campaign.site.path):
        raise ValidationError(
            _("%(site)s is outside the campaign's site (%(scope)s).")
            % {"site": site.full_name, "scope": campaign.site.full_name},
            code="outside_scope",
        )
    return site


# --- choosing devices to label --------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The asset tags to print, in order, and what could not be used."""

    tags: list
    unknown: list
    errors: dict


def parse_tags(text):
    """Asset tags from a comma-, space- or line-separated list, normalised, in order, once each."""
    seen, tags = set(), []
    for part in (text or "").replace(",", " ").split():
        tag = normalize_asset_tag(part)
        if tag and tag not in seen:
            seen.add(tag)
            tags.append(tag)
    return tags


def select_devices(params):
    """The devices to label: ``tags`` if given, else the device list's filters (same contract
    as ``/devices/?…``: ``inventory.filters.DeviceFilterSet``), ordered as the list is.
    """
    if isinstance(params, str):
        params = QueryDict(params)
    if "tags" in params:
        wanted = parse_tags(params.get("tags"))
        found = set(Device.objects.filter(asset_tag__in=wanted).values_list("asset_tag", flat=True))
        return Selection([t for t in wanted if t in found], [t for t in wanted if t not in found], {})
    filterset = DeviceFilterSet(params, queryset=Device.objects.all())
    if not filterset.is_valid():
        return Selection([], [], {k: [str(m) for m in v] for k, v in filterset.errors.items()})
    queryset = filterset.qs
    if not params.get("ordering"):
        queryset = queryset.order_by("asset_tag")
    return Selection(list(queryset.values_list("asset_tag", flat=True)), [], {})
