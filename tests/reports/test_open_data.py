import csv
import io

import pytest
from django.urls import reverse

from reports import open_data
from reports.sources import current_owner


def test_indicators_validate_against_their_table_schema(generated_fleet, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    rows = open_data.indicators(year=2025, owner=current_owner())
    path = tmp_path / "indicateurs.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        open_data.write_csv(handle, rows)
    schema = frictionless.Schema.from_descriptor(open_data.schema())
    report = frictionless.validate(frictionless.Resource(path=path.name, basepath=str(tmp_path), schema=schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(rows) == len(open_data.INDICATORS)


def test_open_data_carries_no_personal_data(generated_fleet, client, settings):
    from inventory.models import Device

    settings.PROLONGE = {**settings.PROLONGE, "REPORTS_OPEN_DATA_PUBLIC": True}
    body = client.get(reverse("reports:open-data", args=[2025, "csv"])).content.decode()
    assert list(csv.reader(io.StringIO(body)))[0] == open_data.FIELDS
    for assignee, tag in Device.objects.exclude(assignee="").values_list("assignee", "asset_tag")[:50]:
        assert assignee not in body and tag not in body


def test_open_data_is_public_only_when_enabled(client, db, settings):
    url = reverse("reports:open-data", args=[2025, "json"])
    settings.PROLONGE = {**settings.PROLONGE, "REPORTS_OPEN_DATA_PUBLIC": False}
    assert client.get(url).status_code in (302, 403)
    settings.PROLONGE = {**settings.PROLONGE, "REPORTS_OPEN_DATA_PUBLIC": True}
    response = client.get(url)
    assert response.status_code == 200 and response.json()["data"][0]["annee"] == 2025


def test_api_endpoints_are_in_the_openapi_schema_and_staff_only(client, procurement, association_user, db):
    client.force_login(procurement)
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/api/reports/lifespans/", "/api/reports/repairs/", "/api/reports/indicators/{year}/"):
        assert path in schema
    client.force_login(association_user)
    assert client.get("/api/reports/lifespans/").status_code == 403
    client.force_login(procurement)
    assert client.get("/api/reports/lifespans/?by=model").status_code == 200
    assert client.get("/api/reports/repairs/").status_code == 200
    assert client.get("/api/reports/indicators/2025/").json()[0]["indicateur"] == "parc_en_usage"
