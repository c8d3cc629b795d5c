"""Import profiles: which column of a file feeds which device field, and what its statuses mean.

A profile maps each field to the header names a tool writes (compared whatever the case, accents
and underscores) and carries a status table (label → status code) and a category table (the
tool's type names → our category slugs). Built-in profiles: ``prolonge`` (our own exports, both
dialects), ``glpi``, ``snipeit``, ``template`` (the French spreadsheet template of
docs/import.md). A custom profile saved in the database (``ImportProfile``) starts from a
built-in one and overrides columns and statuses.
"""

from dataclasses import dataclass, field, replace

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import AcquiredAs, Ownership, Status
from .cells import fold

# Every field an import can fill, in the order of the French template.
FIELDS = (
    "asset_tag", "serial_number", "manufacturer", "model", "category", "status", "status_changed_at", "site",
    "department", "assignee", "purchase_date", "use_date", "purchase_price", "vat_rate", "supplier",
    "order_reference", "acquired_as", "recycled_content", "warranty_end", "warranty_months", "ownership", "lessor",
    "contract_end", "accounting_number", "planned_renewal_year", "replacement_price", "last_seen", "notes",
)

TEMPLATE_COLUMNS = {
    "asset_tag": "numero_inventaire",
    "serial_number": "numero_serie",
    "manufacturer": "fabricant",
    "model": "modele",
    "category": "categorie",
    "status": "statut",
    "status_changed_at": "date_statut",
    "site": "site",
    "department": "service",
    "purchase_date": "date_achat",
    "use_date": "date_mise_en_service",
    "purchase_price": "prix_ht",
    "vat_rate": "taux_tva",
    "supplier": "fournisseur",
    "order_reference": "reference_commande",
    "acquired_as": "mode_acquisition",
    "recycled_content": "contenu_recycle",
    "warranty_end": "fin_garantie",
    "ownership": "propriete",
    "lessor": "bailleur",
    "contract_end": "fin_contrat",
    "accounting_number": "numero_immo_comptable",
    "notes": "notes",
    "assignee": "attributaire",
}


def _our_status_labels():
    table = {}
    for code, label in Status.choices:
        table[fold(code)] = code
        table[fold(str(label))] = code
        with translation.override("fr"):
            table[fold(str(label))] = code
    return table


COMMON_STATUSES = {
    "en service": Status.IN_SERVICE, "en stock": Status.IN_STOCK, "stock": Status.IN_STOCK,
    "en reparation": Status.IN_REPAIR, "reforme": Status.RETIRED, "retire": Status.RETIRED,
    "rebut": Status.RECYCLED, "recycle": Status.RECYCLED, "detruit": Status.RECYCLED, "perdu": Status.LOST,
    "vole": Status.LOST, "donne": Status.DONATED, "don": Status.DONATED,
}
GLPI_STATUSES = {**COMMON_STATUSES, "en utilisation": Status.IN_SERVICE, "a reformer": Status.RETIRED,
                 "hors service": Status.RETIRED, "en panne": Status.RETIRED}
SNIPEIT_STATUSES = {
    "ready to deploy": Status.IN_STOCK, "deployed": Status.IN_SERVICE, "pending": Status.IN_STOCK,
    "archived": Status.RETIRED, "broken": Status.RETIRED, "out for repair": Status.IN_REPAIR,
    "out for diagnostics": Status.IN_REPAIR, "lost/stolen": Status.LOST, "lost": Status.LOST,
    "stolen": Status.LOST, "recycled": Status.RECYCLED, "donated": Status.DONATED,
}
CATEGORY_ALIASES = {
    "portable": "laptop", "ordinateur portable": "laptop", "laptop": "laptop", "notebook": "laptop",
    "ordinateur de bureau": "desktop", "poste fixe": "desktop", "tour": "desktop", "desktop": "desktop",
    "unite centrale": "desktop", "computer": "desktop", "ordinateur": "desktop",
    "moniteur": "monitor", "ecran": "monitor", "monitor": "monitor", "monitors": "monitor",
    "telephone": "smartphone", "smartphone": "smartphone", "mobile": "smartphone", "phone": "smartphone",
    "tablette": "tablet", "tablet": "tablet", "imprimante": "printer", "printer": "printer",
    "serveur": "server", "server": "server", "switch": "network", "routeur": "network", "router": "network",
    "materiel reseau": "network", "network equipment": "network", "networking": "network",
    "laptops": "laptop", "desktops": "desktop", "tablets": "tablet", "printers": "printer", "servers": "server",
    "mobile phones": "smartphone", "smartphones": "smartphone",
}
ACQUIRED_AS = {
    **{fold(code): code for code in AcquiredAs.values},
    "neuf": AcquiredAs.NEW, "achat neuf": AcquiredAs.NEW, "new": AcquiredAs.NEW,
    "reconditionne": AcquiredAs.REFURBISHED, "occasion": AcquiredAs.REFURBISHED, "reemploi": AcquiredAs.REFURBISHED,
    "refurbished": AcquiredAs.REFURBISHED, "don": AcquiredAs.DONATED_IN, "donation": AcquiredAs.DONATED_IN,
    "recu en don": AcquiredAs.DONATED_IN,
}
OWNERSHIP = {
    **{fold(code): code for code in Ownership.values},
    "propriete": Ownership.OWNED, "proprietaire": Ownership.OWNED, "achat": Ownership.OWNED,
    "loa": Ownership.LEASED, "credit-bail": Ownership.LEASED, "credit bail": Ownership.LEASED,
    "location avec option d'achat": Ownership.LEASED, "location": Ownership.RENTED, "loue": Ownership.RENTED,
}
for _table, _choices in ((ACQUIRED_AS, AcquiredAs.choices), (OWNERSHIP, Ownership.choices)):
    for _code, _label in _choices:
        _table[fold(str(_label))] = _code
        with translation.override("fr"):
            _table[fold(str(_label))] = _code


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    source: str
    columns: dict  # field → tuple of header names
    statuses: dict = field(default_factory=dict)  # folded label → status code
    categories: dict = field(default_factory=lambda: dict(CATEGORY_ALIASES))

    def match_headers(self, headers):
        """(field → column index, [ignored headers]) for a file's header row."""
        wanted = {fold(name): name_field for name_field, names in self.columns.items() for name in names}
        mapping, ignored = {}, []
        for index, header in enumerate(headers):
            name_field = wanted.get(fold(header))
            if name_field and name_field not in mapping:
                mapping[name_field] = index
            elif header:
                ignored.append(header)
        return mapping, ignored

    def with_overrides(self, *, name, label, columns=None, statuses=None):
        merged_columns = dict(self.columns)
        for name_field, header in (columns or {}).items():
            merged_columns[name_field] = (header,)
        merged_statuses = dict(self.statuses)
        merged_statuses.update({fold(key): value for key, value in (statuses or {}).items()})
        return replace(self, name=name, label=label, columns=merged_columns, statuses=merged_statuses)


