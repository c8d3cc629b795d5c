"""Who may receive IT equipment free of charge (CG3P art. L. 3212-2, applied to collectivités by
L. 3212-3; loi 3DS of 2022 for associations of general interest). Kept as data: laws change,
and staff edit the list in the admin. Names are the legal French terms."""

from django.db import migrations

BASIS = "CG3P art. L. 3212-2 (L. 3212-3 pour les collectivités)"

CATEGORIES = [
    # slug, name, open to associations, may resell at solidarity prices
    ("parents", "Association de parents d'élèves", True, False),
    ("school-support", "Association de soutien scolaire", True, False),
    ("public-utility", "Association reconnue d'utilité publique", True, True),
    ("students", "Association d'étudiants", True, False),
    ("esus", "Structure de réemploi agréée entreprise solidaire d'utilité sociale (ESUS)", True, False),
    (
        "general-interest-inclusion",
        "Association d'intérêt général qui équipe, forme et accompagne des personnes en situation de précarité",
        True,
        True,
    ),
    (
        "assistance-deprived",
        "Association dont les ressources sont affectées à l'aide aux plus démunis (redistribution de biens)",
        True,
        False,
    ),
    ("staff", "Personnels de la collectivité (5°)", False, False),
]


def create(apps, schema_editor):
    EligibilityCategory = apps.get_model("reuse", "EligibilityCategory")
    for position, (slug, name, open_to_associations, resale) in enumerate(CATEGORIES, start=1):
        EligibilityCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "legal_basis": BASIS,
                "open_to_associations": open_to_associations,
                "solidarity_resale_allowed": resale,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reuse", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
