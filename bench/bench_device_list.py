"""The device list page and ``/api/devices/`` at 100k devices: server time and query count.

For page sizes 25 and 500, unfiltered, filtered (in service, laptops, one commune and its
sites) and searched (free text), this measures:

- ``page``: the real page through Django's test client (middleware, session, view, template):
  the server time the issue's "< 300 ms filtered at 100k on PostgreSQL" is about;
- ``view``: the same view called directly, and ``naive``: the same page built the way a first
  version would (plain queryset, no select_related, derived values computed in Python per row:
  N+1 queries), called the same way; ``ratio`` = naive ÷ view.

The API rows do the same for ``/api/devices/`` against a naive JSON list (skipped with a note
while the API is not there). ``BENCH_EXPLAIN=1`` prints PostgreSQL's plans of the filtered
list's queries.
"""

import json
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/bench_device_list.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_DEVICES, ensure_fleet, measure, print_report, setup_django  # noqa: E402

PAGE_SIZES = (25, 500)
STAFF_USERNAME = "bench-staff"


def main():
    from django.db import connection
    from django.test import Client, RequestFactory, override_settings
    from django.urls import Resolver404, resolve

    from inventory.models import Site

    devices = ensure_fleet(DEFAULT_DEVICES)
    user = _staff_user()
    client = Client()
    client.force_login(user)
    factory = RequestFactory()
    commune = Site.objects.filter(parent=None).order_by("pk").first()
    filters = {
        "none": "",
        f"in_service+laptop+{commune.name}": f"status=in_service&category=laptop&site={commune.pk}",
        "q=latitude": "q=latitude",
    }
    try:
        api_view = resolve("/api/devices/").func
    except Resolver404:
        api_view = None

    rows = []
    # Production settings: no query log kept for every request (the counts still are).
    with override_settings(DEBUG=False):
        for label, query in filters.items():
            for size in PAGE_SIZES:
                url_query = "&".join(part for part in (query, f"page_size={size}") if part)
                rows.append(_html_row(client, factory, user, label, size, url_query))
                if api_view is None:
                    rows.append({"target": "api", "filter": label, "page_size": size,
                                 "note": "/api/devices/ is not there yet: skipped"})
                else:
                    rows.append(_api_row(client, factory, user, api_view, label, size, url_query))
    print_report(f"Device list and API — {devices:,} devices on {connection.vendor}", rows)
    if os.environ.get("BENCH_EXPLAIN") and connection.vendor == "postgresql":
        _explain(f"/devices/?status=in_service&category=laptop&site={commune.pk}", factory, user)


def _html_row(client, factory, user, label, size, url_query):
    from inventory.views import device_list

    url = f"/devices/?{url_query}"
    page_s, page_q = measure(_ok(lambda: client.get(url)))
    request = _request(factory, user, url)
    view_s, _view_q = measure(_ok(lambda: device_list(request)))
    naive_s, naive_q = measure(_ok(lambda: naive_device_list(request)))
    return {"target": "page", "filter": label, "page_size": size, "ms": page_s * 1000, "queries": page_q,
            "view_ms": view_s * 1000, "naive_ms": naive_s * 1000, "naive_queries": naive_q,
            "ratio": naive_s / view_s, "note": ""}


def _api_row(client, factory, user, api_view, label, size, url_query):
    url = f"/api/devices/?{url_query}"
    page_s, page_q = measure(_ok(lambda: client.get(url)))
    request = _request(factory, user, url)
    view_s, _view_q = measure(_ok(lambda: api_view(_request(factory, user, url))))
    naive_s, naive_q = measure(_ok(lambda: naive_device_api(request)))
    return {"target": "api", "filter": label, "page_size": size, "ms": page_s * 1000, "queries": page_q,
            "view_ms": view_s * 1000, "naive_ms": naive_s * 1000, "naive_queries": naive_q,
            "ratio": naive_s / view_s, "note": ""}


# -- the baselines: what the list costs without the read-side work of inventory.queries ------

def _naive_page(request):
    from django.core.paginator import Paginator

    from inventory.filters import DeviceFilterSet
    from inventory.models import Device
    from inventory.views import _page_size

    filterset = DeviceFilterSet(request.GET, queryset=Device.objects.all())
    return filterset, Paginator(filterset.qs, _page_size(request)).get_page(request.GET.get("page"))


def _derive_in_python(device, today):
    from inventory.queries import DAYS_PER_YEAR, book_value_of

    days = (today - device.purchase_date).days if device.purchase_date else None
    device.age_years = days / DAYS_PER_YEAR if days is not None else None
    device.book_value = book_value_of(device, today)  # reads device.model.category: 2 queries
    device.embodied_kgco2e = device.model.embodied_kgco2e or device.model.category.embodied_kgco2e


def naive_device_list(request):
    """The device list page from a plain queryset: the template follows each row's relations."""
    from django.shortcuts import render
    from django.utils import timezone

    from inventory.views import PAGE_SIZES as SIZES
    from inventory.views import _page_size

    filterset, page = _naive_page(request)
    today = timezone.localdate()
    for device in page:
        _derive_in_python(device, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inventory/device_list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "page_size": _page_size(request),
        "page_sizes": SIZES,
    })


def naive_device_api(request):
    """A JSON page of devices from a plain queryset (the API's main fields, N+1 queries)."""
    from django.http import HttpResponse
    from django.utils import timezone

    _filterset, page = _naive_page(request)
    today = timezone.localdate()
    results = []
    for d in page:
        _derive_in_python(d, today)
        results.append({
            "asset_tag": d.asset_tag, "serial_number": d.serial_number, "category": d.model.category.slug,
            "model": d.model_id, "model_name": str(d.model), "status": d.status, "site": d.site_id,
            "site_name": d.site.full_name if d.site else None, "department": d.department_id,
            "department_name": d.department.name if d.department else None,
            "purchase_date": str(d.purchase_date), "purchase_price": str(d.purchase_price),
            "acquired_as": d.acquired_as, "warranty_end": str(d.warranty_end),
            "age_years": d.age_years, "book_value": str(d.book_value), "embodied_kgco2e": str(d.embodied_kgco2e),
        })
    body = {"count": page.paginator.count, "results": results}
    return HttpResponse(json.dumps(body), content_type="application/json")


# -- plumbing ---------------------------------------------------------------------------------

def _staff_user():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from config.roles import TECHNICIAN

    user, _created = get_user_model().objects.get_or_create(username=STAFF_USERNAME)
    user.groups.add(Group.objects.get(name=TECHNICIAN))
    return user


def _request(factory, user, url):
    request = factory.get(url)
    request.user = user
    return request


def _ok(call):
    def checked():
        response = call()
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        return response

    return checked


def _explain(url, factory, user):
    """PostgreSQL's plan of every query the list view runs for ``url`` (EXPLAIN ANALYZE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inventory.views import device_list

    with CaptureQueriesContext(connection) as ctx:
        device_list(_request(factory, user, url))
    with connection.cursor() as cursor:
        for captured in ctx.captured_queries:
            if not captured["sql"].lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n-- {captured['sql'][:160]}…")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {captured['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    setup_django()
    main()
