"""Device list pages at any depth: keyset pages against OFFSET pages, in the same run.

For the first, a deep (middle) and the last page, unfiltered, filtered, sorted on a joined or
nullable column and searched, this measures:

- ``page_ms``: the real page through Django's test client (middleware, view, template);
- ``keyset_ms``: the list's database work as shipped (``config.keyset.keyset_page``: the seek
  query and the bare or estimated count) and ``offset_ms``, the baseline: the same rows through
  Django's ``Paginator`` (OFFSET, ``COUNT(*)`` over the joined, annotated queryset);
- ``count``: the total shown ("~" when it is PostgreSQL's estimate).

Target (issue 15): any page < 150 ms at 1M devices on PostgreSQL.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_DEVICES, ensure_fleet, measure, print_report, setup_django  # noqa: E402

SIZE = 25


def main():
    from django.db import connection
    from django.test import Client, RequestFactory, override_settings

    from bench.bench_device_list import _staff_user
    from inventory.models import Device, Site

    devices = ensure_fleet(DEFAULT_DEVICES)
    user = _staff_user()
    client = Client()
    client.force_login(user)
    factory = RequestFactory()
    commune = Site.objects.filter(parent=None).order_by("pk").first()
    assignee = Device.objects.exclude(assignee="").values_list("assignee", flat=True).order_by("pk").first() or "x"
    cases = {
        "unfiltered": "",
        "filtered (in service, laptop, one commune)": f"status=in_service&category=laptop&site={commune.pk}",
        "sorted by site": "ordering=site",
        "sorted by purchase date, newest first": "ordering=-purchase_date",
        "sorted by category": "ordering=category",
        "search q=latitude (model)": "q=latitude",
        "search q=000123 (asset tag)": "q=000123",
        f"search q={assignee[:8]} (assignee)": f"q={assignee[:8]}",
    }
    rows = []
    with override_settings(DEBUG=False):
        for label, query in cases.items():
            for where in ("first", "deep", "last"):
                rows.append(_row(client, factory, user, label, query, where))
                print("  ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in rows[-1].items()),
                      flush=True)
    print_report(f"Device list pages, keyset vs OFFSET — {devices:,} devices on {connection.vendor}", rows)


def _row(client, factory, user, label, query, where):
    from django.core.paginator import Paginator

    from bench.bench_device_list import _ok, _request
    from config.keyset import keyset_page
    from inventory import queries
    from inventory.filters import DeviceFilterSet
    from inventory.views import _sort_key

    base = "&".join(p for p in (query, f"page_size={SIZE}") if p)
    filterset = DeviceFilterSet(factory.get(f"/devices/?{base}").GET, queryset=queries.device_list())
    counted = DeviceFilterSet(factory.get(f"/devices/?{base}").GET, queryset=queries.device_rows()).qs

    def keyset(url):
        request = _request(factory, user, url)
        page = keyset_page(request, filterset.qs, key=_sort_key(filterset), size=SIZE, count_queryset=counted,
                           seek_queryset=counted)
        return page

    first = keyset(f"/devices/?{base}")
    total, estimated = first.paginator.count, first.paginator.estimated
    pages = max(1, -(-total // SIZE))
    if where == "first":
        url, number = f"/devices/?{base}", 1
    elif where == "last":
        url, number = f"/devices/?{base}&page=last", pages
    else:  # the middle, reached as a user does: a "next" link from the page before
        number = max(1, pages // 2)
        seek_sql = filterset.qs.order_by(*first._seek._order(not first._seek.descending))
        anchor = seek_sql[(number - 1) * SIZE - 1] if number > 1 else None
        url = f"/devices/?{base}" + (f"&after={first._seek.encode(anchor)}&page={number}" if anchor else "")
    page_s, page_q = measure(_ok(lambda: client.get(url)))
    keyset_s, keyset_q = measure(lambda: list(keyset(url)))

    def offset():
        page = Paginator(filterset.qs, SIZE).get_page(number)
        list(page)
        return page.paginator.count

    offset_s, offset_q = measure(offset)
    return {"case": label, "page": where, "count": f"~{total:,}" if estimated else f"{total:,}",
            "page_ms": page_s * 1000, "queries": page_q, "keyset_ms": keyset_s * 1000,
            "offset_ms": offset_s * 1000, "offset/keyset": offset_s / keyset_s}


if __name__ == "__main__":
    setup_django()
    main()
