"""Synthetic fleets: realistic register data for the demo, tests and benchmarks.

``generate_fleet()`` builds a plausible fleet of a French métropole — categories with the ADEME
footprint factors of DOMAIN.md §5, ~50 device models, communes of the Grenoble area with their
buildings and rooms, a dozen departments — then devices with their whole journal: purchase,
deployment, repairs (ORDS outcomes), moves, audits, retirement, erasure, offer, claim, donation,
recycling. The same seed and the same ``today`` give the same fleet.

Speed matters (100k devices with ~10 events each for the benchmarks), so devices, repairs and
events are planned in Python and written in bulk, batch by batch, with no query per device
(``insert_rows``: COPY on PostgreSQL, executemany on SQLite). This module is the
one acceptable exception to "status changes only through ``lifecycle.transition``": it is a data
generator, so it writes the journal rows directly. Every journal it writes follows
``lifecycle.TRANSITIONS`` (each status event goes from the previous event's status to an allowed
one, and the last one is the device's status) — the tests check it. It does not run the guards
of other apps (e.g. reuse's "no donation without a passed ``Erasure`` row"): it writes an
``erased`` journal event, and other apps' ``<app>.demo`` hooks may add their own rows.
"""

import bisect
import datetime as dt
import functools
import itertools
import json
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from inventory.lifecycle import TERMINAL, TRANSITIONS
from inventory.models import (
    AcquiredAs,
    Category,
    Department,
    Device,
    DeviceModel,
    Event,
    Repair,
    Site,
    Status,
)

S = Status
K = Event.Kind
ADEME_SOURCE = (
    "ADEME Base Empreinte, via Boavizta (boaviztapi 2.5.0, "
    "data/crowdsourcing/ademe_base_impacts_negaoctet.csv, GWP)"
)
NO_FACTOR = "Aucun facteur ADEME publié pour cette catégorie : laissé vide plutôt qu'inventé."

# slug, name, planned lifespan, depreciation years, kg CO2e (DOMAIN.md §5), carries storage,
# share of the fleet, warranty years when bought new.
CATEGORIES = [
    ("laptop", "Ordinateur portable", 6, 4, "181", True, 27, (2, 3, 3, 4, 5)),
    ("desktop", "Ordinateur fixe", 7, 5, "277", True, 21, (3, 3, 5)),
    ("monitor", "Écran", 9, 5, "64.7", False, 24, (3, 3, 5)),
    ("smartphone", "Smartphone", 4, 3, "84.0", True, 11, (2,)),
    ("tablet", "Tablette", 5, 3, "75.9", True, 6, (2, 3)),
    ("printer", "Imprimante", 7, 5, None, False, 5, (2, 3)),
    ("server", "Serveur", 7, 5, "3660", True, 1, (5,)),
    # Switches and access points keep configurations and credentials: reset before leaving.
    ("network", "Équipement réseau", 8, 5, None, True, 3, (5,)),
    ("other", "Autre matériel", 5, 5, None, False, 2, (2,)),
]

