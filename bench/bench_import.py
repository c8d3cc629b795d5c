"""Importing 100k devices: CSV and XLSX, dry run and real run, against the ORM one row at a time.

Each measurement runs in a child process of its own so that its peak memory (``ru_maxrss``, the
whole process: Python + Django ≈ 60–80 MB of it) is its own. Cases:

- ``csv dry`` / ``csv real`` / ``csv again``: the pipeline on a 100k-row French-template CSV
  (semicolons, BOM, decimal commas) — check only, atomic write, and re-import of the same file
  (idempotent: everything "unchanged");
- the same three on the same rows as XLSX;
- ``orm one by one``: ``inventory.services.register_device`` per row (full_clean, save, journal
  line) on a sample, extrapolated to 100k;
- ``django-import-export``: a ``ModelResource`` import of a sample (row by row, and with its
  ``use_bulk`` option), extrapolated — only when the package is importable (it is not a
  dependency: ``pip install --target /tmp/iie django-import-export`` and ``IIE_PATH=/tmp/iie``).

The imported devices (tags ``BI-…``) are removed before each real run with raw SQL: the journal
is append-only for the application, and this is the benchmark's own database.

Run alone: ``python bench/bench_import.py`` (or ``make bench`` with ``BENCH_ONLY=import``);
``BENCH_IMPORT_ROWS`` (default 100000), ``BENCH_IMPORT_SAMPLE`` (default 2000).
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
SAMPLE = int(os.environ.get("BENCH_IMPORT_SAMPLE", "2000"))
ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "var" / "bench"
HEADER = ["numero_inventaire", "numero_serie", "fabricant", "modele", "categorie", "statut", "date_statut", "site",
          "service", "date_achat", "date_mise_en_service", "prix_ht", "taux_tva", "fournisseur",
          "reference_commande", "fin_garantie", "notes"]
MODELS = [("Dell", f"Latitude {5400 + n}", "laptop") for n in range(6)] + [
    ("HP", f"EliteDesk {800 + n}", "desktop") for n in range(4)]
STATUSES = ["En service"] * 6 + ["En stock", "Réformé", "Perdu", "Recyclé"]


def _row(n, prefix):
    maker, model, category = MODELS[n % len(MODELS)]
    year = 2015 + n % 9
    return [f"{prefix}-{n:07d}", f"S{prefix}{n:09d}", maker, model, category, STATUSES[n % len(STATUSES)],
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/{year + 1}", f"Commune {n % 20} › Bâtiment {n % 3}",
            f"Service {n % 10}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{year}", "", f"{400 + n % 900},{n % 100:02d}",
            "20", "UGAP", f"BC-{year}-{n % 500}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{year + 3}",
            "écran rayé" if n % 7 == 0 else ""]


def make_files(rows=ROWS):
    """The 100k-row CSV and XLSX (cached under var/bench/)."""
    FILES.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = FILES / f"import-{rows}.csv", FILES / f"import-{rows}.xlsx"
    if not csv_path.exists():
        import csv

        with open(csv_path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(_row(n, "BI-C") for n in range(rows))
    if not xlsx_path.exists():
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Appareils")
        sheet.append(HEADER)
        for n in range(rows):
            sheet.append(_row(n, "BI-X"))
        book.save(xlsx_path)
    return csv_path, xlsx_path


def _forget_imported():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_event WHERE device_id IN "
                       "(SELECT id FROM inventory_device WHERE asset_tag LIKE 'BI-%%')")
        cursor.execute("DELETE FROM inventory_device WHERE asset_tag LIKE 'BI-%%'")


def _references():
    from inventory.models import Category, Department, DeviceModel, Site

    for slug in ("laptop", "desktop"):
        Category.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})
    for maker, name, slug in MODELS:
        DeviceModel.objects.get_or_create(manufacturer=maker, name=name,
                                          defaults={"category": Category.objects.get(slug=slug)})
    for n in range(10):
        Department.objects.get_or_create(code=f"S{n}", defaults={"name": f"Service {n}"})
    for n in range(20):
        commune, _ = Site.objects.get_or_create(name=f"Commune {n}", parent=None, defaults={"kind": "commune"})
        for b in range(3):
            Site.objects.get_or_create(name=f"Bâtiment {b}", parent=commune, defaults={"kind": "building"})


def one(case):
    """Run one case in this process and print its figures as JSON."""
    from bench.common import setup_django

    setup_django()
    from inventory.imports import services

    csv_path, xlsx_path = make_files()
    _references()
    path = csv_path if case.startswith("csv") else xlsx_path
    result = {}
    if case.endswith("dry") or case.endswith("real"):
        if case.endswith("real"):
            _forget_imported()
        mode = services.DRY_RUN if case.endswith("dry") else services.ATOMIC
        started, cpu = time.perf_counter(), time.process_time()
        report = services.import_devices(path, profile="template", mode=mode)
        result = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": report.rows,
                  "created": report.created, "rejected": report.rejected}
    elif case.endswith("again"):
        started, cpu = time.perf_counter(), time.process_time()
        report = services.import_devices(path, profile="template", mode=services.ATOMIC)
        result = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": report.rows,
                  "unchanged": report.unchanged, "rejected": report.rejected}
    elif case == "orm":
        result = _orm_sample()
    elif case.startswith("iie"):
        result = _iie_sample(bulk=case == "iie-bulk")
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _sample_rows(prefix):
    import datetime as dt
    from decimal import Decimal

    from inventory.models import Department, DeviceModel, Site

    models = {(m.manufacturer, m.name): m for m in DeviceModel.objects.all()}
    sites = {s.full_name: s for s in Site.objects.all()}
    departments = {d.name: d for d in Department.objects.all()}
    for n in range(SAMPLE):
        row = dict(zip(HEADER, _row(n, prefix), strict=True))
        yield {
            "asset_tag": row["numero_inventaire"], "serial_number": row["numero_serie"],
            "model": models[(row["fabricant"], row["modele"])], "site": sites[row["site"]],
            "department": departments[row["service"]],
            "purchase_date": dt.datetime.strptime(row["date_achat"], "%d/%m/%Y").date(),
            "purchase_price": Decimal(row["prix_ht"].replace(",", ".")), "supplier": row["fournisseur"],
            "order_reference": row["reference_commande"],
            "warranty_end": dt.datetime.strptime(row["fin_garantie"], "%d/%m/%Y").date(), "notes": row["notes"],
        }


def _orm_sample():
    from inventory import services

    _forget_imported()
    rows = list(_sample_rows("BI-O"))
    started, cpu = time.perf_counter(), time.process_time()
    for fields in rows:
        services.register_device(**fields)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds * ROWS / SAMPLE, "cpu": cpu * ROWS / SAMPLE, "rows": SAMPLE, "extrapolated": True}


def _iie_sample(bulk):
    path = os.environ.get("IIE_PATH", "/tmp/i12-iie")
    if path and Path(path).exists():
        sys.path.append(path)
    try:
        import tablib
        from import_export import fields, resources, widgets
    except ImportError:
        return {"skipped": "django-import-export not importable"}
    from inventory.models import Department, Device, DeviceModel, Site

    class DeviceResource(resources.ModelResource):
        model = fields.Field(attribute="model", column_name="modele",
                             widget=widgets.ForeignKeyWidget(DeviceModel, "name"))
        site = fields.Field(attribute="site", column_name="site", widget=widgets.ForeignKeyWidget(Site, "full_name"))
        department = fields.Field(attribute="department", column_name="service",
                                  widget=widgets.ForeignKeyWidget(Department, "name"))
        asset_tag = fields.Field(attribute="asset_tag", column_name="numero_inventaire")
        serial_number = fields.Field(attribute="serial_number", column_name="numero_serie")
        purchase_date = fields.Field(attribute="purchase_date", column_name="date_achat",
                                     widget=widgets.DateWidget("%d/%m/%Y"))
        purchase_price = fields.Field(attribute="purchase_price", column_name="prix_ht")

        class Meta:
            model = Device
            import_id_fields = ("asset_tag",)
            fields = ("asset_tag", "serial_number", "model", "site", "department", "purchase_date", "purchase_price")
            use_bulk = bulk
            batch_size = 2000

        def before_save_instance(self, instance, row, **kwargs):
            instance.manufacturer = instance.model.manufacturer

    _forget_imported()
    data = tablib.Dataset(headers=HEADER)
    for n in range(SAMPLE):
        row = _row(n, "BI-I")
        row[11] = row[11].replace(",", ".")
        data.append(row)
    started, cpu = time.perf_counter(), time.process_time()
    result = DeviceResource().import_data(data, dry_run=False, raise_errors=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds * ROWS / SAMPLE, "cpu": cpu * ROWS / SAMPLE, "rows": SAMPLE, "extrapolated": True,
            "errors": len(result.row_errors())}


CASES = [
    ("csv dry", "csv-dry"), ("csv real (atomic)", "csv-real"), ("csv re-import", "csv-again"),
    ("xlsx dry", "xlsx-dry"), ("xlsx real (atomic)", "xlsx-real"), ("xlsx re-import", "xlsx-again"),
    ("ORM one by one (register_device)", "orm"),
    ("django-import-export, row by row", "iie-rows"), ("django-import-export, use_bulk", "iie-bulk"),
]


def main():
    from bench.common import print_report

    make_files()
    table = []
    for label, case in CASES:
        done = subprocess.run([sys.executable, __file__, "--one", case], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "LOG_LEVEL": "ERROR"})
        if done.returncode:
            table.append({"case": label, "seconds": None, "CPU s (Python)": None, "peak MB": None,
                          "note": done.stderr.strip()[-200:]})
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        note = figures.get("skipped") or (f"from {figures['rows']:,} rows, ×{ROWS // figures['rows']}"
                                          if figures.get("extrapolated") else f"{figures.get('rows', 0):,} rows")
        table.append({"case": label, "seconds": figures.get("seconds"), "CPU s (Python)": figures.get("cpu"),
                      "peak MB": figures.get("peak_mb"), "note": note})
    print_report(f"import of {ROWS:,} rows (peak MB: whole process; CPU s: the Python process only, "
                 f"the rest of the wall time is the database and waiting for a core)", table)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(sys.argv[2])
    else:
        from bench.common import setup_django

        print(f"benchmark database: {setup_django()}")
        main()
