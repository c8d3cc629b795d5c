import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from inventory.models import Repair
from reports import ords, repairs

from .fleet import at, device, laptop_model

D = dt.date
AS_OF = D(2021, 12, 31)


def repair(dev, opened, closed=None, outcome="", barrier="", cost=None, symptom="Écran noir", action=""):
    return Repair.objects.create(
        device=dev,
        opened_at=at(opened),
        closed_at=at(closed) if closed else None,
        outcome=outcome,
        barrier=barrier,
        cost=cost,
        symptom=symptom,
        action=action,
    )


@pytest.fixture
def workshop(db):
    model = laptop_model(manufacturer="Lenovo", name="T14", reference_price=Decimal("1000"))
    a = device(D(2020, 1, 1), model=model, supplier="UGAP")
    b = device(D(2020, 1, 1), model=model, supplier="UGAP")
    repair(a, D(2020, 3, 1), D(2020, 3, 5), "fixed", cost=Decimal("100"), action="Nappe changée")
    repair(a, D(2021, 3, 1), D(2021, 3, 11), "end_of_life", "spare_parts_unavailable", cost=Decimal("0"))
    repair(b, D(2021, 6, 1), D(2021, 6, 2), "fixed", cost=Decimal("200"))
    repair(b, D(2022, 6, 1))  # after the cut-off day: not counted in the rate
    return model


def test_repair_rate_per_100_device_years(workshop):
    # 2 devices × 730 days = 1,460 days = 3.997 device-years; 3 repairs → 75.05 per 100.
    (row,) = repairs.repair_rates("model", as_of=AS_OF, minimum=2)
    assert (row["label"], row["devices"], row["repairs"]) == ("Lenovo T14", 2, 3)
    assert row["rate"] == pytest.approx(75.05, abs=0.01)
    (by_supplier,) = repairs.repair_rates("supplier", as_of=AS_OF, minimum=2)
    assert by_supplier["label"] == "UGAP" and by_supplier["rate"] == pytest.approx(75.05, abs=0.01)


def test_outcome_shares_and_barriers(workshop):
    shares = repairs.outcome_shares()
    assert shares["total"] == 3
    assert [(r["outcome"], r["repairs"]) for r in shares["rows"]] == [
        ("fixed", 2),
        ("repairable", 0),
        ("end_of_life", 1),
    ]
    assert shares["rows"][0]["share"] == pytest.approx(2 / 3)
    barriers = {r["barrier"]: r["repairs"] for r in repairs.barrier_distribution()["rows"]}
    assert barriers["spare_parts_unavailable"] == 1 and barriers["lack_of_equipment"] == 0


def test_cost_against_replacement_price_and_time_to_repair(workshop):
    figures = repairs.cost_and_time(year=2021)
    assert figures["costed_repairs"] == 2
    assert (figures["cost_eur"], figures["replacement_eur"]) == (Decimal("200"), Decimal("2000"))
    assert figures["cost_share"] == Decimal("0.1")
    assert (figures["closed_repairs"], figures["mean_days"], figures["median_days"]) == (2, 5.5, 1)


def test_ords_export_has_the_v03_columns_and_codes(workshop):
    handle = io.StringIO()
    assert ords.write_csv(handle) == 4
    table = list(csv.DictReader(io.StringIO(handle.getvalue())))
    assert list(table[0]) == ords.COLUMNS
    first, eol, _, still_open = table
    assert (first["product_category"], first["product_category_id"], first["brand"]) == ("Laptop", "16", "Lenovo")
    assert (first["repair_status"], first["event_date"], first["year_of_manufacture"]) == (
        "Fixed",
        "2020-03-05",
        "2020",
    )
    assert first["problem"] == "Écran noir — Nappe changée"
    assert first["product_age"] == "0.2" and first["country"] == "FRA"
    assert (eol["repair_status"], eol["repair_barrier_if_end_of_life"]) == ("End of life", "Spare parts not available")
    assert first["repair_barrier_if_end_of_life"] == ""
    assert still_open["repair_status"] == "Unknown"
    assert all(row["id"].startswith("prolonge-") for row in table)


def test_every_barrier_has_its_ords_text():
    assert set(ords.BARRIERS) == {value for value, _ in Repair.Barrier.choices if value}
    assert len(ords.BARRIERS) == 6