# Device models: manufacturer, name, category, sold from-to, reference price € HT, RAM GB,
# storage GB and kind, battery, repairability index (none before 2021), vendor support until
# (year), OS still upgradable, CPU.
# Figures are illustrative, not official.
MODELS_TABLE = """
Dell | Latitude E5470 | laptop | 2014-2017 | 950 | 8 | 256 SSD | yes | - | 2021 | no | Core i5-6300U
Lenovo | ThinkPad T460 | laptop | 2015-2017 | 1100 | 8 | 256 SSD | yes | - | 2021 | no | Core i5-6200U
Dell | Latitude 5490 | laptop | 2018-2020 | 1000 | 8 | 256 SSD | yes | - | 2025 | yes | Core i5-8350U
HP | EliteBook 840 G5 | laptop | 2018-2020 | 1150 | 8 | 256 SSD | yes | - | 2025 | yes | Core i5-8250U
Dell | Latitude 5420 | laptop | 2021-2023 | 1050 | 16 | 512 SSD | yes | 7.5 | 2028 | yes | Core i5-1145G7
Lenovo | ThinkPad T14 Gen 2 | laptop | 2021-2022 | 1150 | 16 | 512 SSD | yes | 6.9 | 2027 | yes | Core i5-1135G7
HP | ProBook 450 G9 | laptop | 2022-2025 | 850 | 16 | 512 SSD | yes | 7.2 | 2029 | yes | Core i5-1235U
Lenovo | ThinkPad L14 Gen 4 | laptop | 2023-2026 | 950 | 16 | 512 SSD | yes | 7.8 | 2030 | yes | AMD Ryzen 5 PRO 7530U
Dell | Latitude 5440 | laptop | 2023-2026 | 1100 | 16 | 512 SSD | yes | 8.1 | 2030 | yes | Core i5-1335U
Framework | Laptop 13 | laptop | 2022-2026 | 1250 | 16 | 512 SSD | yes | 8.7 | 2032 | yes | Core i5-1240P
Dell | OptiPlex 7040 SFF | desktop | 2014-2017 | 750 | 8 | 500 HDD | no | - | 2021 | no | Core i5-6500
HP | EliteDesk 800 G3 SFF | desktop | 2016-2018 | 780 | 8 | 256 SSD | no | - | 2022 | no | Core i5-7500
Lenovo | ThinkCentre M720q Tiny | desktop | 2018-2020 | 700 | 8 | 256 SSD | no | - | 2025 | yes | Core i5-8400T
Dell | OptiPlex 7070 Micro | desktop | 2018-2020 | 800 | 8 | 256 SSD | no | - | 2025 | yes | Core i5-9500T
HP | EliteDesk 800 G6 Mini | desktop | 2020-2022 | 820 | 16 | 256 SSD | no | 7.0 | 2027 | yes | Core i5-10500T
Lenovo | ThinkCentre M70q Gen 3 | desktop | 2022-2026 | 780 | 16 | 512 SSD | no | 7.4 | 2029 | yes | Core i5-12400T
Dell | OptiPlex 7010 SFF | desktop | 2023-2026 | 850 | 16 | 512 SSD | no | 7.6 | 2030 | yes | Core i5-13500
Dell | P2217H | monitor | 2014-2017 | 180 | - | - | no | - | 2020 | yes | -
Dell | P2419H | monitor | 2018-2021 | 190 | - | - | no | - | 2024 | yes | -
iiyama | ProLite XU2492HSU | monitor | 2018-2022 | 150 | - | - | no | - | 2025 | yes | -
Samsung | S24R650 | monitor | 2019-2022 | 170 | - | - | no | - | 2025 | yes | -
Lenovo | ThinkVision T24i-20 | monitor | 2020-2023 | 190 | - | - | no | - | 2026 | yes | -
HP | E24 G5 | monitor | 2022-2026 | 200 | - | - | no | - | 2029 | yes | -
Dell | P2423D | monitor | 2022-2026 | 230 | - | - | no | - | 2029 | yes | -
Samsung | Galaxy A5 (2017) | smartphone | 2016-2018 | 350 | 3 | 32 eMMC | yes | - | 2020 | no | Exynos 7880
Apple | iPhone SE (2e génération) | smartphone | 2020-2022 | 490 | 3 | 64 Flash | yes | 6.2 | 2026 | yes | A13 Bionic
Crosscall | Core-X4 | smartphone | 2020-2023 | 400 | 4 | 64 Flash | yes | 8.0 | 2025 | no | Snapdragon 450
Samsung | Galaxy A52 | smartphone | 2021-2022 | 350 | 4 | 128 Flash | yes | 6.4 | 2025 | no | Snapdragon 720G
Fairphone | Fairphone 4 | smartphone | 2021-2023 | 580 | 6 | 128 Flash | yes | 9.3 | 2028 | yes | Snapdragon 750G
Samsung | Galaxy XCover 6 Pro | smartphone | 2022-2026 | 480 | 6 | 128 Flash | yes | 8.5 | 2027 | yes | Snapdragon 778G
Fairphone | Fairphone 5 | smartphone | 2023-2026 | 700 | 8 | 256 Flash | yes | 9.3 | 2031 | yes | Qualcomm QCM6490
Apple | iPad Air 2 | tablet | 2014-2017 | 500 | 2 | 32 Flash | yes | - | 2021 | no | A8X
Lenovo | Tab M10 | tablet | 2019-2022 | 200 | 2 | 32 eMMC | yes | - | 2022 | no | Snapdragon 450
Samsung | Galaxy Tab Active3 | tablet | 2020-2023 | 550 | 4 | 64 Flash | yes | 7.1 | 2025 | yes | Exynos 9810
Apple | iPad (9e génération) | tablet | 2021-2023 | 400 | 3 | 64 Flash | yes | 6.3 | 2027 | yes | A13 Bionic
Samsung | Galaxy Tab A8 | tablet | 2022-2026 | 250 | 4 | 64 Flash | yes | 6.8 | 2026 | yes | Unisoc T618
Brother | HL-L5100DN | printer | 2014-2020 | 280 | - | - | no | - | 2023 | yes | -
Kyocera | ECOSYS M2540dn | printer | 2016-2021 | 400 | - | - | no | - | 2025 | yes | -
HP | LaserJet Pro M404dn | printer | 2019-2023 | 300 | - | - | no | - | 2027 | yes | -
Brother | MFC-L6910DN | printer | 2021-2026 | 650 | - | - | no | - | 2030 | yes | -
Dell | PowerEdge R630 | server | 2014-2017 | 6500 | 128 | 2400 HDD | no | - | 2022 | no | 2× Xeon E5-2630 v4
HPE | ProLiant DL380 Gen10 | server | 2017-2021 | 7500 | 256 | 3840 SSD | no | - | 2027 | yes | 2× Xeon Silver 4214
Dell | PowerEdge R650 | server | 2021-2026 | 8500 | 256 | 3840 SSD | no | - | 2031 | yes | 2× Xeon Silver 4314
Cisco | Catalyst 2960-X 48 | network | 2014-2018 | 2500 | - | - | no | - | 2022 | no | -
HPE Aruba | 2930F 48G | network | 2017-2022 | 2800 | - | - | no | - | 2027 | yes | -
HPE Aruba | AP-505 | network | 2020-2026 | 450 | - | - | no | - | 2030 | yes | -
Epson | EB-X05 (vidéoprojecteur) | other | 2014-2018 | 450 | - | - | no | - | 2021 | yes | -
Epson | EB-W51 (vidéoprojecteur) | other | 2019-2026 | 550 | - | - | no | - | 2028 | yes | -
Dell | WD19 (station d'accueil) | other | 2019-2026 | 220 | - | - | no | - | 2027 | yes | -
"""


def _parse_models(table):
    rows = []
    for line in table.strip().splitlines():
        (maker, name, slug, sold, price, ram, storage, battery, repair, support, upgradable,
         cpu) = (cell.strip() for cell in line.split("|"))
        first, last = (int(year) for year in sold.split("-"))
        size, kind = storage.split() if storage != "-" else (None, "")
        rows.append((maker, name, slug, first, last, int(price), None if ram == "-" else int(ram),
                     None if size is None else int(size), kind, "" if cpu == "-" else cpu, battery == "yes",
                     None if repair == "-" else repair, int(support), upgradable == "yes"))
    return rows


MODELS = _parse_models(MODELS_TABLE)

SERIAL_PREFIX = {
    "Dell": "", "Lenovo": "PF", "HP": "5CG", "Framework": "FRANBM", "iiyama": "11", "Samsung": "R5",
    "Apple": "F", "Crosscall": "CX", "Fairphone": "FP", "Brother": "E7", "Kyocera": "VCF",
    "HPE": "CZJ", "Cisco": "FOC", "HPE Aruba": "CNM", "Epson": "X4",
}

