"""The audit report as CSV (``config.exports``: dialects, trailer, formula neutralisation).

One line per device: seen in place, found elsewhere, missing; read as tuples from the
report's own querysets. A device found elsewhere carries the decision on its discrepancy
(``open`` while nobody has decided, ``moved`` or ``kept``).
"""

from itertools import chain

from django.utils.translation import gettext_lazy as _

from config import exports
from inventory.models import Status

from . import queries
from .models import Sighting

SECTIONS = {"seen": _("Seen in place"), "found_elsewhere": _("Found elsewhere"), "missing": _("Missing")}

DECISIONS = {"open": Sighting.Decision.OPEN.label, "moved": Sighting.Decision.MOVED.label,
             "kept": Sighting.Decision.KEPT.label}

COLUMNS = [
    exports.Column("section", _("section"), "choice", SECTIONS),
    exports.Column("asset_tag", _("asset tag")),
    exports.Column("model", _("model")),
    exports.Column("status", _("status"), "choice", dict(Status.choices)),
    exports.Column("registered_site", _("registered site")),
    exports.Column("seen_site", _("seen at")),
    exports.Column("seen_at", _("seen"), "datetime"),
    exports.Column("seen_by", _("seen by")),
    exports.Column("read_with", _("read with"), "choice", dict(Sighting.Method.choices)),
    exports.Column("decision", _("decision"), "choice", DECISIONS),
]
SIGHTING_FIELDS = ("device__asset_tag", "device__model__manufacturer", "device__model__name", "device__status",
                   "previous_site__full_name", "site__full_name", "seen_at", "seen_by__username", "method", "decision")


def _sightings(section, queryset):
    for tag, maker, model, status, previous, site, seen_at, by, method, decision in (
        queryset.values_list(*SIGHTING_FIELDS).iterator(chunk_size=exports.CHUNK_SIZE)
    ):
        decision = (decision or "open") if section == "found_elsewhere" else None
        yield (section, tag, f"{maker} {model}", status, previous, site, seen_at, by, method, decision)


def _missing(queryset):
    rows = queryset.values_list("asset_tag", "model__manufacturer", "model__name", "status", "site__full_name")
    for tag, maker, model, status, site in rows.iterator(chunk_size=exports.CHUNK_SIZE):
        yield ("missing", tag, f"{maker} {model}", status, site, None, None, None, None, None)


def campaign_report_csv(request, campaign):
    """The whole report of ``campaign`` as a streamed CSV (``?dialect=machine`` for codes)."""
    try:
        dialect = exports.dialect_from(request)
    except exports.BadDialect:
        return exports.bad_request({"dialect": [_("Choose “spreadsheet” or “machine”.")]})
    rows = chain(
        _sightings("seen", queries.seen_in_place(campaign)),
        _sightings("found_elsewhere", queries.found_elsewhere(campaign)),
        _missing(queries.missing(campaign)),
    )
    return exports.csv_response(COLUMNS, rows, filename=f"inventaire-{campaign.pk}.csv", dialect=dialect)
