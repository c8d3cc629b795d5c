"""Issue 11 §3: every report figure links to the method page, and those links lead somewhere.

``reports.links.ANCHORS`` names the anchors of ``/methode/`` the reports link to; the method page
(``inventory``) must hold an element with each of those ids, in either language, and every
method link on the procurement dashboard must point to an id that exists.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from reports import links

pytestmark = pytest.mark.django_db


class Ids(HTMLParser):
    """Element ids of a page and the hrefs of its links."""

    def __init__(self):
        super().__init__()
        self.ids = []
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])

    handle_startendtag = handle_starttag


def parse(html):
    parser = Ids()
    parser.feed(html)
    parser.close()
    return parser


def method_page(client, language="fr"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(links.METHOD_PATH)
    assert response.status_code == 200
    return response.content.decode()


def test_the_method_path_is_the_method_page():
    assert reverse("inventory:method") == links.METHOD_PATH


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_report_anchor_is_an_element_id_of_the_method_page(client, language):
    ids = parse(method_page(client, language)).ids
    assert len(ids) == len(set(ids)), "an id used twice"
    missing = [anchor for anchor in links.ANCHORS.values() if anchor not in ids]
    assert missing == []


def test_the_reports_part_reads_its_values_from_the_settings(client):
    french = method_page(client)
    assert "Rapports</h2>" in french and "Estimateur de Kaplan–Meier\u00a0:" in french
    assert "moins de 30 appareils" in french  # PROLONGE_REPORTS_MIN_SAMPLE
    assert "2024\u00a0: 20\u00a0%, 2027\u00a0: 25\u00a0%, 2030\u00a0: 30\u00a0%" in french  # AGEC targets
    assert "plus de 10 ans à leur réforme" in french
    english = method_page(client, "en")
    assert "Kaplan–Meier estimator:" in english and "fewer than 30 devices" in english
    assert "Targets: 2024: 20 %, 2027: 25 %, 2030: 30 %." in english
    assert "(targets: not set yet)" in english  # no verified recycled-content target


def test_every_method_link_of_the_dashboard_points_to_an_existing_id(client, procurement):
    ids = set(parse(method_page(client)).ids)
    client.force_login(procurement)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    method_links = [
        urlsplit(href) for href in parse(response.content.decode()).hrefs if urlsplit(href).path == links.METHOD_PATH
    ]
    assert len(method_links) >= 8
    broken = [link.geturl() for link in method_links if link.fragment not in ids]
    assert broken == []
    # Every topic the dashboard shows has its own paragraph (no link falls back to the page's top).
    assert {link.fragment for link in method_links} >= {
        links.ANCHORS[topic]
        for topic in ("fleet", "horizon", "renewal", "reuse_ratio", "agec", "exits", "redeployments", "avoided")
    }


@pytest.mark.parametrize("url_name", ["reports:lifespans", "reports:repairs"])
def test_the_lifespan_and_repair_pages_link_to_their_paragraph(client, procurement, url_name):
    ids = set(parse(method_page(client)).ids)
    client.force_login(procurement)
    hrefs = parse(client.get(reverse(url_name)).content.decode()).hrefs
    fragments = [urlsplit(href).fragment for href in hrefs if urlsplit(href).path == links.METHOD_PATH]
    assert fragments and all(fragment in ids for fragment in fragments)
