"""Report pages: procurement's dashboard, lifespans, repairs, the annual REEN report, exports.

Views call selectors (``queries``, ``lifespans``, ``repairs``, ``annual``, ``agec``) and hand
plain figures to templates; each page costs a constant number of queries (tests assert it).
"""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.roles import require_staff

from . import agec, annual, at_exit, charts, lifespans, links, ords, queries, repairs, sources
from . import open_data as opendata
from .db import without_jit

MAX_YEAR_SPAN = 30
# Page budget (≤ 1,000 elements): groups in the lifespan table, models at each end of a ranking.
MAX_GROUPS = 15
RANK_EACH_END = 3
# Exit years in the "years served at exit" table of the lifespans page (this year included).
EXIT_YEARS = 5
MAX_EXIT_GROUPS = 10


def _staff(request):
    require_staff(request)


@without_jit()
def dashboard(request):
    """``/reports/``: procurement's landing page (figures of the current year)."""
    _staff(request)
    today = timezone.localdate()
    owner = sources.current_owner()
    figures = queries.dashboard(owner=owner, today=today)
    horizon = figures["horizon"]
    context = {
        "f": figures,
        "owner": owner,
        "links": links,
        "horizon_chart": charts.bar_chart(
            _("Devices reaching their planned lifespan"),
            _("Devices in use by the year they reach their category's planned lifespan; "
              "the table below holds the figures."),
            [(_("already reached") if row["year"] is None else row["year"], row["devices"]) for row in horizon],
            slug="horizon",
        ),
        "fleet_chart": charts.bar_chart(
            _("Devices by status"),
            _("Number of devices in each status today; the table above gives them by category."),
            [(status.label, n) for status, n in figures["fleet"]["totals"]],
            slug="fleet", label_width=170,
        ),
        "method": {key: links.method(key) for key in links.ANCHORS},
        "device_list": links.devices(),
        "siret_missing": not owner.siret,
    }
    return render(request, "reports/dashboard.html", context)



@without_jit()
def lifespan_report(request):
    """``/reports/lifespans/?by=category|model|manufacturer|supplier``: Kaplan–Meier tables."""
    _staff(request)
    by = request.GET.get("by", "category")
    if by not in lifespans.GROUPINGS:
        by = "category"
    today = timezone.localdate()
    # One pass over the fleet serves the groups, the whole fleet (the groups' rows added up: every
    # device is in one group) and, when grouping by model, the ranking.
    counts = lifespans.duration_counts(as_of=today, by=by)
    curves = lifespans.survival_by(by, as_of=today, counts=counts)[:MAX_GROUPS]
    fleet = lifespans.kaplan_meier([(d, e, n) for _, _, d, e, n in counts], label=_("Whole fleet"))
    ranking = lifespans.model_ranking(as_of=today, counts=counts if by == "model" else None)
    for group in ranking:
        # The longest- and shortest-lived models of each category (all of them when few).
        models = group["models"]
        few = len(models) <= 2 * RANK_EACH_END
        group["shown"] = models if few else models[:RANK_EACH_END] + models[-RANK_EACH_END:]
    pyramid = lifespans.age_pyramid(as_of=today)
    exit_table = at_exit.lifespans_at_exit_by(by, years=range(today.year - EXIT_YEARS + 1, today.year + 1))
    exit_table["rows"] = exit_table["rows"][:MAX_EXIT_GROUPS]
    context = {
        "at_exit": exit_table,
        "by": by,
        "groupings": list(lifespans.GROUPINGS),
        "curves": curves,
        "fleet": fleet,
        "years": list(range(0, 9, 2)),
        "ranking": ranking,
        "minimum": lifespans.min_sample(),
        "repairability": lifespans.lifespan_vs_repairability(as_of=today, ranking=ranking),
        "pyramid": pyramid,
        "pyramid_chart": charts.bar_chart(
            _("Devices in use by age"),
            _("Devices in stock, in service or in repair by whole years of age, every category; "
              "the table below gives them by category."),
            [(f"{band} a", sum(row["counts"][band] for row in pyramid["rows"])) for band in pyramid["bands"]],
            slug="pyramid", label_width=60,
        ),
        "chart": charts.survival_chart(
            _("Share of devices still in service by years of service"),
            _("Kaplan–Meier curves of the largest groups; the table holds the medians and numbers at risk."),
            curves[:5],
        ),
        "today": today,
        "method": links.method("lifespan"),
    }
    return render(request, "reports/lifespans.html", context)


