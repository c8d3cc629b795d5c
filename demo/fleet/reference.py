"""Reference data of the synthetic fleet, and the rows it needs before any device.

The tables (categories with the ADEME factors of DOMAIN.md §5, ~50 device models, communes of
the Grenoble area with their buildings and rooms, departments, status shares, ORDS faults,
suppliers) are what the builder draws from; ``ensure_reference_data()`` creates the catalogue,
sites and departments they describe, once, and returns them as a ``Catalogue``.
"""

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from inventory.models import Category, Department, DeviceModel, Repair, Site, Status

S = Status
ADEME_SOURCE = (
    "NegaOctet (ADEME Base Impacts, 2018–2021 inventory), distributed by Boavizta (boaviztapi 2.5.0, "
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


@dataclass
class Catalogue:
    categories: dict  # slug -> Category
    models_by_year: dict  # (slug, year) -> list of DeviceModel
    rooms: list  # (site_id, full_name, building kind, department codes)
    room_cumweights: list
    special: dict  # STORE/WORKSHOP/SERVER_ROOM -> a room like those above
    departments: dict  # code -> id


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
                # Parts a technician can change: laptops and desktops, not phones or tablets.
                ram_upgradable=slug in ("laptop", "desktop"), storage_upgradable=slug in ("laptop", "desktop"),
                battery_replaceable=slug == "laptop",
            )
        for year in range(first, last + 1):
            models_by_year.setdefault((slug, year), []).append(model)
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code] = Department.objects.get_or_create(code=code, defaults={"name": name})[0].pk
    rooms, weights, special = _ensure_sites()
    cumulative = list(itertools.accumulate(weights))
    return Catalogue(categories, models_by_year, rooms, cumulative, special, departments)


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