DEPARTMENTS = [
    ("DSI", "Direction des systèmes d'information"),
    ("EDU", "Éducation"),
    ("CULT", "Culture et médiathèques"),
    ("SPORT", "Sports"),
    ("SOC", "Action sociale (CCAS)"),
    ("CIT", "Citoyenneté et état civil"),
    ("RH", "Ressources humaines"),
    ("FIN", "Finances et commande publique"),
    ("COMM", "Communication"),
    ("URB", "Urbanisme et aménagement"),
    ("TECH", "Services techniques"),
    ("ENV", "Environnement et espaces verts"),
    ("POL", "Police municipale"),
]

# Building kinds: name pattern, departments that use them, rooms, roles of assignees.
OFFICE_ROLES = ("Accueil", "Poste partagé", "Secrétariat", "Responsable de service", "Salle de réunion")
BUILDINGS = {
    "mairie": ("Hôtel de ville", ("CIT", "RH", "FIN", "COMM", "URB"),
               ("Accueil", "État civil", "Bureau 104", "Bureau 210", "Salle du conseil", "Local informatique"),
               OFFICE_ROLES),
    "elem": ("École élémentaire {}", ("EDU",),
             ("Bureau de direction", "Classe 1", "Classe 2", "Salle informatique"),
             ("Salle de classe", "Direction d'école", "Poste partagé", "Classe mobile")),
    "mat": ("École maternelle {}", ("EDU",), ("Bureau de direction", "Salle des maîtres", "Classe des grands"),
            ("Salle de classe", "Direction d'école", "Poste partagé")),
    "media": ("Médiathèque {}", ("CULT",), ("Banque de prêt", "Espace numérique", "Bureau du personnel"),
              ("Accueil", "Poste public", "Poste partagé", "Bibliothécaire")),
    "gym": ("Gymnase {}", ("SPORT",), ("Accueil", "Bureau des éducateurs"),
            ("Accueil", "Éducateurs sportifs", "Gardien")),
    "ccas": ("CCAS", ("SOC",), ("Accueil", "Bureau des travailleurs sociaux", "Salle d'attente"),
             ("Accueil", "Travailleur social", "Poste partagé")),
    "ctm": ("Centre technique municipal", ("TECH", "ENV"), ("Atelier", "Bureau", "Magasin"),
            ("Équipe technique", "Astreinte", "Chef d'équipe", "Poste partagé")),
    "mdh": ("Maison des habitants {}", ("SOC", "CULT"), ("Accueil", "Espace public numérique"),
            ("Accueil", "Médiateur numérique", "Poste public")),
    "police": ("Poste de police municipale", ("POL",), ("Accueil", "Bureau"),
               ("Accueil", "Patrouille", "Astreinte")),
}
HEADQUARTERS = ("Le Forum (siège de la Métropole)", ("DSI", "RH", "FIN"))
STORE, WORKSHOP, SERVER_ROOM = "Magasin informatique", "Atelier de réparation", "Salle serveurs"
HQ_ROOMS = (STORE, WORKSHOP, SERVER_ROOM, "Plateau DSI", "Accueil")
NAMES = ("Jean Jaurès", "Jules Ferry", "Paul Bert", "Jean Moulin", "Anatole France", "Marie Curie",
         "Victor Hugo", "Lucie Aubrac", "Condorcet", "Louise Michel", "Les Buttes", "Le Village",
         "Jean Macé", "Simone Veil", "Pablo Neruda", "Elsa Triolet", "Les Saules", "Gabriel Péri")

# commune, weight in the fleet, counts of (elem, mat, media, gym, mdh), police post.
COMMUNES = [
    ("Grenoble", 5.0, (4, 3, 2, 2, 2), True),
    ("Échirolles", 2.0, (3, 2, 1, 1, 1), True),
    ("Saint-Martin-d'Hères", 2.0, (3, 2, 1, 1, 1), True),
    ("Fontaine", 1.2, (2, 1, 1, 1, 1), True),
    ("Meylan", 1.0, (2, 1, 1, 1, 0), True),
    ("Saint-Égrève", 0.9, (2, 1, 1, 1, 0), False),
    ("Seyssinet-Pariset", 0.7, (1, 1, 1, 1, 0), False),
    ("Sassenage", 0.6, (1, 1, 1, 1, 0), False),
    ("Eybens", 0.6, (1, 1, 1, 1, 1), False),
    ("Le Pont-de-Claix", 0.6, (1, 1, 1, 1, 1), False),
]

# Final statuses of the fleet: mostly in service (share in ‰).
STATUS_SHARES = [
    (S.IN_SERVICE, 670), (S.IN_STOCK, 70), (S.IN_REPAIR, 30), (S.RETIRED, 70), (S.AVAILABLE, 25),
    (S.RESERVED, 10), (S.DONATED, 50), (S.RECYCLED, 65), (S.LOST, 10),
]