@without_jit()
def repair_report(request):
    """``/reports/repairs/``: repair rates, outcomes, barriers, costs and time to repair."""
    _staff(request)
    today = timezone.localdate()
    by_model = [row | {"model": True} for row in repairs.repair_rates("model", as_of=today)[:20]]
    context = {
        "rate_tables": [
            (_("By model"), by_model),
            (_("By supplier"), repairs.repair_rates("supplier", as_of=today)[:20]),
        ],
        "outcomes": repairs.outcome_shares(),
        "barriers": repairs.barrier_distribution(),
        "cost": repairs.cost_and_time(),
        "minimum": lifespans.min_sample(),
        "method": links.method("repairs"),
    }
    context["barrier_chart"] = charts.bar_chart(
        _("End-of-life repairs by barrier"),
        _("Number of repairs that ended the device's life, by ORDS barrier."),
        [(row["label"], row["repairs"]) for row in context["barriers"]["rows"] if row["barrier"]],
        slug="barriers",
        label_width=220,
    )
    return render(request, "reports/repairs.html", context)


@without_jit()
def ords_export(request):
    """Every repair as ORDS v0.3 CSV."""
    _staff(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="repairs-ords-v0.3.csv"'
    ords.write_csv(response)
    return response


def _year(year):
    this_year = timezone.localdate().year
    if not this_year - MAX_YEAR_SPAN <= year <= this_year:
        raise Http404
    return year


@without_jit()
def annual_report(request, year):
    """``/reports/annual/<year>/``: the REEN report's IT-equipment chapter (printable)."""
    _staff(request)
    report = annual.build(year=_year(year), owner=sources.current_owner())
    return render(request, "reports/annual.html", annual.context(report))


@without_jit()
def annual_report_pdf(request, year):
    """The same report as PDF."""
    _staff(request)
    from . import pdf

    report = annual.build(year=_year(year), owner=sources.current_owner())
    response = HttpResponse(pdf.annual_report(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-reen-{year}.pdf"'
    return response


@without_jit()
def agec_declaration(request, year):
    """The AGEC declaration CSV of ``year`` (refused, with the reason, without a SIRET)."""
    _staff(request)
    buffer = io.StringIO()
    try:
        agec.write_declaration(buffer, _year(year), owner=sources.current_owner())
    except agec.MissingSiret as refusal:
        return HttpResponse(str(refusal), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="declaration-agec-{year}.csv"'
    return response


@login_not_required
@without_jit()
def open_data(request, year, fmt):
    """Indicators of ``year`` as CSV or JSON; public when the authority enables it in settings."""
    if not settings.PROLONGE.get("REPORTS_OPEN_DATA_PUBLIC"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require_staff(request)
    if fmt not in ("csv", "json"):
        raise Http404
    rows = opendata.indicators(year=_year(year), owner=sources.current_owner())
    if fmt == "json":
        return JsonResponse({"schema": opendata.SCHEMA_URL, "data": rows}, json_dumps_params={"ensure_ascii": False})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicateurs-{year}.csv"'
    opendata.write_csv(response, rows)
    return response


@login_not_required
def open_data_schema(request):
    """The Table Schema of the indicators file."""
    return JsonResponse(opendata.schema(), json_dumps_params={"ensure_ascii": False})
