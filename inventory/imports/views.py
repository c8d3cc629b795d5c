"""Import pages for procurement: upload and check, report, confirm, progress; template download.

The check and the import run as Celery tasks; the job page refreshes itself (a meta refresh, no
script) while the worker runs, so the progress survives a reload or a closed tab.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config import exports
from config.roles import require_staff

from ..models import FileJob, ImportProfile
from . import jobs
from .forms import ConfirmForm, ImportForm, ImportProfileForm
from .profiles import TEMPLATE_COLUMNS

IMPORT_PERMISSION = "inventory.add_importprofile"
REPORT_PAGE = 50


def upload(request):
    require_staff(request, IMPORT_PERMISSION, "inventory.add_device")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.start_import_check(user=request.user, upload=form.cleaned_data["file"],
                                      profile=form.cleaned_data["profile"],
                                      create_missing=form.cleaned_data["create_missing"])
        return redirect("imports:job", job.pk)
    return render(request, "inventory/imports/upload.html", {
        "form": form, "profiles": ImportProfile.objects.all(),
        "recent": FileJob.objects.filter(user=request.user)[:10],
    })


def _own_job(request, pk):
    require_staff(request)
    job = get_object_or_404(FileJob, pk=pk)
    if job.user_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    return job


def job(request, pk):
    job = _own_job(request, pk)
    done, total = jobs.progress(job)
    report = job.report or {}
    lines = [("error", *error) for error in report.get("errors", [])]
    labels = {"created": _("Created"), "updated": _("Updated"), "unchanged": _("Unchanged")}
    lines += [("row", row, labels.get(action, action), tag) for row, action, tag in report.get("actions", [])
              if action != "rejected"]
    page = Paginator(lines, REPORT_PAGE).get_page(request.GET.get("page"))
    running = job.state in (FileJob.State.QUEUED, FileJob.State.RUNNING)
    return render(request, "inventory/imports/job.html", {
        "job": job, "report": report, "done": done, "total": total, "running": running, "page": page,
        "confirm": ConfirmForm() if job.kind == FileJob.Kind.IMPORT_CHECK and job.state == FileJob.State.DONE
        and not report.get("fatal") else None,
    })


@require_POST
def confirm(request, pk):
    require_staff(request, IMPORT_PERMISSION, "inventory.add_device")
    check = _own_job(request, pk)
    if check.kind != FileJob.Kind.IMPORT_CHECK or check.state != FileJob.State.DONE:
        raise Http404
    form = ConfirmForm(request.POST)
    form.is_valid()
    job = jobs.confirm_import(check=check, user=request.user, valid_only=form.cleaned_data.get("valid_only"))
    return redirect("imports:job", job.pk)


def job_file(request, pk):
    job = _own_job(request, pk)
    if not job.result or job.state != FileJob.State.DONE and job.kind == FileJob.Kind.EXPORT:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result.name.rsplit("/", 1)[-1])


TEMPLATE_EXAMPLE = {
    "asset_tag": "GAM-000123", "serial_number": "5CG1234XYZ", "manufacturer": "HP", "model": "EliteBook 840 G8",
    "category": "laptop", "status": "in_service", "status_changed_at": dt.date(2022, 3, 15),
    "site": "Grenoble › Hôtel de ville", "department": "DSI", "purchase_date": dt.date(2022, 3, 1),
    "use_date": dt.date(2022, 3, 15), "purchase_price": Decimal("1234.50"), "vat_rate": Decimal("0.200"),
    "supplier": "UGAP", "order_reference": "BC-2022-0042", "acquired_as": "new", "recycled_content": "",
    "warranty_end": dt.date(2025, 3, 1), "ownership": "owned", "lessor": "", "contract_end": None,
    "accounting_number": "2022-IMM-0042", "notes": "", "assignee": "",
}


def template(request, file_format):
    """The French spreadsheet template (docs/import.md), with one example row."""
    require_staff(request)
    kinds = {"status_changed_at": "date", "purchase_date": "date", "use_date": "date", "warranty_end": "date",
             "contract_end": "date", "purchase_price": "decimal", "vat_rate": "decimal"}
    columns = [exports.Column(header, header, kinds.get(name, "text"), digits=3 if name == "vat_rate" else 2)
               for name, header in TEMPLATE_COLUMNS.items()]
    row = [TEMPLATE_EXAMPLE.get(name) for name in TEMPLATE_COLUMNS]
    if file_format == "xlsx":
        return exports.xlsx_response(columns, [row], filename="modele-import-prolonge.xlsx", title="Appareils")
    if file_format != "csv":
        raise Http404
    return exports.csv_response(columns, [row], filename="modele-import-prolonge.csv")


def profile_edit(request, pk=None):
    """Create or edit a custom mapping (columns and status table) saved for reuse."""
    require_staff(request, IMPORT_PERMISSION)
    instance = get_object_or_404(ImportProfile, pk=pk) if pk else None
    form = ImportProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("imports:upload")
    return render(request, "inventory/imports/profile_form.html", {"form": form, "profile": instance})
