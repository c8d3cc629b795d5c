from rest_framework.routers import SimpleRouter

from . import api
from .exits.api import ExitViewSet
from .repairs.api import RepairViewSet
from .review.api import FlagViewSet
from .shipments.api import ShipmentViewSet

app_name = "inventory-api"

router = SimpleRouter()
router.register("devices", api.DeviceViewSet, basename="device")
router.register("categories", api.CategoryViewSet, basename="category")
router.register("models", api.DeviceModelViewSet, basename="devicemodel")
router.register("sites", api.SiteViewSet, basename="site")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("repairs", RepairViewSet, basename="repair")
router.register("flags", FlagViewSet, basename="flag")
router.register("exits", ExitViewSet, basename="exit")
router.register("shipments", ShipmentViewSet, basename="shipment")

urlpatterns = router.urls
