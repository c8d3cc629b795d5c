"""Site type-ahead (issue 13): no list of every site; names resolve on the server; ids still work."""

import pytest
from django.test import Client

from inventory import journal
from inventory.models import Event, Site
from inventory.sites import SiteField
from labels.forms import MoveForm
from tests.factories import DeviceFactory, SiteFactory


@pytest.fixture
def sites(db):
    grenoble = Site.objects.create(name="Grenoble", kind=Site.Kind.COMMUNE)
    hall = Site.objects.create(name="Hôtel de ville", kind=Site.Kind.BUILDING, parent=grenoble)
    echirolles = Site.objects.create(name="Échirolles", kind=Site.Kind.COMMUNE)
    annex = Site.objects.create(name="Hôtel de ville", kind=Site.Kind.BUILDING, parent=echirolles)
    SiteFactory.create_batch(60)
    for site in (grenoble, hall, echirolles, annex):
        site.refresh_from_db()
    return {"grenoble": grenoble, "hall": hall, "echirolles": echirolles, "annex": annex}


def test_a_typed_name_an_id_or_a_full_name_resolves(sites):
    field = SiteField()
    assert field.clean(str(sites["hall"].pk)) == sites["hall"]
    assert field.clean("grenoble") == sites["grenoble"]
    assert field.clean(sites["annex"].full_name) == sites["annex"]
    assert field.clean("") is None if not field.required else True


def test_an_ambiguous_or_unknown_name_is_refused_with_a_hint(sites):
    form = MoveForm({"site": "Hôtel de ville"})
    assert not form.is_valid()
    assert "Plusieurs sites correspondent" in str(form.errors["site"])
    form = MoveForm({"site": "Nulle part"})
    assert not form.is_valid()
    assert "Aucun site ne correspond" in str(form.errors["site"])


def test_the_form_sends_no_option_list(sites):
    html = str(MoveForm(initial={"site": sites["hall"].pk})["site"])
    assert "<option" not in html
    assert f'value="{sites["hall"].full_name}"' in html and "<datalist" in html


def test_lookup_returns_matches_recent_first(sites, technician):
    device = DeviceFactory(site=sites["annex"])
    journal.record(device, Event.Kind.NOTE, actor=technician, note="vu")
    client = Client()
    client.force_login(technician)
    data = client.get("/sites/lookup/", {"q": "hôtel"}).json()["results"]
    assert [row["id"] for row in data] == [sites["annex"].pk, sites["hall"].pk]
    assert data[0]["recent"] is True
    assert len(client.get("/sites/lookup/").json()["results"]) == 20
    within = client.get("/sites/lookup/", {"within": sites["grenoble"].pk}).json()["results"]
    assert {row["id"] for row in within} == {sites["grenoble"].pk, sites["hall"].pk}


def test_list_filter_keeps_the_site_id_contract_and_accepts_a_name(sites, technician):
    inside, outside = DeviceFactory(site=sites["hall"]), DeviceFactory(site=sites["annex"])
    client = Client()
    client.force_login(technician)
    by_id = client.get("/devices/", {"site": sites["grenoble"].pk}).content.decode()
    by_name = client.get("/devices/", {"site": "Grenoble"}).content.decode()
    api = client.get("/api/devices/", {"site": sites["grenoble"].pk}).json()
    for html in (by_id, by_name):
        assert inside.asset_tag in html and outside.asset_tag not in html
    assert [row["asset_tag"] for row in api["results"]] == [inside.asset_tag]
