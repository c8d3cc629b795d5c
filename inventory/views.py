import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.confirm import confirm_first
from config.keyset import keyset_page
from config.roles import require_staff
from config.web import add_service_errors, filtered_rows, protected_file_response, query_without_page, safe_next

from . import exports, footprint, lifecycle, queries, services
from .bulk import bulk_link, bulk_links_for
from .filters import DeviceFilterSet
from .forms import BulkActionForm, DeviceEditForm, DeviceForm, TransitionForm
from .models import Device, Event, Status, normalize_asset_tag
from .panels import panels_for

PAGE_SIZES = (25, 50, 100, 500)
JOURNAL_PAGE_SIZE = 50


def device_list(request):
    """The register, filtered by the same FilterSet as the API and the CSV export."""
    require_staff(request)
    filterset = DeviceFilterSet(request.GET, queryset=queries.device_list())
    page_size = _page_size(request)
    # Keyset pages (flat cost at any depth); the total counts the filtered ids alone. An invalid
    # filter lists nothing (its error is shown), as the API and the exports answer 400.
    rows = filtered_rows(filterset)
    counted = filtered_rows(DeviceFilterSet(request.GET, queryset=queries.device_rows()))
    page = keyset_page(request, rows, key=_sort_key(filterset), size=page_size, count_queryset=counted,
                       seek_queryset=counted)
    return render(
        request,
        "inventory/device_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query_without_page(request),
            "page_size": page_size,
            "page_sizes": PAGE_SIZES,
            "bulk_links": bulk_links_for(request.user),
        },
    )


@require_POST
def device_bulk(request):
    """Act on the devices ticked on the list: print their labels, or (after a confirmation page that
    lists them) move them or change their status, all or none, one journal event per device."""
    require_staff(request)
    back = safe_next(request.POST.get("next")) or reverse("inventory:device-list")
    ids = list(dict.fromkeys(int(pk) for pk in request.POST.getlist("device") if pk.isdigit()))
    form = BulkActionForm(request.POST)
    if not ids or len(ids) > BulkActionForm.LIMIT:
        messages.error(request, _("Tick between 1 and %(n)s devices.") % {"n": BulkActionForm.LIMIT})
        return redirect(back)
    if "action" in form.errors:
        messages.error(request, _("Choose what to do with the selected devices."))
        return redirect(back)
    action = form.data.get("action")
    devices = list(Device.objects.filter(pk__in=ids).select_related("model", "site").order_by("asset_tag"))
    tags = ",".join(device.asset_tag for device in devices)
    if action == BulkActionForm.LABELS:
        return redirect(f"{reverse('labels:print')}?{urlencode({'tags': tags})}")
    if action == BulkActionForm.PLAN:  # the renewal form takes the device list's filters
        return redirect(f"{reverse('review:renewal-plan')}?{urlencode({'tags': tags})}")
    link = bulk_link(action)
    if link is not None:  # another app's form, pre-filled with the ticked devices (inventory/bulk.py)
        if not request.user.has_perm(link.permission):
            raise PermissionDenied
        return redirect(f"{reverse(link.url_name)}?{urlencode({'tags': tags})}")
    permission = "inventory.change_device" if action == BulkActionForm.MOVE else "inventory.transition_device"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    refused = {} if action == BulkActionForm.MOVE else _refusals(devices, action)
    eligible = [device for device in devices if device.pk not in refused]
    if request.POST.get("confirmed") == "1" and form.is_valid() and eligible:
        data = form.cleaned_data
        try:
            if action == BulkActionForm.MOVE:
                count = services.move_devices(devices=eligible, site=data["site"], actor=request.user,
                                              note=data["note"])
                message = _("%(n)s devices moved to %(site)s.") % {"n": count, "site": data["site"].full_name}
            else:
                count = lifecycle.transition_many(eligible, action, actor=request.user, note=data["note"],
                                                  expected=_seen_statuses(request), check_permission=True)
                message = _("%(n)s devices now “%(status)s”.") % {"n": count, "status": lifecycle.status_label(action)}
        except (lifecycle.TransitionRefused, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [error.message]))
        else:
            messages.success(request, message)
            return redirect(back)
    return render(request, "inventory/device_bulk_confirm.html", {
        "form": form, "action": action, "action_label": dict(form.fields["action"].choices)[action],
        "rows": [(device, refused.get(device.pk, "")) for device in devices], "refused": refused,
        "eligible": eligible, "next": back,
        "is_move": action == BulkActionForm.MOVE,
    })


def _refusals(devices, to_status):
    """Device id → why it cannot go to ``to_status`` (the rules of ``lifecycle``), for the page."""
    refused = {}
    for device in devices:
        try:
            lifecycle.check_transition(device, to_status)
        except lifecycle.TransitionRefused as error:
            refused[device.pk] = error.message
    return refused


def _seen_statuses(request):
    """The statuses the confirmation page showed (``seen=<id>:<status>``)."""
    seen = {}
    for value in request.POST.getlist("seen"):
        pk, _sep, status = value.partition(":")
        if pk.isdigit() and status in Status.values:
            seen[int(pk)] = status
    return seen


def _sort_key(filterset):
    """The list's sort as a field path ("-site__full_name"); the asset tag by default."""
    chosen = filterset.form.cleaned_data.get("ordering") if filterset.is_valid() else None
    if chosen:
        name = chosen[0]
        field = filterset.filters["ordering"].param_map.get(name.lstrip("-"))
        if field:
            return f"-{field}" if name.startswith("-") else field
    return "asset_tag"


