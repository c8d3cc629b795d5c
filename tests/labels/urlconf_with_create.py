"""The project's URLs plus a stand-in ``inventory:device-create`` page (whether or not the real
one exists yet), to test the link the unknown-tag page offers."""

from django.http import HttpResponse
from django.urls import include, path

from config import urls as project
from inventory import urls as inventory_urls


def _create(request):
    return HttpResponse(request.GET.get("asset_tag", ""))


_inventory = [path("devices/new/", _create, name="device-create"),
              *(p for p in inventory_urls.urlpatterns if getattr(p, "name", None) != "device-create")]

urlpatterns = [
    path("", include((_inventory, "inventory"))),
    *(p for p in project.urlpatterns if getattr(p, "namespace", None) != "inventory"),
]