# ORDS fault category, categories concerned, symptom, repair action, parts, parts cost range.
FAULTS = [
    ("power", "laptop smartphone tablet", "Autonomie de moins d'une heure, batterie gonflée",
     "Remplacement de la batterie", "Batterie", (45, 120)),
    ("display", "laptop smartphone tablet", "Écran fissuré", "Remplacement de la dalle", "Dalle", (60, 220)),
    ("display", "monitor", "Plus d'image, rétroéclairage éteint", "Remplacement de la carte d'alimentation",
     "Carte d'alimentation", (25, 60)),
    ("storage", "laptop desktop server", "Démarrage très lent, erreurs disque",
     "Remplacement du disque par un SSD", "SSD 512 Go", (35, 80)),
    ("memory", "laptop desktop server", "Écrans bleus aléatoires", "Barrette mémoire défectueuse remplacée",
     "Mémoire 8 Go", (25, 60)),
    ("input", "laptop", "Plusieurs touches du clavier inopérantes", "Remplacement du clavier",
     "Clavier AZERTY", (35, 90)),
    ("case", "laptop tablet", "Charnière cassée", "Remplacement des charnières", "Kit charnières", (15, 60)),
    ("overheating", "laptop desktop server", "S'éteint en pleine utilisation",
     "Nettoyage et remplacement du ventilateur", "Ventilateur", (12, 45)),
    ("connectivity", "smartphone tablet laptop network", "Port de charge ou réseau défaillant",
     "Remplacement du connecteur", "Connecteur", (10, 40)),
    ("performance", "laptop desktop", "Très lent à l'usage", "Ajout de mémoire et réinstallation",
     "Mémoire 8 Go", (25, 60)),
    ("software", "laptop desktop smartphone tablet", "Ne démarre plus après une mise à jour",
     "Réinstallation du système", "", (0, 0)),
    ("printing", "printer", "Bourrages papier répétés", "Remplacement du kit de maintenance",
     "Kit rouleaux", (40, 150)),
    ("motherboard", "laptop desktop monitor printer network other smartphone tablet server",
     "Ne s'allume plus", "Remplacement de la carte mère", "Carte mère", (120, 400)),
    ("other", "other monitor printer network", "Dysfonctionnement intermittent",
     "Contrôle et nettoyage", "", (0, 0)),
]
BARRIERS = [b for b in Repair.Barrier.values if b]
NOTES = ("Mise à jour du système effectuée", "Batterie contrôlée", "Étiquette recollée",
         "Utilisé pour les ateliers numériques", "Prêté pour un événement municipal",
         "Câble d'alimentation remplacé", "Signalé lent par l'utilisateur", "Contrôle annuel : RAS",
         "Housse de protection ajoutée", "Mot de passe BIOS réinitialisé")
ERASURE_METHODS = ("NIST 800-88 Purge (effacement cryptographique)", "Réécriture (recommandations ANSSI)",
                   "Réinitialisation d'usine chiffrée")
SUPPLIERS_NEW = ("UGAP", "Inmac Wstore", "Econocom", "Bechtle", "Dell Technologies", "Computacenter")
SUPPLIERS_REFURBISHED = ("Ecodair", "Les Ateliers du Bocage", "Back Market Pro", "Recyclea")
DONORS = ("Département de l'Isère", "Don d'une entreprise locale", "Région Auvergne-Rhône-Alpes")

SHORT, LONG, REPAIR_GAP = "short", "long", "repair"


class FleetRefused(Exception):
    """The register is not empty (and no ``replace``), or the arguments make no sense."""


@dataclass
class FleetSummary:
    devices: int = 0
    events: int = 0
    repairs: int = 0
    statuses: dict = field(default_factory=dict)


@dataclass
class _Catalogue:
    categories: dict  # slug -> Category
    models_by_year: dict  # (slug, year) -> list of DeviceModel
    rooms: list  # (site_id, full_name, building kind, department codes)
    room_cumweights: list
    special: dict  # STORE/WORKSHOP/SERVER_ROOM -> a room like those above
    departments: dict  # code -> id


def generate_fleet(*, devices, seed=1, events_per_device=10, today=None, replace=False,
                   actor_ids=(), batch_size=1000, progress=None):
    """Add ``devices`` synthetic devices (and their journals) to an empty register.

    Refuses when devices already exist, unless ``replace`` (which first deletes every device
    and every row depending on one: see ``wipe_devices``). The catalogue, sites and departments
    are created when missing and reused otherwise. ``actor_ids`` are user ids the journal
    attributes events to (none: anonymous). Deterministic for a given ``seed`` and ``today``.
    """
    if devices < 0 or events_per_device < 1:
        raise FleetRefused("devices must be ≥ 0 and events per device ≥ 1.")
    with transaction.atomic():
        if replace:
            wipe_devices()
        elif Device.objects.exists():
            raise FleetRefused(
                f"The register already holds {Device.objects.count()} devices: generate_fleet only "
                "adds to an empty register (use --replace to delete them first)."
            )
        catalogue = ensure_reference_data()
        builder = _FleetBuilder(
            catalogue, seed=seed, today=today or timezone.localdate(), events_per_device=events_per_device,
            actor_ids=list(actor_ids), first_device_id=_next_id(Device), first_repair_id=_next_id(Repair),
        )
        summary = FleetSummary()
        for start in range(0, devices, batch_size):
            builder.write_batch(range(start, min(devices, start + batch_size)), summary)
            if progress:
                progress(summary)
        reset_sequences(Device, Repair)
        analyze(Device, Repair, Event, Site, DeviceModel, Category, Department)
        return summary