def _page_size(request):
    try:
        size = int(request.GET.get("page_size", 25))
    except ValueError:
        return 25
    return size if size in PAGE_SIZES else 25


def device_export(request):
    """The filtered list as CSV (spreadsheet dialect, or ``?dialect=machine``), streamed."""
    require_staff(request)
    return exports.device_export(request)


def device_export_xlsx(request):
    """The filtered list as an XLSX sheet."""
    require_staff(request)
    return exports.device_export(request, file_format="xlsx")


def journal_export(request):
    """The journal of the filtered devices as CSV."""
    require_staff(request)
    return exports.journal_export(request)


def device_detail(request, asset_tag):
    require_staff(request)
    device = get_object_or_404(queries.device_detail(), asset_tag=normalize_asset_tag(asset_tag))
    return render(
        request,
        "inventory/device_detail.html",
        {
            "device": device,
            "events": _journal_page(request, device),
            "flags": queries.open_flags(device),
            "footprint": footprint.device_footprint(device),
            "transitions": [
                (s, lifecycle.ACTION_LABELS[s]) for s in lifecycle.available_transitions(device, request.user)
            ],
            "panels": panels_for(device, request.user),
            "exit_open": lifecycle.can_transition(request.user) and device.status not in lifecycle.TERMINAL,
        },
    )


class _JournalPage(list):
    """Events of one journal page, with ``number``, ``has_next()``, ``has_previous()``."""

    def has_next(self):
        return self.more

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.more or self.number > 1


def _journal_page(request, device):
    """Latest first, 50 per page (a device with 5,000 events rendered 838 KB in one page);
    one more row than shown tells whether an older page exists, so no COUNT is needed."""
    try:
        number = max(1, int(request.GET.get("journal", 1)))
    except ValueError:
        number = 1
    start = (number - 1) * JOURNAL_PAGE_SIZE
    rows = list(queries.journal_latest_first(device)[start:start + JOURNAL_PAGE_SIZE + 1])
    page = _JournalPage(rows[:JOURNAL_PAGE_SIZE])
    page.number, page.more = number, len(rows) > JOURNAL_PAGE_SIZE
    page.previous_page_number, page.next_page_number = number - 1, number + 1
    return page


@require_POST
def device_transition(request, asset_tag):
    """Apply a status change chosen on the device page; a refusal is shown, nothing changes."""
    require_staff(request)
    device = get_object_or_404(queries.device_detail(), asset_tag=normalize_asset_tag(asset_tag))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect(device)
    if form.cleaned_data["to"] in (Status.RETIRED, Status.LOST):
        asked = confirm_first(
            request,
            title=_("Mark %(tag)s as “%(status)s”?")
            % {"tag": device.asset_tag, "status": lifecycle.status_label(form.cleaned_data["to"])},
            consequence=_("The device leaves the fleet in use; the journal keeps this step for good."),
            button=_("Confirm"), back=device.get_absolute_url())
        if asked:
            return asked
    try:
        lifecycle.transition(
            device,
            form.cleaned_data["to"],
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_status=form.cleaned_data["expected"],
            check_permission=True,
        )
    except lifecycle.TransitionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(tag)s is now “%(status)s”.")
            % {"tag": device.asset_tag, "status": lifecycle.status_label(device.status)},
        )
    return redirect(form.cleaned_data.get("next") or device.get_absolute_url())


def device_create(request):
    """Register a device through ``services.register_device`` (status in stock, journalled).

    ``?asset_tag=`` pre-fills the tag: a scanned label that matches no device links here.
    """
    require_staff(request, "inventory.add_device")
    if request.method == "POST":
        form = DeviceForm(request.POST)
        if form.is_valid():
            try:
                device = services.register_device(actor=request.user, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(tag)s is registered.") % {"tag": device.asset_tag})
                return redirect(device)
    else:
        form = DeviceForm(
            initial={"asset_tag": normalize_asset_tag(request.GET.get("asset_tag", "")) or services.next_asset_tag()}
        )
    return render(request, "inventory/device_form.html", {"form": form, "device": None})


def device_edit(request, asset_tag):
    """Edit a device's facts through ``services.update_device``; the status is not editable here."""
    require_staff(request, "inventory.change_device")
    device = get_object_or_404(queries.device_detail(), asset_tag=normalize_asset_tag(asset_tag))
    if request.method == "POST":
        form = DeviceEditForm(request.POST, instance=device)
        if form.is_valid():
            changes = form.changed_fields()
            if not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect(device)
            try:
                services.update_device(device=device, actor=request.user, note=form.cleaned_data["note"], **changes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(tag)s is updated.") % {"tag": device.asset_tag})
                return redirect(device)
    else:
        form = DeviceEditForm(instance=device)
    return render(request, "inventory/device_form.html", {"form": form, "device": device})



def event_photo(request, pk):
    """A journal photo, to staff who may read the journal (media have no public URL)."""
    require_staff(request, "inventory.view_event")
    event = get_object_or_404(Event.objects.exclude(attachment=""), pk=pk)
    return protected_file_response(
        event.attachment, filename=event.attachment.name.rsplit("/", 1)[-1],
        content_type=mimetypes.guess_type(event.attachment.name)[0] or "application/octet-stream",
        as_attachment=False,
    )
