"""``/methode/``: how every € and kg figure of the application is computed, in the application.

Public (it holds no personal data: formulas, thresholds, factor tables, legal references), so
that a finance officer, an auditor or a citizen reading the REEN report can check a figure.
Every figure on the device page, the findings list and the renewal plan links to one of its
anchors: ``#deferred``, ``#avoided``, ``#repair_cost``, ``#totals``, ``#factors``,
``#annualised``, ``#renewal``, ``#vat``. The page is the French method note (the legal frame is
French); its figures come from the settings and data files in force, never copied by hand.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from . import footprint
from .models import CategoryReviewSettings, ReviewSettings

ANCHORS = ("deferred", "avoided", "repair_cost", "totals", "factors", "annualised", "renewal", "vat")


def factor_tables():
    """Both data sets side by side, by category code (the one in force first)."""
    current = footprint.current_dataset()
    ordered = [current] + [d for d in footprint.DATASETS.values() if d.key != current.key]
    slugs = list(footprint.factors(current))
    return {
        "datasets": ordered,
        "rows": [
            {"slug": slug, "figures": [footprint.factors(d).get(slug) for d in ordered]}
            for slug in slugs
        ],
    }


@login_not_required
def method_page(request):
    return render(request, "inventory/method.html", {
        "t": ReviewSettings.current(),
        "overrides": CategoryReviewSettings.objects.select_related("category").order_by("category__name"),
        "tables": factor_tables(),
        "current": footprint.current_dataset(),
        "reuse_targets": sorted(settings.PROLONGE["REUSE_TARGETS"].items()),
        "reuse_max_age": settings.PROLONGE["REUSE_MAX_AGE_YEARS"],
    })
