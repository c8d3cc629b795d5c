import csv
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import require_staff
from config.web import (
    add_service_errors,
    filtered_rows,
    paginate,
    protected_file_response,
    query_without_page,
)

from . import lifecycle, queries, services
from .filters import DeviceFilterSet
from .forms import DeviceEditForm, DeviceForm, TransitionForm
from .models import Event, normalize_asset_tag
from .panels import panels_for

PAGE_SIZES = (25, 50, 100, 500)


def device_list(request):
    """The register, filtered by the same FilterSet as the API and the CSV export."""
    require_staff(request)
    filterset = DeviceFilterSet(request.GET, queryset=queries.device_list())
    page_size = _page_size(request)
    page = paginate(request, filtered_rows(filterset), page_size)
    return render(
        request,
        "inventory/device_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query_without_page(request),
            "page_size": page_size,
            "page_sizes": PAGE_SIZES,
        },
    )


def _page_size(request):
    try:
        size = int(request.GET.get("page_size", 25))
    except ValueError:
        return 25
    return size if size in PAGE_SIZES else 25


def device_export(request):
    """CSV of the filtered list, streamed so that 100k rows do not sit in memory."""
    require_staff(request)
    filterset = DeviceFilterSet(request.GET, queryset=queries.device_list())
    header = [
        "asset_tag",
        "serial_number",
        "status",
        "category",
        "manufacturer",
        "model",
        "site",
        "department",
        "assignee",
        "purchase_date",
        "purchase_price",
        "acquired_as",
        "warranty_end",
        "age_years",
        "book_value",
        "embodied_kgco2e",
        "planned_renewal_year",
    ]

    def rows():
        yield header
        for d in filterset.qs.iterator(chunk_size=2000):
            yield [
                d.asset_tag,
                d.serial_number,
                d.status,
                d.model.category.slug,
                d.model.manufacturer,
                d.model.name,
                d.site.full_name if d.site else "",
                d.department.code if d.department else "",
                d.assignee,
                d.purchase_date or "",
                d.purchase_price if d.purchase_price is not None else "",
                d.acquired_as,
                d.warranty_end or "",
                f"{d.age_years:.1f}" if d.age_years is not None else "",
                d.book_value if d.book_value is not None else "",
                d.embodied_kgco2e if d.embodied_kgco2e is not None else "",
                d.planned_renewal_year or "",
            ]

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appareils.csv"'
    return response


class _Echo:
    def write(self, value):
        return value


def device_detail(request, asset_tag):
    require_staff(request)
    device = get_object_or_404(queries.device_detail(), asset_tag=normalize_asset_tag(asset_tag))
    return render(
        request,
        "inventory/device_detail.html",
        {
            "device": device,
            "events": queries.journal(device),
            "flags": queries.open_flags(device),
            "transitions": [
                (s, lifecycle.ACTION_LABELS[s]) for s in lifecycle.available_transitions(device, request.user)
            ],
            "panels": panels_for(device, request.user),
        },
    )


@require_POST
def device_transition(request, asset_tag):
    """Apply a status change chosen on the device page; a refusal is shown, nothing changes."""
    require_staff(request)
    device = get_object_or_404(queries.device_detail(), asset_tag=normalize_asset_tag(asset_tag))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect(device)
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
        form = DeviceForm(initial={"asset_tag": normalize_asset_tag(request.GET.get("asset_tag", ""))})
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
