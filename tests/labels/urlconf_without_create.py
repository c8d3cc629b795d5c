"""The project's URLs without any ``inventory:device-create`` page (the fallback case)."""

from django.urls import include, path

from config import urls as project
from inventory import urls as inventory_urls

_inventory = [p for p in inventory_urls.urlpatterns if getattr(p, "name", None) != "device-create"]

urlpatterns = [
    path("", include((_inventory, "inventory"))),
    *(p for p in project.urlpatterns if getattr(p, "namespace", None) != "inventory"),
]
