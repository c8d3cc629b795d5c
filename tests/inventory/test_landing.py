"""Each role lands where its day starts; lists fold their filters (issue 13)."""

import pytest
from django.test import Client

from inventory import journal
from inventory.models import Event, Repair
from tests.factories import DeviceFactory, SiteFactory
from tests.reuse.conftest import make_member


def landing(user):
    client = Client()
    client.force_login(user)
    return client, client.get("/")["Location"]


@pytest.mark.django_db
def test_technician_lands_on_the_phone_page_with_repairs_and_recent_devices(technician):
    repaired, touched = DeviceFactory(), DeviceFactory()
    Repair.objects.create(device=repaired, symptom="ne démarre pas", opened_by=technician)
    journal.record(touched, Event.Kind.NOTE, actor=technician, note="vu")
    client, location = landing(technician)
    assert location == "/today/"
    html = client.get(location).content.decode()
    assert "Mes réparations en cours" in html and repaired.asset_tag in html
    assert "Appareils manipulés récemment" in html and touched.asset_tag in html
    scan = client.get("/today/", {"tag": " gam-000042 "})
    assert scan["Location"] == "/d/GAM-000042"


@pytest.mark.django_db
def test_procurement_lands_on_the_dashboard_or_the_list(procurement):
    _, location = landing(procurement)
    assert location in {"/reports/", "/devices/"}


@pytest.mark.django_db
def test_member_lands_on_the_catalogue():
    _, location = landing(make_member(username="landing-member"))
    assert location == "/reuse/catalogue/"


@pytest.mark.django_db
def test_list_filters_are_folded_with_a_summary_of_the_active_ones(technician):
    site = SiteFactory(name="Voiron")
    client = Client()
    client.force_login(technician)
    html = client.get("/devices/", {"status": "in_service", "site": site.pk}).content.decode()
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert "Voiron" in summary and "En service" in summary
    assert html.index('<details class="filter-box"') < html.index("<table")
    assert "aucun" in client.get("/devices/").content.decode().split("<summary>")[1].split("</summary>")[0]
