"""Keyset pages of the device list: every row once, in order, both ways, at a constant cost."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest

from config.keyset import estimated_count
from inventory.models import Device
from tests.factories import DepartmentFactory, DeviceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db

LIST = "/devices/"


@pytest.fixture
def client(client, technician):
    client.force_login(technician)
    return client


@pytest.fixture
def devices():
    """61 devices with repeated and missing sort values (sites, dates, prices, departments)."""
    models = [DeviceModelFactory(), DeviceModelFactory()]
    sites = [SiteFactory(), SiteFactory(), None]
    departments = [DepartmentFactory(), None]
    Device.objects.bulk_create(
        Device(
            asset_tag=f"KS-{n:04d}",
            serial_number=f"S{n * 7 % 61:02d}",
            model=models[n % 2],
            manufacturer=models[n % 2].manufacturer,
            site=sites[n % 3],
            department=departments[n % 2],
            purchase_date=None if n % 5 == 0 else dt.date(2020, 1, 1) + dt.timedelta(days=n % 4),
            purchase_price=None if n % 4 == 0 else Decimal(n % 3 * 100),
        )
        for n in range(61)
    )
    return list(Device.objects.select_related("site", "department", "model__category"))


def expected_order(devices, attr, descending):
    present = [d for d in devices if attr(d) is not None]
    missing = [d for d in devices if attr(d) is None]
    # A key through the model breaks ties by model, then id (the order its index serves).
    tie = (lambda d: (d.model_id, d.pk)) if attr in GROUPED.values() else (lambda d: (d.pk,))
    ordered = sorted(present, key=lambda d: (attr(d), *tie(d))) + sorted(missing, key=lambda d: d.pk)
    return [d.asset_tag for d in (ordered[::-1] if descending else ordered)]


def link(response, rel):
    found = re.search(rf'<a href="\?([^"]+)" rel="{rel}"', response.content.decode())
    return unescape(found.group(1)) if found else None


SORTS = {
    "asset_tag": lambda d: d.asset_tag,
    "serial_number": lambda d: d.serial_number,
    "purchase_date": lambda d: d.purchase_date,
    "purchase_price": lambda d: d.purchase_price,
    "site": lambda d: d.site.full_name if d.site else None,
    "department": lambda d: d.department.name if d.department else None,
}
GROUPED = {
    "category": lambda d: d.model.category.name,
    "model": lambda d: d.model.name,
    "manufacturer": lambda d: d.model.manufacturer,
}
SORTS.update(GROUPED)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", list(SORTS))
def test_next_and_previous_walk_every_row_once_in_order(client, devices, sort, descending):
    ordering = f"-{sort}" if descending else sort
    expected = expected_order(devices, SORTS[sort], descending)
    seen, pages, query = [], [], f"ordering={ordering}&page_size=25"
    while query:
        response = client.get(f"{LIST}?{query}")
        page = [d.asset_tag for d in response.context["page"]]
        pages.append(page)
        seen += page
        query = link(response, "next")
    assert seen == expected
    assert [len(p) for p in pages] == [25, 25, 11]
    assert response.context["page"].number == 3
    # And back from the last page.
    back = []
    query = link(response, "prev")
    while query:
        response = client.get(f"{LIST}?{query}")
        back.insert(0, [d.asset_tag for d in response.context["page"]])
        query = link(response, "prev")
    assert back == pages[:-1]
    assert response.context["page"].number == 1


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", list(GROUPED))
def test_a_long_list_sorted_through_the_model_is_read_group_by_group(client, devices, sort, descending, monkeypatch):
    """Above ``GROUP_SEEK_ABOVE`` listed rows, PostgreSQL reads the page model by model (one
    LATERAL statement); the order, the last page and going back are the same as the walk's."""
    monkeypatch.setattr("config.keyset.GROUP_SEEK_ABOVE", 0)
    Device.objects.filter(pk__in=[d.pk for d in devices[::3]]).update(model=DeviceModelFactory(
        name=devices[0].model.name, manufacturer="Autre fabricant", category=devices[0].model.category))
    devices = list(Device.objects.select_related("model__category"))
    ordering = f"-{sort}" if descending else sort
    expected = expected_order(devices, SORTS[sort], descending)
    seen, query = [], f"ordering={ordering}&page_size=25"
    while query:
        response = client.get(f"{LIST}?{query}")
        seen += [d.asset_tag for d in response.context["page"]]
        query = link(response, "next")
    assert seen == expected
    last = client.get(LIST, {"ordering": ordering, "page_size": 25, "page": "last"})
    assert [d.asset_tag for d in last.context["page"]] == expected[50:]
    back = client.get(f"{LIST}?{link(last, 'prev')}").context["page"]
    assert [d.asset_tag for d in back] == expected[25:50]


def test_last_page_and_go_to_page_match_the_walk(client, devices):
    expected = expected_order(devices, SORTS["purchase_date"], False)
    last = client.get(LIST, {"ordering": "purchase_date", "page_size": 25, "page": "last"}).context["page"]
    assert [d.asset_tag for d in last] == expected[50:]
    assert last.number == 3 and not last.has_next()
    second = client.get(LIST, {"ordering": "purchase_date", "page_size": 25, "page": 2}).context["page"]
    assert [d.asset_tag for d in second] == expected[25:50]


def test_far_pages_are_refused_with_a_message_and_the_nearest_reachable_one_shown(client, devices, monkeypatch):
    monkeypatch.setattr("config.keyset.MAX_JUMP_ROWS", 0)
    import config.keyset

    monkeypatch.setattr(config.keyset.keyset_page, "__kwdefaults__",
                        {**config.keyset.keyset_page.__kwdefaults__, "max_jump_rows": 0})
    response = client.get(LIST, {"page_size": 25, "page": 2})
    page = response.context["page"]
    assert page.message and page.number in (1, 3)
    assert page.message.encode() in response.content or b"Jump" in response.content or b"page" in response.content


def test_a_mangled_cursor_gives_the_first_page(client, devices):
    page = client.get(LIST, {"after": "not-a-cursor"}).context["page"]
    assert page[0].asset_tag == "KS-0000"


def test_a_deep_page_costs_the_queries_of_the_first(client, devices, django_assert_max_num_queries):
    first = client.get(LIST, {"page_size": 25, "ordering": "site"})
    with django_assert_max_num_queries(12) as on_first:
        client.get(LIST, {"page_size": 25, "ordering": "site"})
    with django_assert_max_num_queries(len(on_first) + 1):  # + the NULL segment when a page crosses into it
        client.get(f"{LIST}?{link(first, 'next')}")
    with django_assert_max_num_queries(len(on_first)):
        client.get(LIST, {"page_size": 25, "ordering": "site", "page": "last"})


def test_the_count_is_exact_below_the_threshold_and_an_estimate_above_on_postgresql(devices):
    from django.db import connection

    assert estimated_count(Device.objects.all()) == (61, False)
    total, estimated = estimated_count(Device.objects.all(), estimate_above=0)
    assert estimated == (connection.vendor == "postgresql")
    if not estimated:
        assert total == 61


def test_an_estimated_count_says_about(client, devices, monkeypatch):
    monkeypatch.setattr("config.keyset.estimated_count", lambda qs, **kw: (123_456, True))
    response = client.get(LIST)
    assert b"123" in response.content
    assert response.context["page"].paginator.estimated


def test_the_search_finds_assignees_too(client, devices):
    Device.objects.filter(asset_tag="KS-0007").update(assignee="Médiathèque Stendhal")
    page = client.get(LIST, {"q": "stendhal"}).context["page"]
    assert [d.asset_tag for d in page] == ["KS-0007"]
