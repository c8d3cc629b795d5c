from rest_framework.routers import DefaultRouter

from .flag_api import FlagViewSet

router = DefaultRouter()
router.register("flags", FlagViewSet, basename="flag")

urlpatterns = router.urls
