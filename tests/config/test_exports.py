"""config.exports and the exports that use it: dialects, trailer, formula neutralisation, 400s."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from config import exports
from inventory.models import Device, Status
from tests.factories import DeviceFactory

COLUMNS = [
    exports.Column("tag", "numéro"),
    exports.Column("status", "statut", "choice", {"in_stock": "En stock"}),
    exports.Column("price", "prix", "decimal"),
    exports.Column("day", "jour", "date"),
    exports.Column("at", "quand", "datetime"),
]
ROW = ("=cmd|' /C calc'!A0", "in_stock", Decimal("1234.50"), dt.date(2024, 2, 29),
       dt.datetime(2024, 7, 1, 12, 30, tzinfo=dt.UTC))


def text_of(blocks):
    return "".join(blocks)


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_starts_a_formula_gets_a_leading_quote(value):
    assert exports.neutralise(value) == "'" + value
    assert exports.unneutralise(exports.neutralise(value)) == value


def test_the_spreadsheet_dialect_is_what_french_excel_opens():
    text = text_of(exports.csv_blocks(COLUMNS, [ROW], exports.SPREADSHEET))
    assert text.startswith("\ufeffnuméro;statut;prix;jour;quand\r\n")
    assert "'=cmd|' /C calc'!A0;En stock;1234,50;29/02/2024;01/07/2024 14:30\r\n" in text
    assert text.endswith("#fin;1\r\n")


def test_the_machine_dialect_gives_codes_and_iso_dates():
    text = text_of(exports.csv_blocks(COLUMNS, [ROW], exports.MACHINE))
    assert text.startswith("tag,status,price,day,at\r\n")
    assert "'=cmd|' /C calc'!A0,in_stock,1234.50,2024-02-29,2024-07-01T14:30:00+02:00\r\n" in text
    assert text.endswith("#end,1\r\n")
    assert exports.is_complete(text)


def test_rows_are_written_in_blocks_not_one_chunk_per_row():
    blocks = list(exports.csv_blocks(COLUMNS[:1], ((f"T{n}",) for n in range(2500)), exports.MACHINE,
                                     block_rows=1000))
    assert len(blocks) == 3
    assert exports.is_complete("".join(blocks))


def test_an_interrupted_stream_cannot_pass_for_a_complete_file():
    def rows():
        yield ("T1",)
        yield ("T2",)
        raise ConnectionError("database went away")

    received = []
    with pytest.raises(ConnectionError):
        for block in exports.csv_blocks(COLUMNS[:1], rows(), exports.SPREADSHEET):
            received.append(block)
    text = "".join(received)
    assert text.rstrip().endswith("#interrompu;2")
    assert not exports.is_complete(text)
    # A stream cut by the server (worker timeout) has no trailer at all.
    assert not exports.is_complete(text_of(exports.csv_blocks(COLUMNS[:1], [("T1",)] * 3))[:-10])


def test_a_trailer_announcing_more_rows_than_present_is_not_complete():
    text = text_of(exports.csv_blocks(COLUMNS[:1], [("T1",), ("T2",)], exports.MACHINE))
    assert not exports.is_complete(text.replace("T2\r\n", ""))


# --- the device export ---------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, technician):
    client.force_login(technician)
    return client


def body(response):
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_device_csv_is_in_the_spreadsheet_dialect_by_default(staff_client):
    device = DeviceFactory(asset_tag="GAM-1", purchase_price=Decimal("899.90"), notes="=HYPERLINK(\"x\")")
    Device.objects.filter(pk=device.pk).update(status=Status.IN_SERVICE)
    text = body(staff_client.get("/devices/export.csv")).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert header[:3] == ["numéro d'inventaire", "numéro de série", "fabricant"]
    values = dict(zip(header, row, strict=True))
    assert values["statut"] == "En service"
    assert values["prix d'achat (€ HT)"] == "899,90"
    assert values["date d'achat"] == "01/01/2021"
    assert values["notes"] == "'=HYPERLINK(\"x\")"
    assert rows[-1] == ["#fin", "1"]


@pytest.mark.django_db
def test_an_invalid_filter_exports_nothing_and_answers_400(staff_client):
    DeviceFactory()
    for url in ("/devices/export.csv", "/devices/export.xlsx", "/devices/journal.csv"):
        response = staff_client.get(url, {"status": "melted"})
        assert response.status_code == 400, url
        assert b"status" in response.content
    assert staff_client.get("/devices/export.csv", {"dialect": "excel"}).status_code == 400


@pytest.mark.django_db
def test_the_device_export_reads_tuples_in_a_constant_number_of_queries(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for batch in (3, 30):
        DeviceFactory.create_batch(batch)
        with CaptureQueriesContext(connection) as queries:
            text = body(staff_client.get("/devices/export.csv")).decode()
        counts.append(len(queries))
    assert text.rstrip().endswith("#fin;33")
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_xlsx_export_has_typed_cells_labels_and_no_formula(staff_client):
    DeviceFactory(asset_tag="GAM-7", purchase_price=Decimal("100"), assignee="=2+3")
    response = staff_client.get("/devices/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["numéro d'inventaire"] == "GAM-7"
    assert values["statut"] == "En stock"
    assert values["date d'achat"] == dt.date(2021, 1, 1)
    assert values["prix d'achat (€ HT)"] == 100
    assert values["attributaire"] == "'=2+3"


@pytest.mark.django_db
def test_the_journal_export_lists_the_filtered_devices_events(staff_client):
    from inventory import journal
    from inventory.models import Event

    device = DeviceFactory(asset_tag="GAM-9")
    journal.record(device, Event.Kind.NOTE, note="@admin please", at=timezone.now())
    rows = list(csv.reader(io.StringIO(body(staff_client.get("/devices/journal.csv", {"dialect": "machine"}))
                                       .decode())))
    assert rows[0] == ["at", "asset_tag", "kind", "from_status", "to_status", "actor", "note"]
    assert rows[1][1:3] == ["GAM-9", "note"] and rows[1][6] == "'@admin please"
    assert rows[-1] == ["#end", "1"]


@pytest.mark.django_db
def test_the_flags_csv_follows_the_list_filters_in_french(staff_client):
    from inventory.models import Flag

    kept = DeviceFactory(asset_tag="GAM-F1")
    other = DeviceFactory(asset_tag="GAM-F2")
    Flag.objects.create(device=kept, rule="idle_stock", severity=Flag.Severity.ACTION, message="+ redéployer",
                        savings_eur=Decimal("332.50"), savings_kgco2e=Decimal("48.15"),
                        savings_kind=Flag.SavingsKind.DEFERRED)
    Flag.objects.create(device=other, rule="not_seen", message="Pas vu depuis 400 jours")
    rows = list(csv.reader(io.StringIO(body(staff_client.get("/flags/export.csv", {"device": "F1"}))
                                       .decode().lstrip("\ufeff")), delimiter=";"))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["numéro d'inventaire"] == "GAM-F1"
    assert values["économies (€)"] == "332,50" and values["économies (kg CO2e)"] == "48,15"
    assert values["message"] == "'+ redéployer"
    assert values["gravité"] == str(Flag.Severity.ACTION.label)
    assert rows[-1] == ["#fin", "1"]
    machine = body(staff_client.get("/flags/export.csv", {"dialect": "machine", "rule": "idle_stock"})).decode()
    assert machine.splitlines()[1].split(",")[1] == "GAM-F1" and machine.rstrip().endswith("#end,1")
    assert staff_client.get("/flags/export.csv", {"severity": "apocalypse"}).status_code == 400


@pytest.mark.django_db
def test_the_repairs_csv_follows_the_list_filters_in_french(staff_client, technician):
    from inventory.models import Repair

    device = DeviceFactory(asset_tag="GAM-R1")
    Repair.objects.create(device=device, symptom="Écran noir", fault_category="display",
                          cost=Decimal("85.00"), outcome=Repair.Outcome.FIXED, closed_at=timezone.now(),
                          opened_by=technician)
    Repair.objects.create(device=DeviceFactory(asset_tag="GAM-R2"), symptom="Charnière")
    text = body(staff_client.get("/repairs/export.csv", {"state": "closed"})).decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["numéro d'inventaire"] == "GAM-R1"
    assert values["symptôme"] == "Écran noir"
    assert values["coût (€ HT)"] == "85,00"
    assert values["résultat"] == str(Repair.Outcome.FIXED.label)
    assert rows[-1] == ["#fin", "1"]
    assert staff_client.get("/repairs/export.csv", {"outcome": "melted"}).status_code == 400


EDGE_COLUMNS = [
    exports.Column("text", "texte"),
    exports.Column("choice", "choix", "choice", {"in_stock": "En stock", "odd": "50 % d'« écart »"}),
    exports.Column("price", "prix", "decimal"),
    exports.Column("rate", "taux", "decimal", digits=3),
    exports.Column("day", "jour", "date"),
    exports.Column("at", "quand", "datetime"),
    exports.Column("years", "âge", "float", digits=1),
    exports.Column("year", "année", "int"),
    exports.Column("tenths", "dixièmes", "decimal", digits=1),
]
EDGE_ROWS = [
    ("=1+1", "in_stock", Decimal("1234.50"), Decimal("0.200"), dt.date(2024, 2, 29),
     dt.datetime(2024, 7, 1, 12, 30, tzinfo=dt.UTC), 3.25, 2027, Decimal("0.25")),
    ('a "quoted", two-line\nnote; with ; and ,', "odd", Decimal("0.00"), Decimal("0.055"), dt.date(1000, 1, 2),
     dt.datetime(2024, 1, 15, 23, 59, 59, 120, tzinfo=dt.UTC), -0.04, 0, Decimal("0.35")),
    ("\tx", "unknown-code", None, None, None, dt.datetime(2024, 3, 31, 1, 0, tzinfo=dt.UTC), None, None,
     Decimal("-0.05")),
    ("", "", Decimal("-5.10"), Decimal("1"), dt.date(2030, 12, 31), None, 12.0, -3, Decimal("-0.25")),
    (None, None, Decimal("7"), None, None, dt.datetime(2023, 10, 29, 0, 59, 59, 999999, tzinfo=dt.UTC), 0.05, None,
     Decimal("2.675")),
]


def _values_of(rows):
    """``rows`` as a PostgreSQL ``values_list()``-like query: a VALUES list with typed columns."""
    from django.db.models.expressions import RawSQL

    from inventory.models import Device

    types = ["text", "text", "numeric(12,2)", "numeric(5,3)", "date", "timestamptz", "float8", "int", "numeric"]
    params, tuples = [], []
    for row in rows:
        tuples.append("(" + ", ".join(f"%s::{t}" for t in types) + ")")
        params += list(row)
    names = [f"v{i}" for i in range(len(types))]
    sql = f"SELECT {', '.join(names)} FROM (VALUES {', '.join(tuples)}) AS t ({', '.join(names)})"
    return Device.objects.none(), sql, params, RawSQL


@pytest.mark.django_db
def test_the_database_formats_each_cell_as_python_does(monkeypatch):
    """On PostgreSQL, ``formatted_rows`` formats cells in SQL (``Column.sql``): the file must be
    byte for byte the one the Python formatters write, for formula triggers, quotes and line
    breaks, labels with % and quotes, unknown codes, summer and winter times with and
    without microseconds, -0.0, decimal ties (half to even) and NULLs — in both dialects. (On SQLite the rows are
    formatted in Python: nothing to compare.)"""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("cells are formatted by PostgreSQL only")

    class Values:
        """Just what ``formatted_rows`` reads of a queryset: its database and its SQL."""

        db = "default"

        class query:
            @staticmethod
            def sql_with_params():
                _none, sql, params, _raw = _values_of(EDGE_ROWS)
                return sql, params

    _none, sql, params, _raw = _values_of(EDGE_ROWS)
    with connection.cursor() as cursor:  # the typed values, as the database gives them to Python
        cursor.execute(sql, params)
        typed = cursor.fetchall()
    for dialect in exports.DIALECTS:
        ours = text_of(exports.csv_blocks(EDGE_COLUMNS, exports.formatted_rows(Values, EDGE_COLUMNS, dialect), dialect))
        python = text_of(exports.csv_blocks(EDGE_COLUMNS, typed, dialect))
        assert isinstance(exports.formatted_rows(Values, EDGE_COLUMNS, dialect), exports.Formatted)
        assert ours == python, dialect
