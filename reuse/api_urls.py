from rest_framework.routers import SimpleRouter

from . import api, staff_api

router = SimpleRouter()
router.register("offers", api.OfferViewSet, basename="reuse-offer")
router.register("claims", api.ClaimViewSet, basename="reuse-claim")
router.register("donations", api.DonationViewSet, basename="reuse-donation")
router.register("erasures", api.ErasureViewSet, basename="reuse-erasure")
router.register("staff-donations", staff_api.StaffDonationViewSet, basename="reuse-staff-donation")

urlpatterns = router.urls
