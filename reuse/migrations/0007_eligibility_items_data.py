"""Fill the L. 3212-2 item, ceiling article, recipient kind and evidence of the eligibility
categories (DOMAIN.md §3), and add foundations to the 2° (they were missing). Categories staff
created themselves are left as they are (recipient "association", no item: to be completed in
the admin). Reversible: going back empties the new fields and removes the foundation category
when no recipient uses it."""

from django.db import migrations

D_3212_3 = "art. D. 3212-3"
ARRETE_2021 = "arrêté du 6 avril 2021"
STATUTES = "Statuts à jour et récépissé de déclaration en préfecture (numéro RNA)"

# slug: (item, ceiling article, recipient kind, evidence)
FACTS = {
    "parents": ("3", D_3212_3, "association", f"{STATUTES} ; objet : association de parents d'élèves."),
    "school-support": ("3", D_3212_3, "association", f"{STATUTES} ; objet : soutien scolaire."),
    "public-utility": ("3", D_3212_3, "association",
                       f"{STATUTES} ; décret de reconnaissance d'utilité publique (Journal officiel)."),
    "students": ("3", D_3212_3, "association", f"{STATUTES} ; objet : association d'étudiants."),
    "esus": ("3", D_3212_3, "esus",
             "Agrément « entreprise solidaire d'utilité sociale » (ESUS) délivré par le préfet, en cours de "
             "validité (date d'agrément et d'expiration enregistrées) ; activité de réemploi."),
    "general-interest-inclusion": (
        "3", D_3212_3, "association",
        f"{STATUTES} ; objet statutaire : équiper, former et accompagner des personnes en situation de précarité "
        "(loi 3DS) ; caractère d'intérêt général (rescrit fiscal ou justificatif équivalent)."),
    "assistance-deprived": (
        "2", ARRETE_2021, "association",
        f"{STATUTES} ; ressources affectées à l'assistance aux plus démunis, notamment par la redistribution "
        "gratuite de biens (CGI art. 238 bis 1 b) ; la revente à titre onéreux exclut définitivement du dispositif."),
    "staff": ("5", "art. D. 3212-4", "staff",
              "Qualité d'agent de la collectivité à la date de la cession (service employeur)."),
}

FOUNDATION = {
    "slug": "foundation-deprived",
    "name": "Fondation dont les ressources sont affectées à l'aide aux plus démunis (redistribution de biens)",
    "legal_basis": "CG3P art. L. 3212-2 (L. 3212-3 pour les collectivités)",
    "open_to_associations": True,
    "solidarity_resale_allowed": False,
    "cg3p_item": "2",
    "ceiling_article": ARRETE_2021,
    "recipient_kind": "foundation",
    "evidence_required": (
        "Statuts et décret de reconnaissance d'utilité publique de la fondation ; ressources affectées à "
        "l'assistance aux plus démunis, notamment par la redistribution gratuite de biens (CGI art. 238 bis 1 b) ; "
        "la revente à titre onéreux exclut définitivement du dispositif."
    ),
}


def fill(apps, schema_editor):
    EligibilityCategory = apps.get_model("reuse", "EligibilityCategory")
    for slug, (item, ceiling, kind, evidence) in FACTS.items():
        EligibilityCategory.objects.filter(slug=slug).update(
            cg3p_item=item, ceiling_article=ceiling, recipient_kind=kind, evidence_required=evidence
        )
    if not EligibilityCategory.objects.filter(slug=FOUNDATION["slug"]).exists():
        # Right after the 2° associations (same position; the name sorts it after them).
        position = (
            EligibilityCategory.objects.filter(slug="assistance-deprived").values_list("position", flat=True).first()
        )
        EligibilityCategory.objects.create(**FOUNDATION, position=position or 0)


def empty(apps, schema_editor):
    EligibilityCategory = apps.get_model("reuse", "EligibilityCategory")
    EligibilityCategory.objects.filter(slug=FOUNDATION["slug"], associations__isnull=True).delete()
    EligibilityCategory.objects.filter(slug__in=FACTS).update(
        cg3p_item="", ceiling_article="", recipient_kind="association", evidence_required=""
    )


class Migration(migrations.Migration):
    dependencies = [("reuse", "0006_eligibility_items_and_esus_approval")]
    operations = [migrations.RunPython(fill, empty)]
