"""The L. 3212-2 item and the text setting the ceiling of each seeded eligibility category
(DOMAIN.md §3); categories staff added themselves are left for them to fill in."""

from django.db import migrations

ITEMS = {
    "parents": ("3°", "art. D. 3212-3"),
    "school-support": ("3°", "art. D. 3212-3"),
    "public-utility": ("3°", "art. D. 3212-3"),
    "students": ("3°", "art. D. 3212-3"),
    "esus": ("3°", "art. D. 3212-3"),
    "general-interest-inclusion": ("3°", "art. D. 3212-3"),
    "assistance-deprived": ("2°", "arrêté du 6 avril 2021"),
    "staff": ("5°", "art. D. 3212-4"),
}


def fill(apps, schema_editor):
    EligibilityCategory = apps.get_model("reuse", "EligibilityCategory")
    for slug, (item, ceiling) in ITEMS.items():
        EligibilityCategory.objects.filter(slug=slug, legal_item="").update(legal_item=item, ceiling_article=ceiling)


class Migration(migrations.Migration):
    dependencies = [("reuse", "0005_legal_documents")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