def _next_id(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def wipe_devices():
    """Delete every device and every row that points at one, directly or not (raw SQL).

    For generated registers only (benchmarks, demos): the journal is append-only for the
    application, so this bypasses the ORM. Catalogue, sites, departments and users stay.
    """
    order = _models_depending_on_devices()
    tables = [connection.ops.quote_name(model._meta.db_table) for model in reversed(order)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses to run while deferred foreign-key checks of this transaction are
            # pending (rows inserted earlier in it): run those checks now.
            connection.check_constraints()
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def _models_depending_on_devices():
    """Device, then every model with a foreign or one-to-one key to one already found."""
    found = [Device]
    every = apps.get_models(include_auto_created=True)
    grew = True
    while grew:
        grew = False
        for model in every:
            if model in found or model._meta.proxy or not model._meta.managed:
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.append(model)
                grew = True
    return found


def ensure_reference_data():
    """Create the categories, models, sites and departments the fleet uses, when missing.

    A few hundred rows at most, each looked up by its natural key, so running it again (or on
    a register that already has some of them) creates nothing twice.
    """
    categories = {}
    for slug, name, lifespan, depreciation, kg, storage, _share, _warranty in CATEGORIES:
        categories[slug], _ = Category.objects.get_or_create(slug=slug, defaults={
            "name": name, "planned_lifespan_years": lifespan, "depreciation_years": depreciation,
            "embodied_kgco2e": Decimal(kg) if kg else None,
            "footprint_source": ADEME_SOURCE if kg else NO_FACTOR, "carries_storage": storage,
        })
    existing_models = {(m.manufacturer, m.name): m for m in DeviceModel.objects.all()}
    models_by_year = {}
    for (maker, name, slug, first, last, price, ram, storage, kind, cpu, battery, repair, support,
         upgradable) in MODELS:
        model = existing_models.get((maker, name))
        if model is None:
            model = DeviceModel.objects.create(
                manufacturer=maker, name=name, category=categories[slug], reference_price=Decimal(price),
                ram_gb=ram, storage_gb=storage, storage_kind=kind, cpu=cpu, has_battery=battery,
                repairability_index=Decimal(repair) if repair else None,
                vendor_support_end=dt.date(support, 12, 31), os_upgradable=upgradable,
            )
        for year in range(first, last + 1):
            models_by_year.setdefault((slug, year), []).append(model)
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code] = Department.objects.get_or_create(code=code, defaults={"name": name})[0].pk
    rooms, weights, special = _ensure_sites()
    cumulative = list(itertools.accumulate(weights))
    return _Catalogue(categories, models_by_year, rooms, cumulative, special, departments)


def _ensure_sites():
    by_key = {(s.parent_id, s.name): s for s in Site.objects.all()}

    def site(name, kind, parent=None):
        key = (parent.pk if parent else None, name)
        if key not in by_key:
            by_key[key] = Site.objects.create(name=name, kind=kind, parent=parent)
        return by_key[key]

    rooms, weights, special = [], [], {}
    names = itertools.cycle(NAMES)
    for commune_name, weight, counts, police in COMMUNES:
        commune = site(commune_name, Site.Kind.COMMUNE)
        kinds = ["mairie", "ccas", "ctm"] + ["police"] * police
        for kind, count in zip(("elem", "mat", "media", "gym", "mdh"), counts, strict=True):
            kinds += [kind] * count
        buildings = []
        for kind in kinds:
            pattern, departments, room_names, _roles = BUILDINGS[kind]
            name = pattern.format(next(names)) if "{}" in pattern else pattern
            buildings.append((site(name, Site.Kind.BUILDING, commune), kind, departments, room_names))
        if commune_name == COMMUNES[0][0]:
            hq = site(HEADQUARTERS[0], Site.Kind.BUILDING, commune)
            buildings.append((hq, "hq", HEADQUARTERS[1], HQ_ROOMS))
        per_room = weight / sum(len(b[3]) for b in buildings)
        for building, kind, departments, room_names in buildings:
            for room_name in room_names:
                room = site(room_name, Site.Kind.ROOM, building)
                if kind == "hq" and room_name in (STORE, WORKSHOP, SERVER_ROOM):
                    special[room_name] = (room.pk, room.full_name, "hq", ("DSI",))
                    continue
                rooms.append((room.pk, room.full_name, kind, departments))
                weights.append(per_room)
    return rooms, weights, special


DEVICE_FIELDS = (
    "id", "asset_tag", "serial_number", "model", "manufacturer", "status", "status_changed_at", "site",
    "department", "assignee", "purchase_date", "purchase_price", "supplier", "order_reference",
    "acquired_as", "warranty_end", "planned_renewal_year", "replacement_price", "last_seen",
)
REPAIR_FIELDS = (
    "id", "device", "opened_at", "opened_by", "closed_at", "closed_by", "symptom", "fault_category",
    "diagnosis", "action", "parts", "estimated_cost", "cost", "labour_minutes", "outcome", "barrier",
)
EVENT_FIELDS = ("device", "kind", "from_status", "to_status", "actor", "at", "note", "repair", "data")


class _FleetBuilder:
    """Plans devices one by one from a seeded RNG into rows, written in bulk batch by batch.

    Device and repair ids are allocated here (after the current maximum) so that journal rows
    can point at them without reading anything back; sequences are reset at the end.
    """

    def __init__(self, catalogue, *, seed, today, events_per_device, actor_ids, first_device_id,
                 first_repair_id):
        self.c = catalogue
        self.rng = random.Random(seed)
        self.today = today
        self.events_per_device = events_per_device
        self.actors = actor_ids or [None]
        self.prefix = settings.PROLONGE["ASSET_TAG_PREFIX"]
        self.ceiling = Decimal(settings.PROLONGE["DONATION_UNIT_CEILING_EUR"])
        # Times are "ordinal days" (floats) until written; the last possible one is yesterday.
        self.window_end = today.toordinal() - 0.01
        self.category_specs = {row[0]: row for row in CATEGORIES}
        self.category_cum = list(itertools.accumulate(row[6] for row in CATEGORIES))
        self.status_cum = list(itertools.accumulate(share for _status, share in STATUS_SHARES))
        self.faults = {slug: [f for f in FAULTS if slug in f[1].split()] for slug in self.category_specs}
        self.room_roles = {kind: spec[3] for kind, spec in BUILDINGS.items()} | {"hq": OFFICE_ROLES}
        self.order_seq = itertools.count(1)
        self.first_device_id = first_device_id
        self.repair_ids = itertools.count(first_repair_id)
        self.devices, self.repairs, self.events = [], [], []

    # -- choices -----------------------------------------------------------------------------
    def _pick(self, cumulative):
        return bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])

    def _actor(self):
        return self.actors[self.rng.randrange(len(self.actors))]

    def _status(self, n):
        if n < len(STATUS_SHARES):  # every status present as soon as there are 9 devices
            return STATUS_SHARES[n][0]
        return STATUS_SHARES[self._pick(self.status_cum)][0]

    def _category(self, n):
        if len(STATUS_SHARES) <= n < len(STATUS_SHARES) + len(CATEGORIES):  # and every category
            return CATEGORIES[n - len(STATUS_SHARES)][0]
        return CATEGORIES[self._pick(self.category_cum)][0]

    def _age_days(self, status, lifespan):
        """Age at ``today``: young devices in stock, old ones retired, donated or recycled."""
        u = self.rng.uniform
        top = 12.0
        if status == S.IN_STOCK:
            years = u(0.02, 0.5) if self.rng.random() < 0.5 else u(0.5, lifespan)
        elif status == S.IN_SERVICE:
            years = u(0.05, min(top, lifespan * 1.4))
        elif status == S.IN_REPAIR:
            years = u(0.5, min(top, lifespan * 1.3))
        elif status in (S.AVAILABLE, S.RESERVED, S.DONATED):
            years = u(min(0.7 * lifespan, 8.0), min(9.5, 1.6 * lifespan))
        elif status in (S.RETIRED, S.RECYCLED):
            years = u(min(0.8 * lifespan, 10.0), top)
        else:
            years = u(0.2, top)
        return max(7, int(min(top, years) * 365.25))

    def _model(self, slug, year):
        choices = self.c.models_by_year.get((slug, year))
        if not choices:  # before or after every model of the category: the closest year
            years = [y for (s, y) in self.c.models_by_year if s == slug]
            nearest = min(years, key=lambda y: abs(y - year))
            choices = self.c.models_by_year[(slug, nearest)]
        return choices[self.rng.randrange(len(choices))]

    def _room(self, slug):
        if slug in ("server", "network") and self.rng.random() < 0.5:
            return self.c.special[SERVER_ROOM]
        return self.c.rooms[self._pick(self.c.room_cumweights)]

    def _acquired_as(self, year):
        x = self.rng.random()
        refurbished = 0.18 if year >= 2022 else 0.07  # AGEC (2021+) pushes reused purchases
        if x < refurbished:
            return AcquiredAs.REFURBISHED
        if x < refurbished + 0.04:
            return AcquiredAs.DONATED_IN
        return AcquiredAs.NEW

    def _purchase(self, model, acquired, purchase, warranties):
        """(price € HT or None, supplier or donor, warranty end or None)."""
        rng = self.rng
        if acquired == AcquiredAs.DONATED_IN:
            return None, rng.choice(DONORS), None
        factor = rng.uniform(0.85, 1.1) if acquired == AcquiredAs.NEW else rng.uniform(0.4, 0.6)
        price = None if rng.random() < 0.02 else Decimal(f"{float(model.reference_price) * factor:.2f}")
        if acquired == AcquiredAs.NEW:
            supplier, years = rng.choice(SUPPLIERS_NEW), rng.choice(warranties)
        else:
            supplier, years = rng.choice(SUPPLIERS_REFURBISHED), 2
        return price, supplier, _years_later(purchase, years)

    def _filler_kind(self, planned):
        x = self.rng.random()
        if x < 0.4:
            return K.SIGHTED
        if x < 0.55:
            return K.MOVED
        if x < 0.7:
            return K.ASSIGNED
        if x < 0.78:
            return K.EDITED
        if x < 0.85 and planned:
            return K.PLANNED
        return K.NOTE

    # -- one device --------------------------------------------------------------------------
    def plan(self, n):
        """Append device number ``n``, its repairs and its journal to the pending rows."""
        rng = self.rng
        device_id = self.first_device_id + n
        status = self._status(n)
        slug = self._category(n)
        spec = self.category_specs[slug]
        lifespan, storage, warranties = spec[2], spec[5], spec[7]
        age = self._age_days(status, lifespan)
        purchase = self.today - dt.timedelta(days=age)
        model = self._model(slug, purchase.year)
        home = self._room(slug)
        department = self.c.departments[rng.choice(home[3])]
        acquired = self._acquired_as(purchase.year)
        price, supplier, warranty = self._purchase(model, acquired, purchase, warranties)
        order = "" if acquired == AcquiredAs.DONATED_IN else f"BC-{purchase.year}-{next(self.order_seq):06d}"

        final_site = home
        if status == S.IN_STOCK or (status in (S.RETIRED, S.AVAILABLE, S.RESERVED, S.DONATED, S.RECYCLED)
                                    and rng.random() < 0.8):
            final_site = self.c.special[STORE]
        elif status == S.IN_REPAIR and rng.random() < 0.8:
            final_site = self.c.special[WORKSHOP]
        roles = self.room_roles[home[2]]
        assignee = rng.choice(roles) if status == S.IN_SERVICE and rng.random() < 0.85 else ""
        planned = None
        if status in (S.IN_SERVICE, S.IN_STOCK, S.IN_REPAIR) and rng.random() < 0.35:
            planned = max(purchase.year + lifespan, self.today.year)

        # The status path first (with its repairs), then filler events around it.
        steps, outcomes = self._path(status, storage, age)
        t_start = purchase.toordinal() + rng.random() * 0.5
        t_end = max(self.window_end, t_start + 0.05)
        events = [(t_start, K.CREATED, "", S.IN_STOCK, "Enregistré à la réception", None, None)]
        current, repair = S.IN_STOCK, None
        for (to, kind, _gap, extra), at in zip(steps, self._times(steps, t_start, t_end), strict=True):
            if to is None:  # an erasure: no status change
                events.append((at, K.ERASED, "", "", f"Effacement des données : {extra} — réussi", None,
                               {"method": extra, "passed": True}))
                continue
            data = None
            if kind == K.REPAIR_OPENED:
                repair = self._open_repair(device_id, slug, outcomes[extra], _when(at))
            elif kind == K.REPAIR_CLOSED:
                self._close_repair(repair, outcomes[extra], _when(at))
            elif kind == K.DONATED:
                day = dt.date.fromordinal(int(at))
                data = {"value": str(min(self.ceiling, _book_value(price, purchase, day, spec[3])))}
            repair_id = repair[0] if kind in (K.REPAIR_OPENED, K.REPAIR_CLOSED) else None
            events.append((at, kind, current, to, "", repair_id, data))
            current = to
        assert current == status, (current, status)
        status_at = events[-1][0]

        spread = self.events_per_device // 2
        wanted = self.events_per_device + rng.randint(-spread, spread)
        filler_end = status_at if status in TERMINAL else t_end
        span = filler_end - t_start
        filler_times = sorted(t_start + span * rng.random() for _ in range(max(0, wanted - len(events))))
        kinds = [self._filler_kind(planned) for _ in filler_times]
        sites = [self._room(slug)[1] for _ in range(kinds.count(K.MOVED))] + [final_site[1]]
        people = [rng.choice(("", *roles)) for _ in range(kinds.count(K.ASSIGNED))] + [assignee]
        last_seen, moved, assigned, edited = None, 0, 0, False
        for at, kind in zip(filler_times, kinds, strict=True):
            note, data = "", None
            if kind == K.SIGHTED:
                last_seen = _when(at)
                note = f"Inventaire {last_seen.year}"
            elif kind == K.MOVED:
                data = {"changes": {"site": [sites[moved], sites[moved + 1]]}}
                moved += 1
            elif kind == K.ASSIGNED and people[assigned] != people[assigned + 1]:
                data = {"changes": {"assignee": [people[assigned], people[assigned + 1]]}}
                assigned += 1
            elif kind == K.PLANNED:
                note, data = f"Renouvellement prévu au budget {planned}", {"year": planned}
            elif kind == K.EDITED and order and not edited:
                edited = True
                note, data = "Référence de commande complétée", {"changes": {"order_reference": ["", order]}}
            else:
                assigned += kind == K.ASSIGNED
                kind, note = K.NOTE, NOTES[rng.randrange(len(NOTES))]
            events.append((at, kind, "", "", note, None, data))
        events.sort(key=_first)

        self.devices.append((
            device_id, f"{self.prefix}-{n + 1:06d}",
            "" if rng.random() < 0.01 else _serial(model.manufacturer, n), model.pk, model.manufacturer,
            status, _when(status_at), final_site[0], department, assignee, purchase, price, supplier, order,
            acquired, warranty, planned, model.reference_price if planned else None, last_seen,
        ))
        actors, pick = self.actors, rng.randrange
        self.events.extend(
            (device_id, kind, from_status, to_status, actors[pick(len(actors))], _when(at), note, repair_id, data)
            for at, kind, from_status, to_status, note, repair_id, data in events
        )

    def _path(self, status, storage, age_days):
        """Status steps from ``in_stock`` to ``status``: (to, kind, gap, extra); repair outcomes.

        Every step is an allowed transition of ``lifecycle.TRANSITIONS`` (checked below).
        """
        rng = self.rng
        r = rng.random
        steps, outcomes = [], []

        def repair(outcome):
            outcomes.append(outcome)
            return len(outcomes) - 1

        if status == S.IN_STOCK and r() < 0.5:
            return steps, outcomes  # new, not deployed yet
        if status == S.LOST and r() < 0.2:
            steps.append((S.LOST, K.STATUS, LONG, None))
            return steps, outcomes
        steps.append((S.IN_SERVICE, K.STATUS, SHORT, None))
        for _ in range(min(4, _poisson(rng, age_days / 365.25 * 0.2))):
            x = r()
            if x < 0.6:
                outcome = Repair.Outcome.FIXED if r() < 0.85 else Repair.Outcome.REPAIRABLE
                i = repair(outcome)
                steps.append((S.IN_REPAIR, K.REPAIR_OPENED, LONG, i))
                if outcome == Repair.Outcome.FIXED:
                    steps.append((S.IN_SERVICE, K.REPAIR_CLOSED, REPAIR_GAP, i))
                else:
                    steps.append((S.IN_STOCK, K.REPAIR_CLOSED, REPAIR_GAP, i))
                    steps.append((S.IN_SERVICE, K.STATUS, SHORT, None))
            elif x < 0.85:
                steps += [(S.IN_STOCK, K.STATUS, LONG, None), (S.IN_SERVICE, K.STATUS, SHORT, None)]
            else:
                steps += [(S.RETIRED, K.STATUS, LONG, None), (S.IN_STOCK, K.REDEPLOYED, SHORT, None),
                          (S.IN_SERVICE, K.STATUS, SHORT, None)]
        if status == S.IN_STOCK:
            steps.append((S.IN_STOCK, K.STATUS, LONG, None))
        elif status == S.IN_REPAIR:
            steps.append((S.IN_REPAIR, K.REPAIR_OPENED, LONG, repair(None)))
        elif status == S.LOST:
            steps.append((S.LOST, K.STATUS, LONG, None))
        elif status != S.IN_SERVICE:
            if r() < 0.25:
                i = repair(Repair.Outcome.END_OF_LIFE)
                steps += [(S.IN_REPAIR, K.REPAIR_OPENED, LONG, i), (S.RETIRED, K.REPAIR_CLOSED, REPAIR_GAP, i)]
            else:
                steps.append((S.RETIRED, K.STATUS, LONG, None))
            if status != S.RETIRED:
                if storage:
                    steps.append((None, K.ERASED, SHORT, ERASURE_METHODS[rng.randrange(len(ERASURE_METHODS))]))
                if status == S.RECYCLED and r() < 0.8:
                    steps.append((S.RECYCLED, K.STATUS, SHORT, None))
                else:
                    steps.append((S.AVAILABLE, K.OFFERED, SHORT, None))
                    if status == S.RECYCLED:
                        steps.append((S.RECYCLED, K.STATUS, SHORT, None))
                    elif status != S.AVAILABLE:
                        steps.append((S.RESERVED, K.CLAIMED, SHORT, None))
                        if status == S.DONATED:
                            steps.append((S.DONATED, K.DONATED, SHORT, None))
        current = S.IN_STOCK
        for to, *_rest in steps:
            if to is not None:
                assert to in TRANSITIONS[current], (current, to)
                current = to
        return steps, outcomes

    def _times(self, steps, t_start, t_end):
        """Times of the steps: short gaps of days, long ones sharing most of the device's life."""
        rng = self.rng
        window = t_end - t_start
        gaps = []
        for _to, _kind, gap, _extra in steps:
            if gap == SHORT:
                gaps.append(rng.uniform(0.5, 30))
            elif gap == REPAIR_GAP:
                gaps.append(rng.uniform(1, 45))
            else:
                gaps.append(None)
        fixed = sum(g for g in gaps if g is not None)
        if fixed > window * 0.4:
            scale = window * 0.4 / fixed
            gaps = [g * scale if g is not None else None for g in gaps]
            fixed = window * 0.4
        longs = [rng.uniform(0.5, 1.5) if g is None else 0 for g in gaps]
        total_long = max(0.0, window * rng.uniform(0.55, 0.97) - fixed)
        weight = sum(longs) or 1
        times, t = [], t_start
        for g, w in zip(gaps, longs, strict=True):
            t += g if g is not None else total_long * w / weight
            times.append(min(t, t_end))
        return times

    def _open_repair(self, device_id, slug, outcome, at):
        """A repair row (a list, closed later in place); ``outcome`` None: still open."""
        rng = self.rng
        fault, _cats, symptom, action, parts, (low, high) = self.faults[slug][rng.randrange(len(self.faults[slug]))]
        estimate = Decimal(f"{rng.uniform(low, high) * 1.1:.2f}") if high else Decimal("0")
        row = [next(self.repair_ids), device_id, at, self._actor(), None, None, symptom, fault,
               "" if outcome is None else f"Diagnostic : {symptom.lower()}",
               "" if outcome is None else action, parts if outcome == Repair.Outcome.FIXED else "",
               estimate, None, rng.choice((15, 30, 45, 60, 90, 120, 180)) if outcome else None, "", ""]
        self.repairs.append(row)
        return row

    def _close_repair(self, row, outcome, at):
        rng = self.rng
        row[4], row[5], row[14] = at, self._actor(), outcome
        if outcome == Repair.Outcome.FIXED:
            row[12] = (row[11] * Decimal(f"{rng.uniform(0.8, 1.2):.2f}")).quantize(Decimal("0.01"))
        elif outcome == Repair.Outcome.REPAIRABLE:
            row[9], row[12] = "En attente de pièce ; remis en stock", Decimal("0")
        else:
            row[9], row[12] = "Réparation non rentable : appareil réformé", Decimal("0")
            row[15] = BARRIERS[rng.randrange(len(BARRIERS))]

    # -- writing -----------------------------------------------------------------------------
    def write_batch(self, numbers, summary):
        for n in numbers:
            self.plan(n)
        insert_rows(Device, DEVICE_FIELDS, self.devices)
        insert_rows(Repair, REPAIR_FIELDS, self.repairs)
        insert_rows(Event, EVENT_FIELDS, self.events)
        summary.devices += len(self.devices)
        summary.repairs += len(self.repairs)
        summary.events += len(self.events)
        for row in self.devices:
            summary.statuses[row[5]] = summary.statuses.get(row[5], 0) + 1
        self.devices, self.repairs, self.events = [], [], []


