"""Export of repairs in the Open Repair Data Standard v0.3 (Open Repair Alliance), CSV.

Columns and value lists follow ORDS v0.3 (field reference and the Alliance's published
aggregate table schema); docs/reports.md documents each column and how we fill it. ORDS has
no fault codelist: ``problem`` is free text (our symptom, then the action taken), and our own
fault categories are not exported as a code. Rows are fetched as tuples, never as objects.
"""

import csv

from django.conf import settings
from django.db.models.functions import TruncDate

from inventory.models import Repair

VERSION = "0.3"
COLUMNS = [
    "id",
    "data_provider",
    "country",
    "partner_product_category",
    "product_category",
    "product_category_id",
    "brand",
    "year_of_manufacture",
    "product_age",
    "repair_status",
    "repair_barrier_if_end_of_life",
    "group_identifier",
    "event_date",
    "problem",
]
# Our category codes → ORDS v0.3 product category (id, text); the rest is "Misc" (18).
PRODUCT_CATEGORIES = {
    "laptop": (16, "Laptop"),
    "desktop": (4, "Desktop computer"),
    "monitor": (8, "Flat screen"),
    "smartphone": (19, "Mobile"),
    "phone": (19, "Mobile"),
    "tablet": (30, "Tablet"),
    "printer": (25, "Printer/scanner"),
    "projector": (26, "Projector"),
    "accessory": (22, "PC accessory"),
}
MISC = (18, "Misc")
REPAIR_STATUS = {"fixed": "Fixed", "repairable": "Repairable", "end_of_life": "End of life", "": "Unknown"}
BARRIERS = {
    "spare_parts_unavailable": "Spare parts not available",
    "spare_parts_too_expensive": "Spare parts too expensive",
    "not_repairable_design": "No way to open product",
    "no_information": "Repair information not available",
    "lack_of_equipment": "Lack of equipment",
    "too_old": "Item too worn out",
}


def rows(queryset=None):
    """ORDS rows (lists in ``COLUMNS`` order) of the repairs, oldest first: one query."""
    queryset = Repair.objects.all() if queryset is None else queryset
    provider = settings.PROLONGE["OWNER_NAME"]
    group = settings.PROLONGE.get("ASSET_TAG_PREFIX", "") or provider
    fetched = (
        queryset.annotate(opened_day=TruncDate("opened_at"), closed_day=TruncDate("closed_at"))
        .values_list(
            "pk",
            "device__model__category__slug",
            "device__model__category__name",
            "device__model__manufacturer",
            "device__purchase_date",
            "outcome",
            "barrier",
            "opened_day",
            "closed_day",
            "symptom",
            "action",
        )
        .order_by("opened_at", "pk")
    )
    for pk, slug, category, brand, bought, outcome, barrier, opened, closed, symptom, action in fetched:
        category_id, ords_category = PRODUCT_CATEGORIES.get(slug, MISC)
        event_day = closed or opened
        age = round((opened - bought).days / 365.25, 1) if bought else ""
        yield [
            f"prolonge-{pk}",
            provider,
            "FRA",
            category,
            ords_category,
            category_id,
            brand,
            bought.year if bought else "",
            age,
            REPAIR_STATUS.get(outcome or "", "Unknown"),
            BARRIERS.get(barrier, "") if outcome == "end_of_life" else "",
            group,
            event_day.isoformat(),
            " — ".join(part.strip() for part in (symptom, action) if part and part.strip()),
        ]


def write_csv(handle, queryset=None):
    """Write the ORDS CSV (header row, UTF-8, comma) to a text handle; returns the row count."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows(queryset):
        writer.writerow(row)
        count += 1
    return count
