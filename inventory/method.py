"""``/methode/``: how every € and kg figure of the application is computed, in the application.

Public (it holds no personal data: formulas, thresholds, factor tables, legal references), so
that a finance officer, an auditor or a citizen reading the REEN report can check a figure.
Every figure on the device page, the findings list and the renewal plan links to one of its
anchors: ``#deferred``, ``#avoided``, ``#repair_cost``, ``#totals``, ``#factors``,
``#annualised``, ``#renewal``, ``#vat``. Its "Reports" part holds the anchors the reports link to
(``reports.links.ANCHORS``: ``#parc``, ``#duree-de-vie``, …), static explanations of how each
report figure is computed. The page is the method note (the legal frame is French):
English msgids, French in ``locale/topics/figures``; its figures come from the settings and data
files in force, never copied by hand.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

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


# The worked example of the "deferred" paragraph: a laptop, its price (€ excl. VAT), planned life
# (years) and embodied footprint (kg CO2e); the years gained come from the settings in force.
EXAMPLE = {"price": 900, "life": 5, "kg": 181}


def worked_example(extend_years):
    years = min(extend_years, EXAMPLE["life"])
    return {
        **EXAMPLE,
        "years": years,
        "eur": Decimal(EXAMPLE["price"] * years) / EXAMPLE["life"],
        "kg_avoided": Decimal(EXAMPLE["kg"] * years) / EXAMPLE["life"],
    }


def targets_text(series):
    """"2023: 25 %, 2024: 35 %, …" for a ``{year: share}`` setting, in the active language."""
    return ", ".join(
        gettext("%(year)s: %(percent)s %%") % {"year": year, "percent": number_format(round(target * 100))}
        for year, target in sorted(series.items())
    )


def reuse_targets_text():
    """The décret 2023-266 targets in force (setting ``REUSE_TARGETS``)."""
    return targets_text(settings.PROLONGE["REUSE_TARGETS"])


def override_parts(override):
    """What a category changes in the review's thresholds, one phrase per threshold."""
    parts = []
    if override.idle_days:
        parts.append(ngettext("idle after %(n)s day", "idle after %(n)s days", override.idle_days)
                     % {"n": override.idle_days})
    if override.not_seen_months:
        parts.append(ngettext("not seen after %(n)s month", "not seen after %(n)s months",
                              override.not_seen_months) % {"n": override.not_seen_months})
    if override.extend_years:
        parts.append(ngettext("extended by %(n)s year", "extended by %(n)s years", override.extend_years)
                     % {"n": override.extend_years})
    if override.battery_years:
        parts.append(ngettext("battery after %(n)s year", "battery after %(n)s years", override.battery_years)
                     % {"n": override.battery_years})
    return parts


@login_not_required
def method_page(request):
    thresholds = ReviewSettings.current()
    overrides = CategoryReviewSettings.objects.select_related("category").order_by("category__name")
    return render(request, "inventory/method.html", {
        "t": thresholds,
        "example": worked_example(thresholds.extend_years),
        "overrides": [{"name": o.category.name, "parts": override_parts(o)} for o in overrides],
        "tables": factor_tables(),
        "current": footprint.current_dataset(),
        "reuse_targets": reuse_targets_text(),
        "reuse_max_age": settings.PROLONGE["REUSE_MAX_AGE_YEARS"],
        # The "Reports" part (anchors of ``reports.links.ANCHORS``): settings only, read here
        # rather than from ``reports`` (inventory never imports it).
        "agec_targets": targets_text(settings.PROLONGE["AGEC_TARGETS"]),
        "agec_recycled_targets": targets_text(settings.PROLONGE.get("AGEC_RECYCLED_TARGETS") or {}),
        "min_sample": int(settings.PROLONGE.get("REPORTS_MIN_SAMPLE", 30)),
    })
