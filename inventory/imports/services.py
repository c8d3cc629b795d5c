"""Importing devices: validate every row first, then write in bulk (issue 12).

``import_devices(path, profile=…, mode=…)`` reads the file once, in batches of ``BATCH_ROWS``:
each batch is validated (two lookup queries for the devices it names) and, unless it is a dry
run, written with ``bulk_create``/``bulk_update`` and its journal lines with
``journal.record_many``. Modes:

- ``dry_run``: nothing is written; the report says per row what would be created, updated or
  left unchanged, and every error (row, column, French message);
- ``atomic``: one transaction; any rejected row rolls everything back;
- ``valid_only``: the valid rows are written, the rejected ones go to a CSV with an error column.

This module is over 400 lines on purpose: ``_Run`` is one pass over the file in which
validation and writing share the batch's lookups; cutting it in two would scatter one algorithm.

Re-importing the same file changes nothing: a row is matched on its asset tag, else on
manufacturer + serial, and a matched device whose fields are equal is left alone.

Why not django-import-export: docs/import.md gives the benchmark (it saves row by row through
the ORM; at 100k rows it is far outside the 60 s budget this bulk path meets).

Reference rows (categories, models, sites, departments) are looked up in dictionaries loaded
once; with ``create_missing`` the missing ones are created as the rows that need them are
written (a few hundred at most, so one by one is fine there).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import journal
from ..models import Category, Department, Device, DeviceModel, Event, Site, Status
from . import cells, readers
from .cells import CellError, fold
from .profiles import ACQUIRED_AS, OWNERSHIP, get_profile

BATCH_ROWS = 2000
DRY_RUN, ATOMIC, VALID_ONLY = "dry_run", "atomic", "valid_only"
MODES = (DRY_RUN, ATOMIC, VALID_ONLY)
MAX_LISTED = 20000  # rows and errors kept in the report (counts are always complete)
# Statuses that stand for an open workflow (a repair, an offer, a claim): an import cannot
# create the repair or the claim behind them, so it refuses them (map them to another status).
NOT_IMPORTABLE = {Status.IN_REPAIR, Status.AVAILABLE, Status.RESERVED}

# Device fields an import writes on creation and compares on update (status is creation only).
DEVICE_FIELDS = (
    "serial_number", "model", "site", "department", "assignee", "purchase_date", "use_date", "purchase_price",
    "vat_rate", "supplier", "order_reference", "acquired_as", "warranty_end", "ownership", "lessor",
    "contract_end", "accounting_number", "planned_renewal_year", "replacement_price", "last_seen", "notes",
)
TEXT_LIMITS = {name: Device._meta.get_field(name).max_length for name in (
    "assignee", "supplier", "order_reference", "lessor", "accounting_number")}


class ImportRolledBack(Exception):
    pass


@dataclass
class Report:
    source: str
    detected: str = ""
    mode: str = DRY_RUN
    ignored_columns: list = field(default_factory=list)
    missing_columns: list = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    written: bool = False
    errors: list = field(default_factory=list)  # [row, column, message]
    actions: list = field(default_factory=list)  # [row, action, asset tag]
    to_create: dict = field(default_factory=dict)  # kind → sorted names created (or to create)
    fatal: str = ""

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def error(self, row, column, message):
        if len(self.errors) < MAX_LISTED:
            self.errors.append([row, column, message])

    def act(self, row, action, tag):
        if len(self.actions) < MAX_LISTED:
            self.actions.append([row, action, tag])


@dataclass
class Row:
    number: int
    cells: list
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column, message)
    device_id: int | None = None
    action: str = ""
    existing: dict | None = None
    changes: dict = field(default_factory=dict)


def import_devices(path, *, profile, mode=DRY_RUN, create_missing=False, actor=None, source_name=None,
                   rejected_path=None, progress_key=None, today=None):
    """Import the devices of the CSV/XLSX file at ``path``; returns a ``Report``.

    ``profile``: a profile name (``glpi``, ``snipeit``, ``template``, ``prolonge``, ``custom:<id>``)
    or a ``Profile``. ``rejected_path``: where to write the rejected rows (``valid_only``, and
    the dry run, so people can fix them). ``progress_key``: a cache key updated per batch.
    """
    if mode not in MODES:
        raise ValueError(mode)
    profile = get_profile(profile) if isinstance(profile, str) else profile
    source_name = source_name or Path(path).name
    report = Report(source=f"{profile.source} ({source_name})", mode=mode)
    try:
        table = readers.open_table(path, source_name)
    except readers.UnreadableFile as error:
        report.fatal = error.message
        return report
    report.detected = str(table.describe())
    mapping, report.ignored_columns = profile.match_headers(table.headers)
    if "asset_tag" not in mapping and "serial_number" not in mapping:
        report.fatal = _("No asset tag nor serial number column was found: check the profile (%(profile)s).") % {
            "profile": profile.label}
        return report
    if "model" not in mapping:
        report.missing_columns.append("model")
    run = _Run(profile, mapping, report, mode=mode, create_missing=create_missing, actor=actor,
               today=today or timezone.localdate(), progress_key=progress_key)
    run.headers = table.headers
    rejected = []
    try:
        if mode == ATOMIC:
            with transaction.atomic():
                run.process(table.rows, rejected)
                if report.rejected:
                    raise ImportRolledBack
        else:
            run.process(table.rows, rejected)
    except ImportRolledBack:
        report.written = False
    else:
        report.written = mode != DRY_RUN
    if rejected_path and rejected:
        readers.write_rejected(rejected_path, table.headers, rejected)
    return report


class _Run:
    def __init__(self, profile, mapping, report, *, mode, create_missing, actor, today, progress_key):
        self.profile, self.mapping, self.report = profile, mapping, report
        self.mode, self.create_missing, self.actor, self.today = mode, create_missing, actor, today
        self.progress_key = progress_key
        self.columns = dict(mapping)
        self.headers = []
        self.tags_seen = {}
        self.serials_seen = {}
        self.refs = _References(create_missing)

    # --- the pass ----------------------------------------------------------------------------

    def process(self, rows, rejected):
        batch = []
        for number, row_cells in rows:
            batch.append(Row(number, row_cells))
            if len(batch) == BATCH_ROWS:
                self._batch(batch, rejected)
                batch = []
        if batch:
            self._batch(batch, rejected)

    def _batch(self, batch, rejected):
        for row in batch:
            self._parse(row)
        self._match(batch)
        valid = [row for row in batch if not row.errors]
        for row in batch:
            self.report.rows += 1
            if row.errors:
                self.report.rejected += 1
                for column, message in row.errors:
                    self.report.error(row.number, column, message)
                rejected.append((row.number, row.cells, [f"{column}\u00a0: {message}" if column else message
                                                         for column, message in row.errors]))
                self.report.act(row.number, "rejected", row.values.get("asset_tag", ""))
            else:
                setattr(self.report, row.action, getattr(self.report, row.action) + 1)
                self.report.act(row.number, row.action, row.values.get("asset_tag", ""))
        if self.mode != DRY_RUN and not (self.mode == ATOMIC and self.report.rejected):
            self._write(valid)
        self.report.to_create = self.refs.created_names()
        if self.progress_key:
            cache.set(self.progress_key, self.report.rows, 24 * 3600)

    # --- reading a row -----------------------------------------------------------------------

    def _cell(self, row, name):
        index = self.columns.get(name)
        if index is None or index >= len(row.cells):
            return None
        value = row.cells[index]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def _parse(self, row):
        v = row.values

        def get(name, parser, **kwargs):
            raw = self._cell(row, name)
            if raw is None:
                return None
            try:
                return parser(raw, **kwargs)
            except CellError as error:
                row.errors.append((self.column_label(name), error.message))
                return None

        tag = get("asset_tag", cells.asset_tag)
        v["asset_tag"] = tag or ""
        v["serial_number"] = get("serial_number", cells.serial) or ""
        for name, limit in TEXT_LIMITS.items():
            if name in self.columns:
                v[name] = get(name, cells.text, max_length=limit) or ""
        if "notes" in self.columns:
            v["notes"] = get("notes", cells.text) or ""
        for name in ("purchase_date", "use_date", "warranty_end", "contract_end"):
            if name in self.columns:
                v[name] = get(name, cells.date)
        for name in ("status_changed_at", "last_seen"):
            if name in self.columns:
                v[name] = get(name, cells.datetime)
        for name in ("purchase_price", "replacement_price"):
            if name in self.columns:
                v[name] = get(name, cells.decimal)
        if "vat_rate" in self.columns:
            rate = get("vat_rate", cells.vat_rate)
            if rate is not None:
                v["vat_rate"] = rate
        if "planned_renewal_year" in self.columns:
            v["planned_renewal_year"] = get("planned_renewal_year", cells.integer, minimum=1990, maximum=2100)
        if "acquired_as" in self.columns:
            value = get("acquired_as", cells.choice, table=ACQUIRED_AS, what=_("acquisition mode"))
            if value:
                v["acquired_as"] = value
        if "ownership" in self.columns:
            value = get("ownership", cells.choice, table=OWNERSHIP, what=_("ownership"))
            if value:
                v["ownership"] = value
        months = get("warranty_months", cells.integer, maximum=600)
        if months and v.get("purchase_date") and not v.get("warranty_end"):
            v["warranty_end"] = cells.add_months(v["purchase_date"], months)
        self._parse_status(row, get)
        self._parse_references(row, get)
        if not tag and not v["serial_number"]:
            row.errors.append((self.column_label("asset_tag"), _("Neither an asset tag nor a serial number.")))
        self._check_duplicates(row)

    def _parse_status(self, row, get):
        raw = self._cell(row, "status")
        if raw is None:
            return
        try:
            status = cells.choice(raw, self.profile.statuses, what="status")
        except CellError:
            row.errors.append((self.column_label("status"), _(
                "Status “%(value)s” is not in the status table of profile %(profile)s: add it to the table."
            ) % {"value": cells.text(raw), "profile": self.profile.label}))
            return
        if status in NOT_IMPORTABLE:
            row.errors.append((self.column_label("status"), _(
                "Status “%(value)s” (%(status)s) is reached only through its workflow (repair, offer, claim): "
                "map it to another status."
            ) % {"value": cells.text(raw), "status": Status(status).label}))
            return
        row.values["status"] = status

    def _parse_references(self, row, get):
        v = row.values
        manufacturer = get("manufacturer", cells.text, max_length=100)
        model_name = get("model", cells.text, max_length=150)
        category_raw = get("category", cells.text, max_length=100)
        category = None
        if category_raw:
            category = self.refs.category(category_raw, self.profile.categories)
            if category is None:
                row.errors.append((self.column_label("category"), _("Unknown category “%(value)s”.")
                                   % {"value": category_raw}))
        if model_name:
            model, problem = self.refs.model(manufacturer or "", model_name, category, bool(category_raw))
            if problem:
                row.errors.append((self.column_label("model"), problem))
            v["model"] = model
        site_raw = get("site", cells.text, max_length=500)
        if site_raw:
            v["site"] = self.refs.site(site_raw)
            if v["site"] is None:
                row.errors.append((self.column_label("site"), _("Unknown site “%(value)s”.") % {"value": site_raw}))
        elif "site" in self.columns:
            v["site"] = None
        department_raw = get("department", cells.text, max_length=150)
        if department_raw:
            v["department"] = self.refs.department(department_raw)
            if v["department"] is None:
                row.errors.append((self.column_label("department"), _("Unknown department “%(value)s”.")
                                   % {"value": department_raw}))
        elif "department" in self.columns:
            v["department"] = None

    def _check_duplicates(self, row):
        tag = row.values["asset_tag"]
        if tag:
            first = self.tags_seen.setdefault(tag, row.number)
            if first != row.number:
                row.errors.append((self.column_label("asset_tag"), _(
                    "Asset tag %(tag)s appears twice in the file (first on row %(row)d).")
                    % {"tag": tag, "row": first}))
        serial = row.values["serial_number"]
        model = row.values.get("model")
        if serial and model is not None:
            key = (fold(model.manufacturer), serial)
            first = self.serials_seen.setdefault(key, row.number)
            if first != row.number:
                row.errors.append((self.column_label("serial_number"), _(
                    "Serial number %(serial)s appears twice in the file (first on row %(row)d).")
                    % {"serial": serial, "row": first}))

    def column_label(self, name):
        index = self.columns.get(name)
        headers = getattr(self, "headers", None)
        if index is not None and headers and index < len(headers):
            return headers[index]
        return self.profile.columns.get(name, (name,))[0]

    # --- matching existing devices -----------------------------------------------------------

    def _match(self, batch):
        tags = [row.values["asset_tag"] for row in batch if row.values["asset_tag"]]
        serials = [row.values["serial_number"] for row in batch if row.values["serial_number"]]
        fields = ("id", "asset_tag", "manufacturer", "serial_number", "status", *(
            f"{name}_id" if name in ("model", "site", "department") else name for name in DEVICE_FIELDS))
        by_tag, by_serial = {}, {}
        if tags:
            for values in Device.objects.filter(asset_tag__in=tags).values(*fields):
                by_tag[values["asset_tag"]] = values
        if serials:
            for values in Device.objects.filter(serial_number__in=serials).values(*fields):
                by_serial[(fold(values["manufacturer"]), values["serial_number"])] = values
        for row in batch:
            v = row.values
            model = v.get("model")
            serial_key = (fold(model.manufacturer), v["serial_number"]) if model is not None and v["serial_number"] \
                else None
            existing = by_tag.get(v["asset_tag"]) if v["asset_tag"] else None
            same_serial = by_serial.get(serial_key) if serial_key else None
            if existing is None and same_serial is not None:
                if v["asset_tag"]:
                    row.errors.append((self.column_label("serial_number"), _(
                        "Serial number %(serial)s is already used by device %(tag)s.")
                        % {"serial": v["serial_number"], "tag": same_serial["asset_tag"]}))
                    continue
                existing = same_serial
                v["asset_tag"] = existing["asset_tag"]
            elif existing is not None and same_serial is not None and same_serial["id"] != existing["id"]:
                row.errors.append((self.column_label("serial_number"), _(
                    "Serial number %(serial)s is already used by device %(tag)s.")
                    % {"serial": v["serial_number"], "tag": same_serial["asset_tag"]}))
                continue
            if existing is None:
                if not v["asset_tag"]:
                    row.errors.append((self.column_label("asset_tag"), _("Asset tag missing for a new device.")))
                elif model is None and not row.errors:
                    row.errors.append((self.column_label("model"), _("Model missing for a new device.")))
                row.action = "created"
                continue
            row.device_id = existing["id"]
            row.existing = existing
            row.changes = self._changes(v, existing)
            row.action = "updated" if row.changes else "unchanged"

    def _changes(self, values, existing):
        changes = {}
        for name in DEVICE_FIELDS:
            if name not in values:
                continue
            new = values[name]
            if name in ("model", "site", "department"):
                new_id = None if new is None else new.pk
                if new_id != existing[f"{name}_id"]:
                    changes[name] = new
                continue
            old = existing[name]
            if name == "serial_number" and not new:
                continue
            if new is None and name in ("vat_rate",):
                continue
            if new != old and not (new in (None, "") and old in (None, "")):
                changes[name] = new
        return changes

    # --- writing -----------------------------------------------------------------------------

    def _write(self, rows):
        if not rows:
            return
        self.refs.save_pending(rows)
        source = self.report.source
        now = timezone.now()
        new_devices, updated, events = [], [], []
        for row in rows:
            v = row.values
            if row.action == "created":
                status = v.get("status") or Status.IN_STOCK
                fields = {name: v[name] for name in DEVICE_FIELDS if name in v}
                # Foreign keys as ids: the related descriptors cost ~10 µs a row at 100k rows.
                for name in ("model", "site", "department"):
                    if name in fields:
                        related = fields.pop(name)
                        fields[f"{name}_id"] = None if related is None else related.pk
                device = Device(
                    asset_tag=v["asset_tag"], status=status,
                    status_changed_at=_status_date(v, status) or now,
                    manufacturer=v["model"].manufacturer, **fields,
                )
                new_devices.append((row, device))
            elif row.action == "updated":
                device = Device(pk=row.device_id, asset_tag=row.existing["asset_tag"],
                                manufacturer=row.existing["manufacturer"])
                for name, value in row.changes.items():
                    setattr(device, name, value)
                if "model" in row.changes:
                    device.manufacturer = row.changes["model"].manufacturer
                updated.append((row, device))
        if new_devices:
            Device.objects.bulk_create([device for _row, device in new_devices], batch_size=BATCH_ROWS)
            note = _("Imported from %(source)s") % {"source": source}
            for row, device in new_devices:
                events.append(journal.event(
                    device.pk, Event.Kind.IMPORTED, actor=self.actor, to_status=device.status,
                    at=device.status_changed_at, note=note,
                    data={"source": source, "row": row.number},
                ))
        if updated:
            fields = sorted({name for row, _device in updated for name in row.changes})
            devices = [device for _row, device in updated]
            # bulk_update writes every listed field of every device: unchanged ones hold their
            # current value (copied from the matched row), so nothing is overwritten by mistake.
            for row, device in updated:
                for name in fields:
                    if name not in row.changes:
                        setattr(device, name if name not in ("model", "site", "department") else f"{name}_id",
                                row.existing[name if name not in ("model", "site", "department") else f"{name}_id"])
            if "model" in fields:
                fields.append("manufacturer")
            fields.append("updated_at")
            for device in devices:
                device.updated_at = now
            Device.objects.bulk_update(devices, fields, batch_size=BATCH_ROWS)
            for row, device in updated:
                events.append(journal.event(
                    device.pk, Event.Kind.EDITED, actor=self.actor,
                    note=_("Updated from %(source)s") % {"source": source},
                    data={"source": source, "row": row.number, "changes": {
                        name: [_plain(row.existing.get(f"{name}_id", row.existing.get(name))), _plain(value)]
                        for name, value in row.changes.items()}},
                ))
        journal.record_many(events)


def _status_date(values, status):
    """When the device entered its status: the file's status date, else the date that implies it
    (put in service → use date; in stock → purchase date); else unknown (the import's time)."""
    if values.get("status_changed_at"):
        return values["status_changed_at"]
    implied = {Status.IN_SERVICE: values.get("use_date") or values.get("purchase_date"),
               Status.IN_STOCK: values.get("purchase_date")}.get(status)
    if implied:
        return timezone.make_aware(dt.datetime.combine(implied, dt.time(0, 0)))
    return None


def _plain(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return "" if value is None else str(value)


class _References:
    """Categories, models, sites and departments by folded name, loaded once; missing ones made
    (in memory for a dry run, in the database when rows are written) when ``create_missing``."""

    def __init__(self, create_missing):
        self.create_missing = create_missing
        self.categories = {}
        for category in Category.objects.all():
            self.categories[fold(category.slug)] = category
            self.categories[fold(category.name)] = category
        self.models = {(fold(m.manufacturer), fold(m.name)): m for m in DeviceModel.objects.all()}
        self.models_by_name = {}
        for model in self.models.values():
            self.models_by_name.setdefault(fold(model.name), []).append(model)
        self.sites = {}
        for site in Site.objects.all():
            self.sites[_site_key(site.full_name)] = site
            self.sites.setdefault(_site_key(site.name), site)
        self.departments = {}
        for department in Department.objects.all():
            self.departments[fold(department.code)] = department
            self.departments[fold(department.name)] = department
        self.pending = {"category": {}, "model": {}, "site": {}, "department": {}}

    def category(self, raw, aliases):
        key = fold(raw)
        found = self.categories.get(key) or self.categories.get(fold(aliases.get(key, "")))
        if found is None and self.create_missing:
            found = Category(slug=slugify(raw)[:40] or "other", name=raw.strip()[:100])
            self.categories[key] = found
            self.pending["category"][key] = found
        return found

    def model(self, manufacturer, name, category, category_given):
        key = (fold(manufacturer), fold(name))
        found = self.models.get(key)
        if found is None and not manufacturer:
            candidates = self.models_by_name.get(fold(name), [])
            if len(candidates) == 1:
                return candidates[0], None
        if found is not None:
            return found, None
        if not self.create_missing:
            return None, _("Unknown model “%(value)s”: create it first or choose “create missing”.") % {
                "value": f"{manufacturer} {name}".strip()}
        if not manufacturer:
            return None, _("Manufacturer needed to create model “%(value)s”.") % {"value": name}
        if category is None:
            return None, None if category_given else _("Category needed to create model “%(value)s”.") % {
                "value": f"{manufacturer} {name}"}
        found = DeviceModel(manufacturer=manufacturer.strip(), name=name.strip(), category=category)
        self.models[key] = found
        self.pending["model"][key] = found
        return found, None

    def site(self, raw):
        key = _site_key(raw)
        found = self.sites.get(key)
        if found is None and self.create_missing:
            found = Site(name=raw.strip(), kind=Site.Kind.COMMUNE, full_name=raw.strip())
            self.sites[key] = found
            self.pending["site"][key] = found
        return found

    def department(self, raw):
        key = fold(raw)
        found = self.departments.get(key)
        if found is None and self.create_missing:
            found = Department(code=slugify(raw).upper()[:20] or "X", name=raw.strip()[:150])
            self.departments[key] = found
            self.pending["department"][key] = found
        return found

    def save_pending(self, rows):
        """Create the missing reference rows these rows use (sites as a commune › building › room path)."""
        for category in self.pending["category"].values():
            if category.pk is None:
                category.save()
        for model in self.pending["model"].values():
            if model.pk is None:
                model.category = model.category  # the category got its pk above
                model.save()
        for site in self.pending["site"].values():
            if site.pk is None:
                saved = _site_path(site.name)
                site.pk, site.path, site.full_name = saved.pk, saved.path, saved.full_name
        for department in self.pending["department"].values():
            if department.pk is None:
                code, n = department.code, 1
                while Department.objects.filter(code=department.code).exists():
                    n += 1
                    department.code = f"{code[:17]}-{n}"
                department.save()

    def created_names(self):
        return {kind: sorted(str(item.name if kind != "model" else item) for item in items.values())
                for kind, items in self.pending.items() if items}


SITE_SEPARATORS = (" › ", " > ", " / ")
SITE_SEPARATOR_RE = re.compile(r"\s+[›>/]\s+")


def _site_key(name):
    """Sites compared by path whatever the separator: GLPI writes ``A > B``, we write ``A › B``."""
    return fold(SITE_SEPARATOR_RE.sub("/", name))


def _site_path(full_name):
    """Get or create the commune › building › room chain named by ``full_name``."""
    parts = [full_name]
    for separator in SITE_SEPARATORS:
        if separator in full_name:
            parts = [part.strip() for part in full_name.split(separator) if part.strip()]
            break
    kinds = [Site.Kind.COMMUNE, Site.Kind.BUILDING, Site.Kind.ROOM]
    parent = None
    for depth, name in enumerate(parts[:3]):
        site = Site.objects.filter(parent=parent, name=name).first()
        if site is None:
            site = Site(parent=parent, name=name, kind=kinds[depth])
            site.save()
        parent = site
    return parent


__all__ = ["ATOMIC", "DRY_RUN", "MODES", "VALID_ONLY", "Report", "import_devices"]
