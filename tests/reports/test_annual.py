import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from inventory import journal
from inventory.models import Device, Event, Repair
from reports import annual, pdf, sources

from .fleet import at, device, history, laptop_model

D = dt.date


@pytest.fixture
def year_2025(db):
    """A small fleet whose 2025 is known: 3 devices in use, 1 recycled, 1 retired waiting, 2 purchases."""
    model = laptop_model()
    device(D(2020, 1, 1), (D(2025, 3, 1), "retired"), (D(2025, 6, 1), "recycled"), model=model)
    waiting = device(D(2019, 1, 1), (D(2025, 9, 1), "retired"), model=model)
    keeps = device(D(2021, 1, 1), model=model)
    device(D(2025, 2, 1), model=model, purchase_price=Decimal("800"))
    device(D(2025, 5, 1), model=model, purchase_price=Decimal("600"), acquired_as="refurbished")
    Repair.objects.create(
        device=keeps,
        opened_at=at(D(2025, 4, 1)),
        closed_at=at(D(2025, 4, 3)),
        outcome="fixed",
        symptom="Clavier",
        cost=Decimal("50"),
    )
    return {"model": model, "waiting": waiting, "keeps": keeps}


def build(year=2025):
    return annual.build(year=year, owner=sources.current_owner())


def test_the_report_holds_the_known_figures(year_2025):
    report = build()
    assert report["fleet"]["in_use"] == 3
    assert report["fleet"]["awaiting_exit"] == 1
    assert report["fleet"]["by_status"]["recycled"] == 1
    assert (report["purchases"]["devices"], report["purchases"]["ht"]) == (2, Decimal("1400"))
    assert report["purchases"]["ttc"] == Decimal("1680")
    assert report["purchases"]["agec_reuse_share"] == Decimal("600") / Decimal("1400")
    assert report["exits"]["by_route"] == {"donated": 0, "recycled": 1, "lost": 0}
    assert report["lifespans"]["exited"] == 2  # the recycled one and the one retired in September
    assert report["repairs"]["closed"] == 1 and report["repairs"]["outcomes"]["fixed"] == 1
    assert [t["year"] for t in report["trend"]] == [2023, 2024, 2025]


def test_a_closed_year_is_unchanged_by_next_years_changes(year_2025):
    before = build()
    # 2026: the waiting device is recycled, the kept one retired, a repair closed, a purchase made.
    history(year_2025["waiting"], (D(2026, 2, 1), "recycled"))
    history(year_2025["keeps"], (D(2026, 3, 1), "retired"))
    Repair.objects.create(
        device=year_2025["keeps"],
        opened_at=at(D(2025, 12, 20)),
        closed_at=at(D(2026, 1, 5)),
        outcome="end_of_life",
        barrier="too_old",
        symptom="HS",
    )
    device(D(2026, 1, 10), model=year_2025["model"], purchase_price=Decimal("999"))
    journal.record(year_2025["keeps"], Event.Kind.REDEPLOYED, at=at(D(2026, 4, 1)))
    after = build()
    assert annual.rows(after) == annual.rows(before)
    assert after == before


def test_status_as_of_reads_the_journal(year_2025):
    waiting = year_2025["waiting"]
    then = annual.status_as_of(D(2025, 6, 30)).get(pk=waiting.pk).status_then
    assert then == "in_service"
    assert annual.status_as_of(D(2025, 12, 31)).get(pk=waiting.pk).status_then == "retired"


def test_a_device_registered_after_the_year_is_not_in_its_fleet(year_2025):
    later = device(D(2026, 2, 1), model=year_2025["model"])
    Device.objects.filter(pk=later.pk).update(created_at=at(D(2026, 2, 1)), status_changed_at=at(D(2026, 2, 1)))
    assert build()["fleet"]["in_use"] == 3


def _pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_holds_the_same_figures_as_the_html(client, procurement, year_2025):
    client.force_login(procurement)
    html = client.get(reverse("reports:annual", args=[2025])).content.decode()
    response = client.get(reverse("reports:annual-pdf", args=[2025]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    for _section, label, value, _unit in annual.rows(build()):
        assert f'<td class="num">{value}</td>' in html
        assert value in text, (label, value)


def test_annual_report_command_writes_every_format(year_2025, tmp_path):
    for fmt in ("html", "json", "csv", "pdf"):
        call_command("annual_report", year=2025, format=fmt, output=str(tmp_path / f"r.{fmt}"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["fleet"]["in_use"] == 3
    assert "2025" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("section,indicateur,valeur,unite")
    assert len(PdfReader(str(tmp_path / "r.pdf")).pages) >= 1


def test_pdf_module_builds_without_a_request(year_2025):
    assert pdf.annual_report(build()).startswith(b"%PDF")
