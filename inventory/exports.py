"""The register's exports: the device list (CSV in both dialects, XLSX) and the journal.

The machinery (dialects, streaming, trailer, formula neutralisation) is ``config.exports``;
this module only says which columns the register exports and reads them as tuples. The device
columns are every field of a device, so that the ``prolonge`` import profile reads the file back
(``inventory.imports.profiles``).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config import exports

from .filters import DeviceFilterSet
from .models import AcquiredAs, Device, Event, Ownership, Status
from .queries import with_derived


def _field(name):
    return Device._meta.get_field(name).verbose_name


# (column, source in the machine dialect, source in the spreadsheet dialect)
DEVICE_COLUMNS = [
    (exports.Column("asset_tag", _field("asset_tag")), "asset_tag", None),
    (exports.Column("serial_number", _field("serial_number")), "serial_number", None),
    (exports.Column("manufacturer", _field("manufacturer")), "model__manufacturer", None),
    (exports.Column("model", _field("model")), "model__name", None),
    (exports.Column("category", _("category")), "model__category__slug", "model__category__name"),
    (exports.Column("status", _field("status"), "choice", dict(Status.choices)), "status", None),
    (exports.Column("status_changed_at", _field("status_changed_at"), "datetime"), "status_changed_at", None),
    (exports.Column("site", _field("site")), "site__full_name", None),
    (exports.Column("department", _field("department")), "department__code", "department__name"),
    (exports.Column("assignee", _field("assignee")), "assignee", None),
    (exports.Column("purchase_date", _field("purchase_date"), "date"), "purchase_date", None),
    (exports.Column("use_date", _field("use_date"), "date"), "use_date", None),
    (exports.Column("purchase_price", _field("purchase_price"), "decimal"), "purchase_price", None),
    (exports.Column("vat_rate", _field("vat_rate"), "decimal", digits=3), "vat_rate", None),
    (exports.Column("supplier", _field("supplier")), "supplier", None),
    (exports.Column("order_reference", _field("order_reference")), "order_reference", None),
    (exports.Column("acquired_as", _field("acquired_as"), "choice", dict(AcquiredAs.choices)), "acquired_as", None),
    (exports.Column("warranty_end", _field("warranty_end"), "date"), "warranty_end", None),
    (exports.Column("ownership", _field("ownership"), "choice", dict(Ownership.choices)), "ownership", None),
    (exports.Column("lessor", _field("lessor")), "lessor", None),
    (exports.Column("contract_end", _field("contract_end"), "date"), "contract_end", None),
    (exports.Column("accounting_number", _field("accounting_number")), "accounting_number", None),
    (exports.Column("planned_renewal_year", _field("planned_renewal_year"), "int"), "planned_renewal_year", None),
    (exports.Column("replacement_price", _field("replacement_price"), "decimal"), "replacement_price", None),
    (exports.Column("last_seen", _field("last_seen"), "datetime"), "last_seen", None),
    (exports.Column("notes", _field("notes")), "notes", None),
    (exports.Column("age_years", _("age (years)"), "float", digits=1), "age_years", None),
    (exports.Column("book_value", _("book value (€)"), "decimal"), "book_value", None),
    (exports.Column("embodied_kgco2e", _("embodied footprint (kg CO2e)"), "decimal"), "embodied_kgco2e", None),
]


def device_columns():
    return [column for column, _machine, _sheet in DEVICE_COLUMNS]


def device_rows(queryset, dialect=exports.MACHINE, *, typed=False):
    """The device columns' cells from a server-side cursor (no model instance per row): the
    file's text where the database formats it (``config.exports.formatted_rows``), else typed
    values (always with ``typed``, for XLSX)."""
    sources = [
        (sheet or machine) if dialect == exports.SPREADSHEET else machine for _column, machine, sheet in DEVICE_COLUMNS
    ]
    values = with_derived(queryset).values_list(*sources)
    if typed:
        return values.iterator(chunk_size=exports.CHUNK_SIZE)
    return exports.formatted_rows(values, device_columns(), dialect)


def filtered_devices(request):
    """(queryset, None) for the request's filters, or (None, errors) when they do not validate."""
    filterset = DeviceFilterSet(exports.query_without_controls(request), queryset=Device.objects.all())
    if not filterset.is_valid():
        return None, filterset.errors
    return filterset.qs, None


def _export_request(request):
    """(dialect, filtered devices, None), or a 400 answer as the third item: a bad ``dialect`` or
    filter value exports nothing, as the API answers the same query string."""
    try:
        dialect = exports.dialect_from(request)
    except exports.BadDialect:
        return None, None, exports.bad_request({"dialect": [_("Choose “spreadsheet” or “machine”.")]})
    queryset, errors = filtered_devices(request)
    if errors:
        return None, None, exports.bad_request(errors)
    return dialect, queryset, None


def device_export(request, file_format="csv"):
    """The filtered device list as CSV (``?dialect=``) or XLSX; invalid filters answer 400."""
    dialect, queryset, refusal = _export_request(request)
    if refusal:
        return refusal
    if file_format == "xlsx":
        return exports.xlsx_response(
            device_columns(), device_rows(queryset, exports.SPREADSHEET, typed=True), filename="appareils.xlsx",
            title=str(_("Devices")),
        )
    background = _background_export(request, queryset, dialect)
    if background is not None:
        return background
    return exports.csv_response(device_columns(), device_rows(queryset, dialect), filename="appareils.csv",
                                dialect=dialect)


def _background_export(request, queryset, dialect):
    """Whole-fleet exports above the threshold become a task (issue 15): a redirect, else None."""
    threshold = settings.PROLONGE.get("EXPORT_BACKGROUND_ROWS")
    if not threshold or request.GET.get("wait") == "stream":
        return None
    if queryset.count() <= threshold:
        return None
    from .imports import jobs

    job = jobs.start_device_export(user=request.user, query=exports.query_without_controls(request).urlencode(),
                                   dialect=dialect)
    from django.shortcuts import redirect

    return redirect("imports:job", job.pk)


JOURNAL_COLUMNS = [
    (exports.Column("at", Event._meta.get_field("at").verbose_name, "datetime"), "at"),
    (exports.Column("asset_tag", _field("asset_tag")), "device__asset_tag"),
    (exports.Column("kind", Event._meta.get_field("kind").verbose_name, "choice", dict(Event.Kind.choices)), "kind"),
    (exports.Column("from_status", Event._meta.get_field("from_status").verbose_name, "choice",
                    dict(Status.choices)), "from_status"),
    (exports.Column("to_status", Event._meta.get_field("to_status").verbose_name, "choice",
                    dict(Status.choices)), "to_status"),
    (exports.Column("actor", Event._meta.get_field("actor").verbose_name), "actor__username"),
    (exports.Column("note", Event._meta.get_field("note").verbose_name), "note"),
]


def journal_export(request):
    """The journal of the filtered devices (same filters as the list), oldest first."""
    dialect, queryset, refusal = _export_request(request)
    if refusal:
        return refusal
    events = (
        Event.objects.filter(device__in=queryset.values("pk"))
        .order_by("at", "id")
        .values_list(*(source for _column, source in JOURNAL_COLUMNS))
        .iterator(chunk_size=exports.CHUNK_SIZE)
    )
    return exports.csv_response([c for c, _s in JOURNAL_COLUMNS], events, filename="journal.csv", dialect=dialect)