def insert_rows(model, field_names, rows):
    """Insert rows of Python values for ``field_names``: COPY on PostgreSQL, else executemany.

    ``bulk_create`` builds a model instance per row and prepares every value through its field
    (several µs each): for the million journal rows of a 100k fleet that was most of the time.
    Here values are adapted per column type only where the driver needs it (aware datetimes to
    UTC text on SQLite, JSON to text); other concrete fields get their default, so a column
    added later does not break the generator.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    extra = [f for f in model._meta.concrete_fields if f not in fields and not f.primary_key]
    defaults = tuple(_adapter(f)(_default(f)) for f in extra)
    adapters = [(i, _adapter(f)) for i, f in enumerate(fields) if _adapter(f) is not _same]
    if adapters or defaults:
        rows = [_adapt(row, adapters) + defaults for row in rows]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields + extra)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * (len(fields) + len(extra)))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _same(value):
    return value


def _json(value):
    return "{}" if value is None else json.dumps(value)


def _utc_text(value):
    return None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _adapter(model_field):
    if isinstance(model_field, models.JSONField):
        return _json
    if isinstance(model_field, models.DateTimeField) and connection.vendor != "postgresql":
        return _utc_text
    return _same


def _adapt(row, adapters):
    row = list(row)
    for i, adapt in adapters:
        row[i] = adapt(row[i])
    return tuple(row)


def _default(model_field):
    if isinstance(model_field, models.DateTimeField) and (model_field.auto_now or model_field.auto_now_add):
        return timezone.now()
    return model_field.get_default()


def analyze(*model_classes):
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Until autovacuum gets to the new rows, the planner believes the tables are nearly empty
    and picks nested loops over 100k rows (seen in the device list benchmark).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reset_sequences(*model_classes):
    """After inserting explicit ids: make the database's next id follow the largest one."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_classes)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _when(day):
    """An "ordinal day" float as an aware datetime, squeezed into office hours (07:00–17:00 UTC).

    The mapping keeps the order of times, so the journal's order is the planned one.
    """
    whole = int(day)
    return _midnight(whole) + dt.timedelta(hours=7 + (day - whole) * 10)


@functools.lru_cache(maxsize=8192)
def _midnight(ordinal):
    return dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(), tzinfo=dt.UTC)


def _first(event):
    return event[0]


def _serial(maker, n):
    """A serial unique per device: an odd multiplier (prime to 36) is a bijection modulo 36**8."""
    value = (n * 2654435761 + 97) % 36**8
    digits = []
    for _ in range(8):
        value, r = divmod(value, 36)
        digits.append("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r])
    return SERIAL_PREFIX.get(maker, "") + "".join(digits)


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 3, 1)


def _book_value(price, purchase, day, depreciation_years):
    if price is None:
        return Decimal("0")
    share = max(0.0, 1 - (day - purchase).days / (depreciation_years * 365.25))
    return (price * Decimal(f"{share:.4f}")).quantize(Decimal("0.01"))


def _poisson(rng, mean):
    """Knuth's method: small means only (repair cycles over a device's life)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