def _prolonge_columns():
    from ..exports import DEVICE_COLUMNS

    columns = {}
    for column, _machine, _sheet in DEVICE_COLUMNS:
        if column.key not in FIELDS:
            continue
        names = {column.key, str(column.header)}
        with translation.override("fr"):
            names.add(str(column.header))
        with translation.override("en"):
            names.add(str(column.header))
        columns[column.key] = tuple(names)
    return columns


def builtin_profiles():
    statuses = _our_status_labels()
    return {
        "prolonge": Profile("prolonge", str(_("Prolonge export (CSV or XLSX)")), "Prolonge", _prolonge_columns(),
                            statuses),
        "template": Profile(
            "template", str(_("French spreadsheet template")), str(_("spreadsheet")),
            {key: (header,) for key, header in TEMPLATE_COLUMNS.items()}, {**statuses, **COMMON_STATUSES},
        ),
        "glpi": Profile("glpi", "GLPI", "GLPI", {
            "asset_tag": ("otherserial", "Numéro d'inventaire", "Inventory number"),
            "serial_number": ("serial", "Numéro de série", "Serial number"),
            "manufacturer": ("manufacturers_id", "manufacturer", "Fabricant", "Manufacturer"),
            "model": ("computermodels_id", "monitormodels_id", "phonemodels_id", "printermodels_id",
                      "networkequipmentmodels_id", "model", "Modèle", "Model"),
            "category": ("computertypes_id", "monitortypes_id", "phonetypes_id", "printertypes_id",
                         "networkequipmenttypes_id", "type", "Type", "itemtype"),
            "status": ("states_id", "Statut", "Status"),
            "site": ("locations_id", "Lieu", "Location"),
            "department": ("groups_id", "Groupe", "Group"),
            "assignee": ("users_id", "Utilisateur", "User"),
            "purchase_date": ("buy_date", "Date d'achat", "Date of purchase"),
            "use_date": ("use_date", "Date de mise en service", "Startup date"),
            "purchase_price": ("value", "Valeur", "Value"),
            "warranty_months": ("warranty_duration", "Durée de garantie", "Warranty duration"),
            "supplier": ("suppliers_id", "Fournisseur", "Supplier"),
            "order_reference": ("order_number", "Numéro de commande", "Order number"),
            "accounting_number": ("immo_number", "Numéro d'immobilisation", "Immobilization number"),
            "last_seen": ("last_contact", "Dernier contact", "Last contact", "last_inventory_update",
                          "Dernier inventaire"),
            "notes": ("comment", "Commentaires", "Comments"),
        }, {**statuses, **GLPI_STATUSES}),
        "snipeit": Profile("snipeit", "Snipe-IT", "Snipe-IT", {
            "asset_tag": ("Asset Tag", "asset_tag"),
            "serial_number": ("Serial", "serial"),
            "model": ("Model", "Model Name", "model"),
            "manufacturer": ("Manufacturer", "manufacturer"),
            "category": ("Category", "category"),
            "status": ("Status", "Status Label", "status_label"),
            "site": ("Location", "location"),
            "department": ("Company", "company"),
            "assignee": ("Checked Out To", "Assigned To"),
            "purchase_date": ("Purchase Date", "purchase_date"),
            "purchase_price": ("Purchase Cost", "purchase_cost"),
            "supplier": ("Supplier", "supplier"),
            "order_reference": ("Order Number", "order_number"),
            "warranty_months": ("Warranty", "Warranty Months", "warranty_months"),
            "notes": ("Notes", "notes"),
        }, {**statuses, **SNIPEIT_STATUSES}),
    }


def get_profile(name):
    """A built-in profile by name, or a saved custom profile (``custom:<id>`` or its name)."""
    builtins = builtin_profiles()
    if name in builtins:
        return builtins[name]
    from ..models import ImportProfile

    lookup = {"pk": name.split(":", 1)[1]} if name.startswith("custom:") else {"name": name}
    saved = ImportProfile.objects.filter(**lookup).first()
    if saved is None:
        raise KeyError(name)
    base = builtins.get(saved.base, builtins["template"])
    return base.with_overrides(name=f"custom:{saved.pk}", label=saved.name, columns=saved.columns,
                               statuses=saved.statuses)


def profile_choices():
    from ..models import ImportProfile

    choices = [(name, profile.label) for name, profile in builtin_profiles().items()]
    choices += [(f"custom:{pk}", name) for pk, name in ImportProfile.objects.values_list("pk", "name")]
    return choices
