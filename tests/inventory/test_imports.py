"""The import pipeline (inventory/imports): every nasty case of tests/data/import, the 1-in-1,000
bad row, idempotence, the export → import round trip, the command."""

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from inventory.imports import cells, readers, services
from inventory.models import Category, Department, Device, DeviceModel, Event, Site, Status
from tests.factories import CategoryFactory, DepartmentFactory, DeviceFactory, DeviceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def run(name, profile="template", mode=services.VALID_ONLY, **kwargs):
    return services.import_devices(DATA / name if isinstance(name, str) else name, profile=profile, mode=mode,
                                   **kwargs)


def errors_by_row(report):
    return {row: (column, message) for row, column, message in report.errors}


@pytest.fixture
def laptops(db):
    laptop = CategoryFactory(slug="laptop", name="Ordinateur portable")
    CategoryFactory(slug="desktop", name="Ordinateur fixe")
    DeviceModelFactory(manufacturer="Dell", name="Latitude 5420", category=laptop)
    SiteFactory(name="Grenoble")
    DepartmentFactory(code="DSI", name="Direction des systèmes d'information")
    return laptop


# --- the nasty spreadsheet ---------------------------------------------------------------------


def test_a_bom_and_semicolons_are_detected_and_said():
    report = run("template_nasty.csv", mode=services.DRY_RUN, create_missing=True)
    assert report.detected == "CSV, encodage utf-8-sig, séparateur\u00a0: point-virgule"
    assert report.ignored_columns == []


def test_windows_1252_is_detected_and_accents_survive():
    report = run("template_windows1252.csv", create_missing=True)
    assert report.detected == "CSV, encodage windows-1252, séparateur\u00a0: point-virgule"
    device = Device.objects.get(asset_tag="GAM-000101")
    assert device.notes == "Prêté à l'école élémentaire Jean-Jaurès – bâtiment B"
    assert device.site.name == "Échirolles" and device.department.name == "Éducation"


def test_each_nasty_row_gets_its_exact_french_error(laptops):
    report = run("template_nasty.csv", create_missing=True)
    assert errors_by_row(report) == {
        5: ("date_achat", "Date « 31/02/2020 » invalide\u00a0: ce jour n'existe pas."),
        6: ("numero_serie", "Le numéro de série « 1.23E+11 » a été abrégé par un tableur "
                            "(notation scientifique)\u00a0: ses chiffres sont perdus\u202f; mettez la colonne "
                            "au format texte et exportez à nouveau."),
        7: ("numero_inventaire", "Le numéro d'inventaire GAM-000001 figure deux fois dans le fichier "
                                 "(d'abord ligne 2)."),
        10: ("statut", "Le statut « Au grenier » n'est pas dans la table des statuts du profil "
                       "Modèle de tableur Prolonge\u00a0: ajoutez-le à la table."),
    }
    assert (report.rows, report.created, report.rejected) == (8, 4, 4)


def test_row_numbers_count_empty_lines_and_quoted_newlines_like_a_spreadsheet(laptops):
    report = run("template_nasty.csv", mode=services.DRY_RUN, create_missing=True)
    assert [row for row, _action, _tag in report.actions] == [2, 4, 5, 6, 7, 8, 9, 10]


def test_nasty_values_are_normalised(laptops):
    run("template_nasty.csv", create_missing=True)
    first = Device.objects.get(asset_tag="GAM-000001")
    assert first.purchase_price == Decimal("1234.56")  # "1 234,56"
    assert first.vat_rate == Decimal("0.200")  # "20"
    assert first.status == Status.IN_SERVICE
    assert first.accounting_number == "IMMO-0001"
    # Trailing spaces, "EN STOCK", "20 %", "Reconditionné", a quoted newline.
    second = Device.objects.get(asset_tag="GAM-000002")
    assert (second.serial_number, second.manufacturer, second.status) == ("SN-A2", "Dell", Status.IN_STOCK)
    assert second.vat_rate == Decimal("0.200") and second.acquired_as == "refurbished"
    assert second.notes == "Écran rayé\r\nclavier QWERTY"
    # "en Service" on row 6 was mixed case too, but that row is rejected for its serial.
    leased = Device.objects.get(asset_tag="GAM-000006")
    assert (leased.ownership, leased.lessor, leased.contract_end) == ("leased", "Grenke", dt.date(2018, 1, 10))
    assert leased.site.full_name == "Grenoble › Hôtel de ville › Bureau 12" and leased.site.kind == "room"
    assert leased.notes == '=HYPERLINK("x")'  # stored as typed; neutralised only in exports


