"""Issue 10: every € or kg figure on the device page, the findings list and the renewal plan
links to the paragraph of the method page (``/methode/``) that explains it."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from inventory.models import Device, Flag
from inventory.review import run_review
from tests.inventory.review_fleet import TODAY, build_small_fleet

pytestmark = pytest.mark.django_db
FIGURE = re.compile(r"\d[\d\s\u202f\u00a0.,]*\s*(€|kg)")
BLOCKS = {"li", "td", "th", "dd", "p"}


class FigureLinks(HTMLParser):
    """Collects each text figure with whether it, or its enclosing block, links to the method."""

    def __init__(self, method_url):
        super().__init__()
        self.method_url = method_url
        self.stack = []  # [tag, has_method_link, figures]
        self.in_method_link = 0
        self.figures = []  # (text, linked)
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        if tag in BLOCKS:
            self.stack.append([tag, False, []])
        if tag == "a":
            linked = (dict(attrs).get("href") or "").startswith(self.method_url)
            self.in_method_link += linked
            self._a_linked = linked
            if linked:
                for block in self.stack:
                    block[1] = True

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1
        if tag == "a" and getattr(self, "_a_linked", False):
            self.in_method_link -= 1
            self._a_linked = False
        if tag in BLOCKS and self.stack and self.stack[-1][0] == tag:
            _, linked, figures = self.stack.pop()
            self.figures.extend((text, direct or linked) for text, direct in figures)

    def handle_data(self, data):
        if self.skip:
            return
        for match in FIGURE.finditer(data):
            entry = (match.group(0).strip(), self.in_method_link > 0)
            if self.stack:
                self.stack[-1][2].append(entry)
            else:
                self.figures.append(entry)


def figures_of(html):
    parser = FigureLinks(reverse("inventory:method"))
    parser.feed(html)
    return parser.figures


@pytest.fixture
def pages(client, technician):
    build_small_fleet()
    run_review(today=TODAY)
    client.force_login(technician)
    flagged = Device.objects.filter(flags__savings_eur__isnull=False).distinct()
    urls = [reverse("review:flag-list"), reverse("review:renewal")]
    urls += [device.get_absolute_url() for device in flagged]
    return [(url, client.get(url)) for url in urls]


def test_every_euro_and_kg_figure_links_to_the_method(pages):
    checked = 0
    for url, response in pages:
        assert response.status_code == 200, url
        figures = figures_of(response.content.decode())
        unlinked = [text for text, linked in figures if not linked]
        assert unlinked == [], url
        checked += len(figures)
    assert checked > 20  # the pages do show figures
    assert Flag.objects.filter(savings_kind="deferred").exists()


def test_the_method_page_is_public_and_explains_each_anchor(client):
    response = client.get(reverse("inventory:method"))
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ("deferred", "avoided", "repair_cost", "totals", "factors", "annualised", "renewal", "vat",
                   "book-value"):
        assert f'id="{anchor}"' in html
    assert "NegaOctet" in html and "boaviztapi 2.5.0" in html and "185,4" in html
    assert "ADEME Base Empreinte" not in html
