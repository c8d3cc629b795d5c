"""The report's indicators as open data: CSV and JSON, described by a Table Schema.

One row per (year, indicator): code, French label, value (a number, empty when unknown) and
unit. Only fleet-level counts, amounts and rates: no device, person or association appears,
so the file carries no personal data. ``reports/schemas/indicators.json`` is the schema.
"""

import csv
import json
from pathlib import Path

from . import annual

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "indicators.json"
SCHEMA_URL = "/reports/open-data/schema.json"
FIELDS = ["annee", "indicateur", "libelle", "valeur", "unite"]

# code → (French label, unit, path in annual.build())
INDICATORS = [
    ("parc_en_usage", "Appareils en usage au 31/12", "appareils", ("fleet", "in_use")),
    (
        "parc_en_attente_sortie",
        "Appareils réformés en attente de sortie au 31/12",
        "appareils",
        ("fleet", "awaiting_exit"),
    ),
    ("achats_appareils", "Appareils achetés", "appareils", ("purchases", "devices")),
    ("achats_montant_ht", "Montant des achats HT", "EUR", ("purchases", "ht")),
    ("achats_montant_ttc", "Montant des achats TTC", "EUR", ("purchases", "ttc")),
    (
        "achats_part_reemploi_agec",
        "Part AGEC des achats issus du réemploi, de la réutilisation ou du don",
        "ratio",
        ("purchases", "agec_reuse_share"),
    ),
    ("achats_empreinte_fabrication", "Empreinte de fabrication des achats", "kgCO2e", ("purchases", "kg")),
    ("sorties_total", "Appareils sortis (don, recyclage, perte)", "appareils", ("exits", "total")),
    ("redeploiements", "Redéploiements internes", "evenements", ("exits", "redeployed")),
    (
        "reemploi_decret_2023_266_a",
        "Décret 2023-266 : orientés vers le réemploi (A)",
        "appareils",
        ("exits", "reuse_ratio", "reused"),
    ),
    (
        "reemploi_decret_2023_266_b",
        "Décret 2023-266 : réformés en stock au 1er janvier (B)",
        "appareils",
        ("exits", "reuse_ratio", "stock"),
    ),
    ("reemploi_decret_2023_266_taux", "Décret 2023-266 : taux A/B", "ratio", ("exits", "reuse_ratio", "rate")),
    (
        "duree_vie_mediane_sortie",
        "Durée de service médiane des appareils sortis de service",
        "annees",
        ("lifespans", "median_years"),
    ),
    ("reparations_cloturees", "Réparations clôturées", "reparations", ("repairs", "closed")),
    (
        "reparations_cout_sur_remplacement",
        "Coût des réparations rapporté au prix de remplacement",
        "ratio",
        ("repairs", "cost_share"),
    ),
    (
        "empreinte_annualisee_parc",
        "Empreinte de fabrication annualisée du parc en usage",
        "kgCO2e/an",
        ("footprint", "annualised_kg"),
    ),
    ("emissions_evitees", "Émissions évitées par les dons et redéploiements", "kgCO2e", ("footprint", "avoided_kg")),
    ("dons_appareils", "Appareils donnés", "appareils", ("inclusion", "devices")),
    ("dons_associations", "Associations bénéficiaires", "associations", ("inclusion", "associations")),
    ("dons_beneficiaires", "Personnes bénéficiaires déclarées", "personnes", ("inclusion", "beneficiaries")),
]


def _number(value):
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() and not isinstance(value, float) else round(number, 4)


def indicators(*, year, owner):
    """The indicator rows of ``year`` (dicts with ``FIELDS`` keys)."""
    report = annual.build(year=year, owner=owner)
    result = []
    for code, label, unit, path in INDICATORS:
        value = report
        for key in path:
            value = value[key]
        result.append({"annee": year, "indicateur": code, "libelle": label, "valeur": _number(value), "unite": unit})
    return result


def write_csv(handle, rows):
    writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "valeur": "" if row["valeur"] is None else row["valeur"]})


def schema():
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