def test_an_imported_retired_device_keeps_its_historical_status_date(laptops):
    run("template_nasty.csv", create_missing=True)
    retired = Device.objects.get(asset_tag="GAM-000006")
    paris = timezone.get_default_timezone()
    assert retired.status == Status.RETIRED
    assert retired.status_changed_at == dt.datetime(2019, 6, 20, tzinfo=paris)
    assert (retired.use_date, retired.purchase_date) == (dt.date(2014, 2, 1), dt.date(2014, 1, 10))
    (event,) = Event.objects.filter(device=retired)
    assert event.kind == Event.Kind.IMPORTED and event.to_status == Status.RETIRED
    assert event.at == retired.status_changed_at
    assert event.note == "Importé depuis tableur (template_nasty.csv)"


def test_an_in_service_device_without_status_date_entered_service_on_its_use_date(laptops):
    run("template_nasty.csv", create_missing=True)
    device = Device.objects.get(asset_tag="GAM-000002")  # in stock, purchased 01/03/2021
    assert timezone.localtime(device.status_changed_at).date() == dt.date(2021, 3, 1)


# --- other tools -------------------------------------------------------------------------------


def test_a_glpi_export_with_french_headers(laptops):
    report = run("glpi_computers.csv", profile="glpi", create_missing=True)
    assert report.ignored_columns == ["Nom", "Entité", "Durée d'amortissement"]
    assert errors_by_row(report) == {4: ("Statut", "Le statut « En réparation » (En réparation) ne s'obtient que par "
                                                   "son circuit (réparation, offre, demande)\u00a0: "
                                                   "faites-le correspondre à un autre statut.")}
    device = Device.objects.get(asset_tag="GAM-000201")
    assert device.model.category == laptops  # GLPI type "Portable" → laptop
    assert (device.serial_number, device.manufacturer, device.assignee) == ("7XK2F33", "Dell Inc.", "m.durand")
    assert device.warranty_end == dt.date(2024, 5, 10)  # bought 2021-05-10 + 36 months
    assert (device.accounting_number, device.order_reference) == ("2021-IMM-88", "BC-2021-334")
    assert device.last_seen == dt.datetime(2024, 11, 3, 9, 14, 2, tzinfo=timezone.get_default_timezone())
    assert device.site.full_name == "Grenoble › Hôtel de ville › Bureau 12"
    assert Device.objects.get(asset_tag="GAM-000202").status == Status.RECYCLED  # "Rebut"


def test_a_snipeit_export_with_custom_fields(laptops):
    report = run("snipeit_assets.csv", profile="snipeit", create_missing=True)
    assert report.detected == "CSV, encodage utf-8, séparateur\u00a0: virgule"
    assert report.ignored_columns == ["Model No.", "RAM", "MAC Address"]
    first, second = Device.objects.filter(asset_tag__in=["GAM-000301", "GAM-000302"]).order_by("asset_tag")
    assert (first.status, second.status) == (Status.IN_STOCK, Status.IN_SERVICE)  # "deployed" in lower case
    assert first.model.category == laptops  # "Laptops"
    assert first.notes == 'Keyboard fr, "AZERTY"'
    assert first.warranty_end == dt.date(2023, 2, 14)
    assert first.department.name == "Ville d'Échirolles"


