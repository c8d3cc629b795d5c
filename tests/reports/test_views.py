"""Every reports page: who may see it, its page budget and a constant number of queries."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.fleet import generate_fleet

YEAR = timezone.localdate().year
PAGES = [
    reverse("reports:dashboard"),
    reverse("reports:lifespans"),
    reverse("reports:lifespans") + "?by=model",
    reverse("reports:lifespans") + "?by=supplier",
    reverse("reports:repairs"),
    reverse("reports:annual", args=[YEAR - 1]),
    reverse("reports:annual", args=[YEAR]),
]
MAX_BYTES = 50 * 1024
MAX_ELEMENTS = 1000
# Two of these are PostgreSQL-only (reports.db.without_jit).
MAX_QUERIES = {"dashboard": 16, "lifespans": 13, "repairs": 14, "annual": 45}


class ElementCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1

    def handle_startendtag(self, tag, attrs):
        self.elements += 1


def elements(html):
    counter = ElementCounter()
    counter.feed(html)
    return counter.elements


def _budget(url):
    return next(v for k, v in MAX_QUERIES.items() if k in url or (k == "dashboard" and url.endswith("/reports/")))


@pytest.mark.parametrize("url", PAGES)
def test_every_page_keeps_the_budget_and_a_constant_query_count(
    client, procurement, generated_fleet, url, django_assert_max_num_queries, settings
):
    # A small minimum sample lets every group through: the page must still keep its budget.
    settings.PROLONGE = {**settings.PROLONGE, "REPORTS_MIN_SAMPLE": 3}
    client.force_login(procurement)
    with django_assert_max_num_queries(_budget(url)):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) <= MAX_BYTES
    assert elements(html) <= MAX_ELEMENTS


@pytest.mark.parametrize("url", [reverse("reports:dashboard"), reverse("reports:lifespans")])
def test_query_count_does_not_grow_with_the_fleet(client, procurement, url):
    client.force_login(procurement)
    generate_fleet(devices=60, seed=1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    generate_fleet(devices=300, seed=2, replace=True)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("url", PAGES + [reverse("reports:ords-export")])
def test_associations_are_refused(client, association_user, url):
    client.force_login(association_user)
    assert client.get(url).status_code == 403


def test_procurement_lands_on_the_dashboard_technicians_on_their_phone_page(client, procurement, technician):
    client.force_login(procurement)
    assert client.get("/").url == reverse("reports:dashboard")
    client.force_login(technician)
    assert client.get("/").url == reverse("inventory:today")


def test_dashboard_figures_link_to_the_device_list_and_the_method_page(client, procurement, generated_fleet):
    client.force_login(procurement)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'href="/devices/?status=in_service&amp;category=' in html
    assert 'href="/methode/#taux-reemploi-decret-2023-266"' in html
    assert 'href="/methode/#achats-agec"' in html
    assert '<title id="horizon-t">' in html and '<desc id="horizon-d">' in html


def test_years_outside_the_range_are_not_found(client, procurement):
    client.force_login(procurement)
    assert client.get(reverse("reports:annual", args=[YEAR + 1])).status_code == 404


@pytest.mark.parametrize("url", [reverse("reports:dashboard"), reverse("reports:lifespans"),
                                 reverse("reports:repairs")])
def test_chart_coordinates_are_numbers_in_french_too(client, procurement, generated_fleet, url):
    """SVG coordinates are not localised: "13,5" (the French decimal comma) is not a number
    for a browser, and the charts were drawn as a heap of letters in the top-left corner."""
    import re

    client.force_login(procurement)
    html = client.get(url).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        for name, value in re.findall(r'\s(x|y|width|height|viewBox|d|points|x1|x2|y1|y2)="([^"]*)"', svg):
            assert "," not in value or name == "d" and not re.search(r"\d,\d", value), (name, value)
