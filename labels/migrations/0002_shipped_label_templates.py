"""The label templates Prolonge ships: two common A4 sheets and a 62 mm thermal roll.

Shipped templates are read-only in the admin (copy one to make your own); reversing this
migration removes them.
"""

from decimal import Decimal

from django.db import migrations

SHIPPED = [
    {
        # e.g. Avery 3474 and compatible: 24 labels, no side margins.
        "slug": "a4-3x8",
        "name": "A4 3 × 8 — 70 × 37 mm",
        "page_width_mm": Decimal("210"), "page_height_mm": Decimal("297"),
        "margin_top_mm": Decimal("0.5"), "margin_left_mm": Decimal("0"),
        "columns": 3, "rows": 8,
        "label_width_mm": Decimal("70"), "label_height_mm": Decimal("37"),
        "gap_x_mm": Decimal("0"), "gap_y_mm": Decimal("0"), "padding_mm": Decimal("2.5"),
    },
    {
        # e.g. Avery L7654 and compatible: 40 small labels.
        "slug": "a4-4x10",
        "name": "A4 4 × 10 — 45,7 × 25,4 mm",
        "page_width_mm": Decimal("210"), "page_height_mm": Decimal("297"),
        "margin_top_mm": Decimal("21.5"), "margin_left_mm": Decimal("9.7"),
        "columns": 4, "rows": 10,
        "label_width_mm": Decimal("45.7"), "label_height_mm": Decimal("25.4"),
        "gap_x_mm": Decimal("2.6"), "gap_y_mm": Decimal("0"), "padding_mm": Decimal("2"),
    },
    {
        # 62 mm continuous or die-cut thermal roll (e.g. Brother DK-11209): one label per page.
        "slug": "roll-62mm",
        "name": "Rouleau thermique 62 mm — 62 × 29 mm",
        "page_width_mm": Decimal("62"), "page_height_mm": Decimal("29"),
        "margin_top_mm": Decimal("0"), "margin_left_mm": Decimal("0"),
        "columns": 1, "rows": 1,
        "label_width_mm": Decimal("62"), "label_height_mm": Decimal("29"),
        "gap_x_mm": Decimal("0"), "gap_y_mm": Decimal("0"), "padding_mm": Decimal("2"),
    },
]


def create_templates(apps, schema_editor):
    LabelTemplate = apps.get_model("labels", "LabelTemplate")
    for fields in SHIPPED:
        LabelTemplate.objects.update_or_create(slug=fields["slug"], defaults={**fields, "shipped": True})


def remove_templates(apps, schema_editor):
    LabelTemplate = apps.get_model("labels", "LabelTemplate")
    LabelTemplate.objects.filter(slug__in=[f["slug"] for f in SHIPPED], shipped=True).delete()


class Migration(migrations.Migration):
    dependencies = [("labels", "0001_label_templates_and_audits")]
    operations = [migrations.RunPython(create_templates, remove_templates)]