def test_an_xlsx_with_numeric_serials_and_real_dates(laptops, tmp_path):
    path = tmp_path / "parc.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["numero_inventaire", "numero_serie", "fabricant", "modele", "date_achat", "prix_ht", "statut"])
    sheet.append(["GAM-000401", 123456789012, "Dell", "Latitude 5420", dt.datetime(2020, 5, 4), 799.9, "En service"])
    sheet.append(["GAM-000402", 1.5, "Dell", "Latitude 5420", "31/02/2020", "abc", "En stock"])
    book.save(path)
    report = run(path)
    assert report.detected == "XLSX"
    device = Device.objects.get(asset_tag="GAM-000401")
    assert (device.serial_number, device.purchase_date, device.purchase_price) == (
        "123456789012", dt.date(2020, 5, 4), Decimal("799.90"))
    assert sorted(report.errors) == [
        [3, "date_achat", "Date « 31/02/2020 » invalide\u00a0: ce jour n'existe pas."],
        [3, "numero_serie", "Le numéro de série « 1.5 » a été transformé en nombre par un tableur."],
        [3, "prix_ht", "Ce n'est pas un nombre\u00a0: « abc »."],
    ]


def test_unknown_references_are_errors_unless_create_missing(laptops):
    report = run("glpi_computers.csv", profile="glpi", mode=services.DRY_RUN)
    messages = {message for _row, _column, message in report.errors}
    assert ("Modèle inconnu\u00a0: « Dell Inc. Latitude 7420 »\u202f; créez-le d'abord ou cochez "
            "« créer ce qui manque ».") in messages
    assert "Service inconnu\u00a0: « Finances »." in messages
    assert Device.objects.count() == 0


def test_a_serial_already_used_by_another_device_is_refused(laptops):
    DeviceFactory(asset_tag="GAM-999999", serial_number="SN-A1", model=DeviceModel.objects.get(name="Latitude 5420"))
    report = run("template_nasty.csv", mode=services.DRY_RUN, create_missing=True)
    assert errors_by_row(report)[2] == (
        "numero_serie", "Le numéro de série SN-A1 est déjà celui de l'appareil GAM-999999.")


@pytest.mark.parametrize(("raw", "expected"), [
    ("1 234,56 €", Decimal("1234.56")), ("1.234,56", Decimal("1234.56")), ("1,234.56", Decimal("1234.56")),
    ("899.9", Decimal("899.90")), (799.9, Decimal("799.90")),
])
def test_amounts_as_spreadsheets_write_them(raw, expected):
    assert cells.decimal(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("20", Decimal("0.200")), ("20 %", Decimal("0.200")), ("0,2", Decimal("0.200")), ("5,5", Decimal("0.055")),
])
def test_vat_rates(raw, expected):
    assert cells.vat_rate(raw) == expected


def test_an_asset_tag_with_a_slash_is_refused():
    with pytest.raises(cells.CellError) as error:
        cells.asset_tag("GAM/12")
    assert error.value.message == ("Numéro d'inventaire « GAM/12 » invalide\u00a0: lettres, chiffres, « - », « _ » et "
                                   "« . » seulement.")


# --- 1 bad row among 1,000 --------------------------------------------------------------------


@pytest.fixture
def thousand(laptops, tmp_path):
    path = tmp_path / "mille.csv"
    lines = ["numero_inventaire;numero_serie;fabricant;modele;statut;date_achat;prix_ht"]
    for n in range(1000):
        day = "31/02/2021" if n == 500 else "15/03/2021"
        lines.append(f"GAM-{n:06d};SN-{n:06d};Dell;Latitude 5420;En service;{day};799,90")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_the_atomic_run_writes_nothing_when_one_row_of_1000_is_bad(thousand):
    report = run(thousand, mode=services.ATOMIC)
    assert (report.rejected, report.written) == (1, False)
    assert Device.objects.count() == 0 and Event.objects.count() == 0


