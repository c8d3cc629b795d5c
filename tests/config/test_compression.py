"""HTML is sent gzipped and every page has a favicon (issue 13, page budget)."""

import gzip

import pytest
from django.test import Client


@pytest.mark.django_db
def test_html_is_gzipped_and_still_carries_a_fresh_csrf_token(technician):
    client = Client()
    client.force_login(technician)
    first = client.get("/devices/", HTTP_ACCEPT_ENCODING="gzip")
    second = client.get("/devices/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    html = gzip.decompress(first.content).decode()
    assert "<!doctype html>" in html
    assert len(first.content) < len(html.encode()) / 2
    # BREACH mitigation: the token in the page is masked differently on every response.
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token not in gzip.decompress(second.content).decode()


@pytest.mark.django_db
def test_favicon_exists_for_pages_and_for_browsers_that_ask_for_favicon_ico(technician):
    client = Client()
    response = client.get("/favicon.ico")  # no login needed
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    client.force_login(technician)
    assert 'rel="icon"' in client.get("/devices/").content.decode()
