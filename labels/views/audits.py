"""Inventory audits: campaigns, the scan page, and the campaign report (HTML and CSV).

The scan page records one sighting after another without leaving the page: with JavaScript the
form is sent with ``fetch`` and the answer (JSON) is shown in a live region; without it, a
normal POST comes back to the page (post/redirect/get) with the message.
"""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import ImageOps, UnidentifiedImageError

from config.confirm import confirm_first
from config.images import open_image
from config.roles import require_staff

from .. import exports, queries, services
from ..forms import CampaignForm, ScanForm
from ..models import AuditCampaign, Sighting
from ..qr import decode_image

REPORT_ROWS = 200
# Discrepancies listed on the scan page (the report has them all).
DISCREPANCY_ROWS = 20
# Phone photos are large; codes on a label stay readable at this size and decoding is faster.
MAX_PHOTO_SIDE = 2000


def campaign_list(request):
    require_staff(request)
    return render(request, "labels/audit_list.html", {"campaigns": queries.campaigns()[:100]})


def campaign_new(request):
    require_staff(request, "labels.add_auditcampaign")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.start_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign “%(name)s” started: scan the labels.") % {"name": campaign.name})
            return redirect(campaign)
    return render(request, "labels/audit_new.html", {"form": form})


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def campaign_scan(request, pk):
    """GET: the scan page. POST: record what was scanned, typed or photographed."""
    require_staff(request)
    campaign = get_object_or_404(AuditCampaign.objects.select_related("site"), pk=pk)
    sites = services.scope_sites(campaign).order_by("full_name").only("pk", "name", "full_name")
    if request.method == "POST":
        require_staff(request, "labels.add_sighting")
        return _record(request, campaign, ScanForm(request.POST, request.FILES, sites=sites))
    site_id = request.GET.get("site") or campaign.site_id
    form = ScanForm(initial={"site": site_id}, sites=sites)
    discrepancies = list(queries.open_discrepancies(campaign)[:DISCREPANCY_ROWS + 1])
    return render(request, "labels/audit_scan.html", {
        "campaign": campaign, "form": form, "recent": queries.recent_sightings(campaign),
        "seen": campaign.sightings.count(), "discrepancies": discrepancies[:DISCREPANCY_ROWS],
        "more_discrepancies": len(discrepancies) > DISCREPANCY_ROWS,
        "can_decide": request.user.has_perm("inventory.change_device"),
    })


def _record(request, campaign, form):
    results = []
    if not form.is_valid():
        results.append({"ok": False, "message": " ".join(str(m) for e in form.errors.values() for m in e)})
    else:
        data = form.cleaned_data
        site = data.get("site") or None
        if data.get("photo"):
            codes, method = _codes_in_photo(data["photo"]), Sighting.Method.PHOTO
            if not codes:
                results.append({"ok": False, "message": _("No QR code found in the photo: try closer, "
                                                          "with more light, or type the tag.")})
        else:
            codes, method = [data["code"]], data.get("method") or Sighting.Method.KEYBOARD
        for code in codes:
            results.append(_record_one(request, campaign, code, site, method))
    site_id = request.POST.get("site", "")
    if _wants_json(request):
        return JsonResponse({"ok": all(r["ok"] for r in results), "results": results,
                             "seen": campaign.sightings.count()},
                            status=200 if any(r["ok"] for r in results) else 400)
    for result in results:
        level = messages.error
        if result["ok"]:
            level = messages.warning if result.get("discrepancy") else messages.success
        level(request, result["message"])
        if result.get("warning"):
            messages.warning(request, result["warning"])
    url = reverse("labels:audit-scan", args=[campaign.pk])
    return redirect(f"{url}?site={site_id}" if site_id.isdigit() else url)


def _record_one(request, campaign, code, site, method):
    try:
        result = services.record_sighting(campaign=campaign, code=code, site=site, actor=request.user,
                                          method=method)
    except ValidationError as error:
        return {"ok": False, "message": " ".join(error.messages), "code": getattr(error, "code", None) or ""}
    return {"ok": True, "message": result.message, "warning": result.warning,
            "tag": result.sighting.device.asset_tag,
            "site": result.sighting.site.full_name, "moved": result.moved, "new": result.created,
            "discrepancy": result.discrepancy}


def _codes_in_photo(photo):
    try:
        image = open_image(photo)  # refuses decompression bombs before decoding
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
        return decode_image(image.convert("L"))
    except (ValidationError, UnidentifiedImageError, OSError):
        return []


@require_POST
def campaign_close(request, pk):
    require_staff(request, "labels.change_auditcampaign")
    campaign = get_object_or_404(AuditCampaign, pk=pk)
    asked = confirm_first(request, title=_("Close the campaign “%(name)s”?") % {"name": campaign.name},
                          consequence=_("Scans stop and the report is frozen: devices not seen stay reported missing."),
                          button=_("Close the campaign"), back=reverse("labels:audit-scan", args=[campaign.pk]))
    if asked:
        return asked
    try:
        services.close_campaign(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Campaign “%(name)s” closed.") % {"name": campaign.name})
    return redirect("labels:audit-report", campaign.pk)


@require_POST
def campaign_discrepancy(request, pk):
    """Settle one discrepancy of the campaign: move the device where it was seen, or keep it.

    The buttons carry the sighting's id: ``move=<id>`` or ``keep=<id>`` (one form per list).
    """
    require_staff(request, "inventory.change_device")
    campaign = get_object_or_404(AuditCampaign, pk=pk)
    decision, sighting_id = ((Sighting.Decision.MOVED, request.POST["move"]) if "move" in request.POST
                             else (Sighting.Decision.KEPT, request.POST.get("keep", "")))
    sighting = get_object_or_404(
        Sighting.objects.select_related("device", "site"),
        pk=sighting_id if sighting_id.isdigit() else None,
        pk__in=queries.found_elsewhere(campaign).values("pk"),
    )
    try:
        services.decide_discrepancy(sighting=sighting, decision=decision, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decision == Sighting.Decision.MOVED:
            messages.success(request, _("%(tag)s moved to %(site)s.") % {"tag": sighting.device.asset_tag,
                                                                        "site": sighting.site.full_name})
        else:
            messages.success(request, _("%(tag)s stays at its registered site.") % {"tag": sighting.device.asset_tag})
    if request.POST.get("back") == "scan":
        return redirect("labels:audit-scan", campaign.pk)
    return redirect(reverse("labels:audit-report", args=[campaign.pk]) + "#elsewhere")


def campaign_report(request, pk):
    require_staff(request)
    campaign = get_object_or_404(AuditCampaign.objects.select_related("site", "started_by"), pk=pk)
    return render(request, "labels/audit_report.html", {
        "campaign": campaign,
        "counts": queries.report_counts(campaign),
        "seen": queries.seen_in_place(campaign)[:REPORT_ROWS],
        "elsewhere": queries.found_elsewhere(campaign)[:REPORT_ROWS],
        "can_decide": request.user.has_perm("inventory.change_device"),
        "missing": queries.missing(campaign)[:REPORT_ROWS],
        "limit": REPORT_ROWS,
    })


def campaign_report_csv(request, pk):
    """The whole report as CSV (one line per device), streamed."""
    require_staff(request)
    campaign = get_object_or_404(AuditCampaign.objects.select_related("site"), pk=pk)
    return exports.campaign_report_csv(request, campaign)