def test_the_valid_only_run_writes_999_and_hands_back_the_bad_one(thousand, tmp_path):
    rejected = tmp_path / "rejets.csv"
    report = run(thousand, mode=services.VALID_ONLY, rejected_path=rejected)
    assert (report.created, report.rejected, report.written) == (999, 1, True)
    assert Device.objects.count() == 999
    assert Event.objects.filter(kind=Event.Kind.IMPORTED).count() == 999
    rows = list(csv.reader(io.StringIO(rejected.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["erreurs", "ligne", "numero_inventaire"]
    assert rows[1][:3] == ["date_achat\u00a0: Date « 31/02/2021 » invalide\u00a0: ce jour n'existe pas.", "502",
                           "GAM-000500"]
    assert len(rows) == 2


def test_re_importing_the_same_file_writes_nothing_new(thousand, django_assert_max_num_queries):
    run(thousand, mode=services.VALID_ONLY)
    devices, events = Device.objects.count(), Event.objects.count()
    with django_assert_max_num_queries(15):
        report = run(thousand, mode=services.VALID_ONLY)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 999)
    assert (Device.objects.count(), Event.objects.count()) == (devices, events)


def test_an_import_costs_a_few_queries_per_batch_not_per_row(thousand, django_assert_max_num_queries):
    # Row by row would be ≥ 2,000 statements (device + journal line); SQLite splits bulk inserts
    # at 999 parameters, hence a few dozen here, a handful on PostgreSQL.
    with django_assert_max_num_queries(60):
        run(thousand, mode=services.VALID_ONLY)
    assert Device.objects.count() == 999


def test_a_changed_row_updates_the_device_and_journals_the_change(thousand, tmp_path):
    run(thousand, mode=services.VALID_ONLY)
    changed = tmp_path / "change.csv"
    changed.write_text("numero_inventaire;prix_ht;notes\nGAM-000007;650,00;écran changé\n", encoding="utf-8")
    report = run(changed)
    assert (report.updated, report.unchanged) == (1, 0)
    device = Device.objects.get(asset_tag="GAM-000007")
    assert (device.purchase_price, device.notes, device.serial_number) == (Decimal("650.00"), "écran changé",
                                                                            "SN-000007")
    edit = Event.objects.get(device=device, kind=Event.Kind.EDITED)
    assert edit.data["changes"]["purchase_price"] == ["799.90", "650.00"]


def test_a_row_matched_by_manufacturer_and_serial_updates_that_device(thousand, tmp_path):
    run(thousand, mode=services.VALID_ONLY)
    by_serial = tmp_path / "serial.csv"
    by_serial.write_text("numero_serie;fabricant;modele;fournisseur\nSN-000009;Dell;Latitude 5420;UGAP\n",
                         encoding="utf-8")
    report = run(by_serial)
    assert report.updated == 1 and Device.objects.get(asset_tag="GAM-000009").supplier == "UGAP"


# --- round trip ----------------------------------------------------------------------------------


COMPARED = [f.name for f in Device._meta.concrete_fields if f.name not in (
    "id", "asset_tag", "serial_number", "created_at", "updated_at")]


@pytest.fixture
def every_field(db):
    room = Site.objects.create(name="Bureau 3", kind="room", parent=Site.objects.create(
        name="Mairie", kind="building", parent=Site.objects.create(name="Échirolles", kind="commune")))
    model = DeviceModelFactory(manufacturer="HP", name="EliteBook 840", category=CategoryFactory(slug="laptop"))
    department = DepartmentFactory(code="EDU", name="Éducation")
    paris = timezone.get_default_timezone()
    full = DeviceFactory(
        asset_tag="GAM-000001", serial_number="5CG-1", model=model, site=room, department=department,
        assignee="Accueil ; 2e étage", purchase_date=dt.date(2019, 2, 28), use_date=dt.date(2019, 3, 4),
        accounting_number="IMM-19-4", ownership="leased", lessor="Grenke", contract_end=dt.date(2023, 3, 1),
        vat_rate=Decimal("0.055"), purchase_price=Decimal("1234.56"), supplier="UGAP", order_reference="BC-1",
        acquired_as="refurbished", warranty_end=dt.date(2022, 2, 28), planned_renewal_year=2027,
        replacement_price=Decimal("999.99"), last_seen=dt.datetime(2024, 5, 6, 7, 8, tzinfo=paris),
        notes='=SUM(A1)\nligne 2 ; "guillemets"',
    )
    Device.objects.filter(pk=full.pk).update(status=Status.RETIRED,
                                             status_changed_at=dt.datetime(2023, 9, 1, 10, 30, tzinfo=paris))
    DeviceFactory(asset_tag="GAM-000002", serial_number="", model=model, site=None, department=None,
                  purchase_date=None)
    return Device.objects.order_by("asset_tag")


def _renamed(text):
    return text.replace("GAM-", "NEW-").replace("5CG-1", "5CG-1-NEW")


@pytest.mark.parametrize("dialect", ["machine", "spreadsheet", "xlsx"])
def test_export_then_import_round_trips_every_field(every_field, client, technician, tmp_path, dialect):
    client.force_login(technician)
    url, params = ("/devices/export.xlsx", {}) if dialect == "xlsx" else ("/devices/export.csv", {"dialect": dialect})
    content = b"".join(client.get(url, params).streaming_content)
    if dialect == "xlsx":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        book = Workbook()
        for row in rows:
            book.active.append([_renamed(c) if isinstance(c, str) else c for c in row])
        path = tmp_path / "export.xlsx"
        book.save(path)
    else:
        path = tmp_path / "export.csv"
        path.write_bytes(_renamed(content.decode("utf-8")).encode("utf-8"))
    report = run(path, profile="prolonge")
    assert (report.created, report.rejected) == (2, 0)
    # Only the derived columns (age, book value, footprint) are not read back.
    assert len(report.ignored_columns) == 3
    assert report.ignored_columns[0] in ("age_years", "âge (années)")
    for original in every_field.filter(asset_tag__startswith="GAM-"):
        copy = Device.objects.get(asset_tag=original.asset_tag.replace("GAM-", "NEW-"))
        for name in COMPARED:
            expected, got = getattr(original, name), getattr(copy, name)
            if name in ("status_changed_at", "last_seen") and dialect != "machine" and expected:
                expected = expected.replace(second=0, microsecond=0)  # shown to the minute
            if name == "status_changed_at" and original.status != Status.RETIRED:
                continue  # the factory's "now" is not a historical date
            assert got == expected, name


def test_reimporting_our_own_export_changes_nothing(every_field, client, technician, tmp_path):
    client.force_login(technician)
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(client.get("/devices/export.csv", {"dialect": "machine"}).streaming_content))
    events = Event.objects.count()
    report = run(path, profile="prolonge")
    assert (report.unchanged, report.updated, report.rejected) == (2, 0, 0)
    assert Event.objects.count() == events


# --- command -------------------------------------------------------------------------------------


def test_the_command_exits_non_zero_when_rows_are_rejected(laptops, tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_devices", str(DATA / "glpi_computers.csv"), "--profile", "glpi", "--create-missing",
                     "--valid-only", "--rejected", str(tmp_path / "r.csv"), stdout=out)
    assert error.value.returncode == 1
    assert "3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected — written" in out.getvalue()
    assert (tmp_path / "r.csv").exists()


def test_the_command_dry_run_writes_nothing_and_succeeds_on_a_clean_file(laptops):
    out = io.StringIO()
    call_command("import_devices", str(DATA / "snipeit_assets.csv"), "--profile", "snipeit", "--create-missing",
                 "--dry-run", stdout=out)
    assert "2 rows: 2 created" in out.getvalue() and "nothing written" in out.getvalue()
    assert Device.objects.count() == 0 and not Category.objects.filter(name="Laptops").exists()
    assert Department.objects.filter(name="Ville d'Échirolles").count() == 0


def test_readers_skip_the_trailer_of_our_exports(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("asset_tag,notes\r\nGAM-1,a\r\n#end,1\r\n", encoding="utf-8")
    table = readers.open_table(path)
    assert list(table.rows) == [(2, ["GAM-1", "a"])]
