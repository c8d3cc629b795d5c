"""``/d/<tag>``: what a phone opens when it scans a label, and the quick actions from there.

The page is built for one hand on a 360 px screen: the state of the device, its last events,
and big buttons, each leading to one short form that comes back here with a confirmation.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.roles import require_staff
from config.web import add_service_errors
from inventory import lifecycle
from inventory import services as inventory_services
from inventory.models import Device, normalize_asset_tag
from inventory.queries import open_flags
from inventory.repairs.queries import open_repair_of
from inventory.repairs.services import OPENABLE_FROM

from .. import queries
from ..forms import AssignForm, MoveForm, NoteForm, PhotoForm, StatusForm
from ..qr import is_valid_tag


def scan(request, tag):
    """Resolve a scanned label: the mobile device page, or a clear page when the tag is wrong.

    Anonymous people are sent to the login page by the middleware and come back here after.
    """
    require_staff(request)
    raw = tag.rstrip("/")
    asset_tag = normalize_asset_tag(raw)
    if not is_valid_tag(asset_tag):
        return render(request, "labels/scan_invalid.html", {"tag": raw[:64]}, status=400)
    device = queries.mobile_device(asset_tag)
    if device is None:
        return render(request, "labels/scan_unknown.html",
                      {"tag": asset_tag, "register_url": register_url(request.user, asset_tag)}, status=404)
    if raw != device.asset_tag:
        return redirect("labels:scan", device.asset_tag)
    return render(request, "labels/mobile.html", mobile_context(device, request.user))


def register_url(user, asset_tag):
    """Where to register a device with this tag, if the user may and such a page exists."""
    if not user.has_perm("inventory.add_device"):
        return None
    for name in ("inventory:device-create", "admin:inventory_device_add"):
        try:
            return f"{reverse(name)}?{urlencode({'asset_tag': asset_tag})}"
        except NoReverseMatch:
            continue
    return None


def mobile_context(device, user):
    """Everything the mobile page shows, in a fixed number of queries."""
    repair = open_repair_of(device)
    can_repair = user.has_perms(["inventory.add_repair", "inventory.transition_device"])
    return {
        "device": device,
        "flags": list(open_flags(device)),
        "events": queries.latest_events(device),
        "open_repair": repair,
        "can_open_repair": can_repair and repair is None and device.status in OPENABLE_FROM,
        "can_close_repair": repair is not None
        and user.has_perms(["inventory.change_repair", "inventory.transition_device"]),
        "can_change": user.has_perm("inventory.change_device"),
        "can_note": user.has_perm("inventory.add_event"),
        "can_status": bool(lifecycle.available_transitions(device, user)),
        "here": reverse("labels:scan", args=[device.asset_tag]),
        "warranty_over": device.warranty_end is not None and device.warranty_end < timezone.localdate(),
    }


def _device(tag):
    return get_object_or_404(Device.objects.select_related("site", "department", "model"),
                             asset_tag=normalize_asset_tag(tag))


def _back(request, device, message):
    # Acting on a device opened from its QR code means someone had it in hand: a sighting.
    Device.objects.filter(pk=device.pk).update(last_seen=timezone.now())
    messages.success(request, message)
    return redirect("labels:scan", device.asset_tag)


def _action_page(request, device, form, title, submit):
    return render(request, "labels/mobile_action.html",
                  {"device": device, "form": form, "title": title, "submit": submit})


def _apply(form, call):
    """Run a service; its refusal becomes a form error (nothing was written)."""
    try:
        call()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    except lifecycle.TransitionRefused as refusal:
        form.add_error(None, refusal.message)
        return False
    return True


def move(request, tag):
    require_staff(request, "inventory.change_device")
    device = _device(tag)
    form = MoveForm(request.POST or None, initial={"site": device.site_id})
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        if site.pk == device.site_id:
            messages.info(request, _("%(tag)s is already at %(site)s.") % {"tag": device.asset_tag,
                                                                          "site": site.full_name})
            return redirect("labels:scan", device.asset_tag)
        if _apply(form, lambda: inventory_services.move_device(device=device, site=site, actor=request.user,
                                                               note=form.cleaned_data["note"])):
            return _back(request, device, _("%(tag)s moved to %(site)s.") % {"tag": device.asset_tag,
                                                                             "site": site.full_name})
    return _action_page(request, device, form, gettext_lazy("Move to another site"), gettext_lazy("Move"))


def assign(request, tag):
    require_staff(request, "inventory.change_device")
    device = _device(tag)
    form = AssignForm(request.POST or None, initial={"assignee": device.assignee})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        returned = "return" in request.POST
        assignee = "" if returned else data["assignee"].strip()
        if _apply(form, lambda: inventory_services.assign_device(
                device=device, assignee=assignee, department=data["department"], actor=request.user,
                note=data["note"])):
            if assignee:
                message = _("%(tag)s assigned to %(who)s.") % {"tag": device.asset_tag, "who": assignee}
            else:
                message = _("%(tag)s returned: no one is assigned.") % {"tag": device.asset_tag}
            return _back(request, device, message)
    return render(request, "labels/mobile_assign.html", {"device": device, "form": form})


def change_status(request, tag):
    """Only the transitions the lifecycle allows now (and this person may make) are offered."""
    require_staff(request, "inventory.transition_device")
    device = _device(tag)
    allowed = lifecycle.available_transitions(device, request.user)
    form = StatusForm(request.POST or None, initial={"expected": device.status})
    form.fields["to"].choices = [(s, lifecycle.ACTION_LABELS[s]) for s in allowed]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(form, lambda: lifecycle.transition(device, data["to"], actor=request.user, note=data["note"],
                                                     expected_status=data["expected"], check_permission=True)):
            return _back(request, device, _("%(tag)s is now “%(status)s”.") % {
                "tag": device.asset_tag, "status": lifecycle.status_label(device.status)})
    return render(request, "labels/mobile_status.html", {
        "device": device, "form": form, "transitions": [(s, lifecycle.ACTION_LABELS[s]) for s in allowed]})


def add_note(request, tag):
    require_staff(request, "inventory.add_event")
    device = _device(tag)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _apply(
        form, lambda: inventory_services.add_note(device=device, text=form.cleaned_data["text"], actor=request.user)
    ):
        return _back(request, device, _("Note added to %(tag)s.") % {"tag": device.asset_tag})
    return _action_page(request, device, form, gettext_lazy("Add a note"), gettext_lazy("Add the note"))


def add_photo(request, tag):
    """A photo from the phone's camera, kept with a journal event."""
    require_staff(request, "inventory.add_event")
    device = _device(tag)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(form, lambda: inventory_services.add_note(device=device, text=data["text"] or _("Photo"),
                                                            attachment=data["photo"], actor=request.user)):
            return _back(request, device, _("Photo added to the journal of %(tag)s.") % {"tag": device.asset_tag})
    return _action_page(request, device, form, gettext_lazy("Take a photo"), gettext_lazy("Save the photo"))
