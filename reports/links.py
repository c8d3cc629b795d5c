"""Where each figure comes from: the filtered device list and the method page (issue 11 §3).

Device-list links use ``inventory.filters.DeviceFilterSet``'s query string (the same contract as
``/api/devices/``). The method page (``/methode/``) is built elsewhere; anchors are listed here
once so that the page and the links agree.
"""

from urllib.parse import urlencode

from django.urls import reverse

METHOD_PATH = "/methode/"
ANCHORS = {
    "fleet": "parc",
    "lifespan": "duree-de-vie",
    "horizon": "duree-de-vie-prevue",
    "renewal": "plan-de-renouvellement",
    "reuse_ratio": "taux-reemploi-decret-2023-266",
    "agec": "achats-agec",
    "exits": "sorties",
    "redeployments": "redeploiements",
    "avoided": "emissions-evitees",
    "repairs": "reparations",
    "footprint": "empreinte",
    "inclusion": "inclusion",
}


def devices(**params):
    """``/devices/?…`` for DeviceFilterSet parameters (lists repeat the key, as the form does)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)
    return reverse("inventory:device-list") + (f"?{query}" if query else "")


def method(topic):
    return f"{METHOD_PATH}#{ANCHORS[topic]}"
