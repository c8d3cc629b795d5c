import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports import agec
from reports.models import DonationFlatValue
from reports.sources import Owner
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory

SCHEMA = Path(agec.__file__).resolve().parent / "schemas" / "agec_declaration.json"
OWNER = Owner(name="Grenoble-Alpes Métropole", siret="20004697700019", address="3 rue Malakoff, Grenoble")


@pytest.fixture
def purchases_2025(db):
    laptops = DeviceModelFactory(category=CategoryFactory(slug="laptop"))
    printers = DeviceModelFactory(category=CategoryFactory(slug="printer", name="Imprimante"))
    d = dt.date(2025, 3, 1)
    DeviceFactory(model=laptops, purchase_date=d, purchase_price=Decimal("1000"))
    DeviceFactory(model=laptops, purchase_date=d, purchase_price=Decimal("500"), acquired_as="refurbished")
    DeviceFactory(model=laptops, purchase_date=d, purchase_price=Decimal("0"), acquired_as="donated_in")
    DeviceFactory(model=printers, purchase_date=d, purchase_price=Decimal("300.5"))
    DeviceFactory(model=printers, purchase_date=dt.date(2024, 12, 31), purchase_price=Decimal("999"))
    DonationFlatValue.objects.create(category=laptops.category, value_eur=Decimal("250"))
    return laptops


def test_purchases_by_product_type(purchases_2025):
    by_type = agec.purchases(2025)
    it = by_type["Matériel informatique et téléphonie"]
    assert (it["total"], it["reuse"], it["donated"], it["devices"]) == (
        Decimal("1750"),
        Decimal("500"),
        Decimal("250"),
        3,
    )
    assert it["reuse_share"] == Decimal("750") / Decimal("1750")
    assert by_type["Matériel de reprographie et d'impression"]["total"] == Decimal("300.5")


def test_the_declaration_validates_against_the_schema_file(purchases_2025, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    path = tmp_path / "declaration.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        agec.write_declaration(handle, 2025, owner=OWNER)
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    report = frictionless.validate(frictionless.Resource(path=path.name, basepath=str(tmp_path), schema=schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(agec.FIELDS)
    assert lines[1].startswith(
        "2025,20004697700019,Grenoble-Alpes Métropole,Matériel de reprographie et d'impression,300.50,"
    )
    assert lines[2].startswith(
        "2025,20004697700019,Grenoble-Alpes Métropole,Matériel informatique et téléphonie,1750.00,500.00,250.00,0.00,"
    )


def test_the_schema_file_has_the_national_fields_and_17_product_types():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert [field["name"] for field in schema["fields"]] == agec.FIELDS
    enum = next(f for f in schema["fields"] if f["name"] == "type_produit_acquis")["constraints"]["enum"]
    assert len(enum) == 17 and agec.IT in enum and agec.PRINTING in enum


def test_printers_map_to_reprography():
    assert agec.product_type("printer") == "Matériel de reprographie et d'impression"
    assert agec.product_type("laptop") == "Matériel informatique et téléphonie"


def test_a_missing_siret_is_refused_with_a_clear_message(purchases_2025, settings, client, procurement):
    with pytest.raises(agec.MissingSiret, match="SIRET"):
        agec.write_declaration(io.StringIO(), 2025, owner=Owner(name="X", siret="", address=""))
    settings.PROLONGE = {**settings.PROLONGE, "OWNER_SIRET": ""}
    settings.PROLONGE_OWNER_SIRET = ""
    with pytest.raises(CommandError, match="PROLONGE_OWNER_SIRET"):
        call_command("agec_declaration", year=2025, output="-")
    client.force_login(procurement)
    response = client.get(reverse("reports:agec-declaration", args=[2025]))
    assert response.status_code == 409 and "SIRET" in response.content.decode()


def test_download_with_a_siret(purchases_2025, settings, client, procurement):
    settings.PROLONGE_OWNER_SIRET = "20004697700019"
    client.force_login(procurement)
    response = client.get(reverse("reports:agec-declaration", args=[2025]))
    assert response.status_code == 200
    assert response.content.decode().count("\n") == 3


def test_a_negative_flat_value_is_refused_by_the_database(purchases_2025):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        DonationFlatValue.objects.filter(category=purchases_2025.category).update(value_eur=Decimal("-1"))
