from rest_framework.routers import SimpleRouter

from .repair_api import RepairViewSet

router = SimpleRouter()
router.register("repairs", RepairViewSet, basename="repair")

urlpatterns = [*router.urls]
