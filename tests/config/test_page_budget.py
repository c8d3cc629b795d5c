"""Every page within budget (DESIGN/issue 13): ≤ 50 KB of HTML and ≤ 1,000 DOM elements at the
default page size, for the authority's staff and for an association member.

The routes come from the URL resolver through ``tests/test_url_permissions.py`` (so a new page is
measured the day it is added), filled with its ``world``, and the database is seeded with a
municipal-size reference list (435 sites, as the demo fleet has) so that a form which sends every
site as an ``<option>`` fails here instead of on a phone.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client

from config.roles import ADMIN, PROCUREMENT, TECHNICIAN
from tests.factories import DeviceFactory, SiteFactory
from tests.test_url_permissions import routes, url_of, world  # noqa: F401 (``world`` is a fixture)

MAX_HTML_BYTES = 50 * 1024
MAX_DOM_ELEMENTS = 1000
MAX_OPTIONS = 50  # a longer list is a type-ahead (see inventory's site picker)
SITES = 435
ROLES = (TECHNICIAN, PROCUREMENT, ADMIN, "member")
# Not our pages: Django's admin and the API browser pages are measured by their authors.
NOT_OURS = ("admin:", "api-docs")


class ElementCounter(HTMLParser):
    """Counts elements the way ``document.getElementsByTagName('*').length`` does."""

    def __init__(self):
        super().__init__()
        self.count = 0
        self.longest_list = 0
        self._options = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1
        if tag in ("select", "datalist"):
            self._options = 0
        elif tag == "option":
            self._options += 1
            self.longest_list = max(self.longest_list, self._options)

    def handle_startendtag(self, tag, attrs):
        self.count += 1


def measure(html):
    counter = ElementCounter()
    counter.feed(html)
    counter.close()
    return counter


def over_budget(url, body):
    """What is over budget in an HTML response body, or None."""
    size = len(body)
    counted = measure(body.decode("utf-8", "replace"))
    elements = counted.count
    problems = []
    if size > MAX_HTML_BYTES:
        problems.append(f"{size / 1024:.1f} KB > {MAX_HTML_BYTES // 1024} KB")
    if elements > MAX_DOM_ELEMENTS:
        problems.append(f"{elements} DOM elements > {MAX_DOM_ELEMENTS}")
    if counted.longest_list > MAX_OPTIONS:
        problems.append(f"a list of {counted.longest_list} options > {MAX_OPTIONS}")
    return f"{url}: " + ", ".join(problems) if problems else None


@pytest.fixture(scope="module")
def seeded(world, django_db_blocker):  # noqa: F811
    """``world`` plus a municipality's worth of sites and a page of devices (rolled back with it)."""
    with django_db_blocker.unblock():
        SiteFactory.create_batch(SITES)
        DeviceFactory.create_batch(30)
    return world


def budget_cases():
    return [
        pytest.param(name, keywords, role, id=f"{name}[{role}]")
        for name, keywords in routes()
        if not name.startswith(NOT_OURS)
        for role in ROLES
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "keywords", "role"), budget_cases())
def test_page_is_within_budget(seeded, name, keywords, role):
    client = Client()
    client.force_login(seeded["users"][role])
    url = url_of(name, keywords, seeded)
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return  # redirects, 403s and files: the permission walk checks those
    body = b"".join(response) if response.streaming else response.content
    problem = over_budget(url, body)
    assert problem is None, problem


def test_the_check_catches_a_page_over_budget():
    """Self-test: a page with a 435-option select, as the device list had, is refused."""
    options = "".join(f'<option value="{n}">Commune {n} — Bâtiment principal</option>' for n in range(SITES))
    fat = f"<!doctype html><html><body><select>{options}</select>{'<p>x</p>' * 600}</body></html>"
    assert "DOM elements > 1000" in over_budget("/fat/", fat.encode())
    assert "a list of 435 options > 50" in over_budget("/fat/", fat.encode())
    assert "KB > 50 KB" in over_budget("/fat/", (fat + "x" * 60_000).encode())
    assert over_budget("/slim/", b"<!doctype html><html><body><p>ok</p></body></html>") is None
